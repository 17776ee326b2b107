"""An announcement to 50,000 members: time and memory to queue it (recipients and outbox messages,
in chunk tasks), then dispatch through the console backends (messages per second), while another
association's single message, queued meanwhile, still goes out within a minute.

The messages queue is simulated by one worker taking tasks in order from a FIFO list: the real
task functions run (communication.queue_announcement, notifications.dispatch_association), and
what they would `.delay()` is appended to the list, as Celery's broker would. Association B's
message is queued, with its dispatch task (as beat's sweep gives it, every 30 s), right after one of
A's dispatch tasks has put its remainder back in the queue, the worst moment for B: it then waits
for one whole task of A (WASL_OUTBOX_TASK_SECONDS). Its latency is the time from then until it is
sent; add up to 30 s for beat's sweep in production.

    .venv/bin/python bench/announcement.py                         # SQLite, 50,000 members
    BENCH_MEMBERS=5000 .venv/bin/python bench/announcement.py
    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/announcement.py
    BENCH_TASK_SECONDS=20 (the time budget of one dispatch task, WASL_OUTBOX_TASK_SECONDS)
    BENCH_SMS_RATE=0 (SMS per second at the gateway; 0: no limit, to measure the platform)

Creates and drops its own test database (DATABASE_URL for PostgreSQL, SQLite otherwise).
"""

import io
import logging
import os
import resource
import sys
import time
from collections import deque
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "50000"))
TASK_SECONDS = float(os.environ.get("BENCH_TASK_SECONDS", "20"))
SMS_RATE = int(os.environ.get("BENCH_SMS_RATE", "0"))
B_AFTER_SECONDS = 5.0  # B's message is queued this long into A's dispatch

QUEUE: deque = deque()  # (label, task function, kwargs): the "messages" queue, first in, first out


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def populate(association, size: int, prefix: str) -> None:
    from associations.tenancy import association_scope
    from members.models import Member, MemberNumberCounter

    with association_scope(association):
        batch = []
        for i in range(1, size + 1):
            batch.append(
                Member(
                    number=i,
                    first_name_latin=f"Prenom{i}",
                    last_name_latin="Alaoui",
                    first_name_ar="أمينة",
                    last_name_ar="العلوي",
                    email=f"{prefix}{i}@bench.ma",
                    phone=f"+2126{10000000 + i:08d}",
                    status="active",
                )
            )
            if len(batch) == 5000:
                Member.objects.bulk_create(batch)
                batch = []
        Member.objects.bulk_create(batch)
        MemberNumberCounter.objects.create(last_number=size)


def patch_delays() -> None:
    """What the tasks `.delay()` goes to the end of QUEUE instead of running at once (eager)."""
    from communication import tasks as communication_tasks
    from notifications import tasks as notification_tasks

    def enqueue(label, task):
        return lambda **kwargs: QUEUE.append((label, task, kwargs))

    communication_tasks.queue_announcement.delay = enqueue("queue", communication_tasks.queue_announcement)
    notification_tasks.dispatch_association.delay = enqueue(
        "dispatch", notification_tasks.dispatch_association
    )


def run_queue(*, until=None, on_tick=None) -> dict:
    """Run tasks in order; returns the number of tasks run by label."""
    counts: dict[str, int] = {}
    while QUEUE:
        if on_tick:
            on_tick()
        label, task, kwargs = QUEUE.popleft()
        task(**kwargs)
        counts[label] = counts.get(label, 0) + 1
        if until and until():
            break
    return counts


def main() -> None:
    logging.getLogger("notifications.sms").setLevel(logging.ERROR)  # the console SMS backend logs each
    settings.WASL_OUTBOX_TASK_SECONDS = TASK_SECONDS
    settings.WASL_SMS_RATE_PER_SECOND = SMS_RATE
    settings.CELERY_TASK_ALWAYS_EAGER = True
    setup_test_environment()  # sets the locmem e-mail backend: the console one is set after it
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from django.core.cache import cache

        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
        from communication import services
        from communication.models import Announcement
        from communication.services import AnnouncementValues
        from notifications.models import Message
        from notifications.services import message_enqueue

        cache.clear()
        patch_delays()
        president = UserFactory(email="president@bench.ma")
        a = AssociationFactory(slug="bench-a", name_fr="Association A", name_ar="جمعية أ")
        b = AssociationFactory(slug="bench-b", name_fr="Association B", name_ar="جمعية ب")
        RoleFactory(association=a, user=president, kind="president")
        started = time.perf_counter()
        populate(a, MEMBERS, "a")
        print(f"{connection.vendor}; {MEMBERS:,} members created in {time.perf_counter() - started:.1f} s")

        with association_scope(a):
            announcement = services.announcement_save(
                actor=president,
                values=AnnouncementValues(
                    subject_ar="الجمع العام",
                    body_ar="ندعوكم إلى الجمع العام العادي يوم السبت على الساعة العاشرة.",
                    subject_fr="Assemblée générale",
                    body_fr="Nous vous invitons à l'assemblée générale ordinaire samedi à 10 h.",
                    sms_text="AG ordinaire samedi 10h au siege. Votre presence compte.",
                    by_email=True,
                    by_sms=True,
                    audience={"members.status": "active"},
                ),
            )

        # --- 1. Queue: the confirmation, then the chunk tasks (dispatch tasks put aside) -----------
        rss_before = max_rss_mb()
        started = time.perf_counter()
        with association_scope(a):
            services.announcement_confirm(actor=president, announcement_id=announcement.pk)
        confirmed = time.perf_counter() - started
        chunks = 0
        while QUEUE:
            label, task, kwargs = QUEUE.popleft()
            if label == "queue":
                task(**kwargs)
                chunks += 1
        queued = time.perf_counter() - started
        with association_scope(a):
            total = Message.objects.count()
            state = Announcement.objects.get(pk=announcement.pk)
        print(
            f"queue: confirm {confirmed * 1000:.0f} ms (the click); {chunks} chunk tasks of 1,000 members; "
            f"{state.recipient_count:,} recipients, {total:,} outbox messages in {queued:.1f} s "
            f"({total / queued:,.0f} messages/s); max RSS +{max_rss_mb() - rss_before:.0f} MB "
            f"({max_rss_mb():.0f} MB)"
        )

        # --- 2. Dispatch A through the console backends; B's message arrives meanwhile ------------
        cache.clear()
        QUEUE.append(
            (
                "dispatch",
                __import__("notifications.tasks").tasks.dispatch_association,
                {"association_id": a.pk},
            )
        )
        b_state: dict = {}
        dispatch_started = time.perf_counter()

        def maybe_queue_b():
            if "queued_at" not in b_state and time.perf_counter() - dispatch_started >= B_AFTER_SECONDS:
                with association_scope(b):
                    message_enqueue(
                        channel="email",
                        to_address="only@b.ma",
                        dedup_key="b-single",
                        template_key="associations.invitation_reminder",
                        language="fr",
                        context={
                            "association_name_fr": "B",
                            "association_name_ar": "ب",
                            "me_url": "http://x/me/",
                            "expires_on": "2026-12-31",
                        },
                    )
                b_state["queued_at"] = time.perf_counter()
                # Beat's next sweep: B has no chain yet, so it gets a dispatch task of its own.
                from notifications.tasks import dispatch_soon

                dispatch_soon(b.pk)

        def b_sent():
            if "queued_at" in b_state and "sent_at" not in b_state:
                with association_scope(b):
                    if Message.objects.filter(dedup_key="b-single", status="sent").exists():
                        b_state["sent_at"] = time.perf_counter()
            return False

        def tick():
            maybe_queue_b()
            b_sent()

        sink = io.StringIO()
        with redirect_stdout(sink):  # the console e-mail backend prints every message
            tasks = run_queue(on_tick=tick)
        tick()
        elapsed = time.perf_counter() - dispatch_started
        with association_scope(a):
            sent = Message.objects.filter(status="sent").count()
        print(
            f"dispatch: {sent:,} messages sent in {elapsed:.1f} s ({sent / elapsed:,.0f} messages/s) "
            f"in {tasks.get('dispatch', 0)} dispatch tasks of at most {TASK_SECONDS:.0f} s "
            f"(SMS rate limit: {SMS_RATE or 'none'}); console output {len(sink.getvalue()) / 1e6:.0f} MB"
        )
        latency = b_state.get("sent_at", float("nan")) - b_state.get("queued_at", float("nan"))
        print(
            f"association B's single message, queued behind one of A's dispatch tasks: sent after "
            f"{latency:.1f} s (+ up to 30 s for beat's sweep to give B its dispatch task)"
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
