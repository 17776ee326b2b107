"""A general assembly at scale: 5,000 members convened, 2,000 checked in at the door by 8 phones at
once, 2,000 secret ballots cast at once, then the closing and the count.

Creates a throwaway database (Django's test-database machinery), one association with BENCH_MEMBERS
members (bulk-created, not measured). Measured, each in the association's scope as a request would
be: the convocation (outbox rows for every member, in one transaction); BENCH_PRESENT check-ins
from BENCH_CLIENTS threads (each one a door search by the member's number, as the phone does, then
the check-in); the live quorum; opening the poll (the voter list frozen); BENCH_PRESENT ballots
from BENCH_CLIENTS threads, plus one repeated attempt per 10 voters that must be refused; the
closing (ballots rewritten in random order); the count.

Each single step prints its query count (BENCH_VERBOSE=1: and its five slowest queries); "one
ballot" is the first attempt, timed and counted alone before the clients start.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_assembly_bench .venv/bin/python bench/assembly.py
    BENCH_MEMBERS=500 BENCH_PRESENT=200 .venv/bin/python bench/assembly.py    # SQLite, quick (1 client)
    # The poll and the ballots alone, one client (a small or shared machine): the 2,000 check-ins
    # are bulk-created instead of measured.
    BENCH_DOOR=bulk BENCH_CLIENTS=1 DATABASE_URL=... .venv/bin/python bench/assembly.py
"""

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "5000"))
PRESENT = int(os.environ.get("BENCH_PRESENT", "2000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
# "phones": check-ins measured as the door does them; "bulk": attendance rows bulk-created, not
# measured (to time the poll and the ballots alone, e.g. 2,000 present on a small machine).
DOOR = os.environ.get("BENCH_DOOR", "phones")
VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))


def report(label: str, samples: list[float], wall: float | None = None) -> None:
    samples = sorted(samples)
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    rate = f"  throughput {len(samples) / wall:7.1f}/s (wall {wall:.1f} s)" if wall else ""
    print(
        f"{label:30} n={len(samples):5}  median {statistics.median(samples):7.2f} ms  p95 {p95:7.2f} ms{rate}"
    )


def timed(label: str, work):
    """Time one call and count its queries (the slowest ones listed with BENCH_VERBOSE=1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = work()
    print(f"{label:30} {1000 * (time.perf_counter() - start):9.1f} ms  {len(queries):4} queries")
    if VERBOSE:
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"{'':30} {1000 * float(query['time']):9.1f} ms  {query['sql'][:160]}")
    return result


def in_threads(count: int, items: list, work) -> tuple[list[float], list, float]:
    """Run work(item) for every item from `count` threads; per-call latency in ms."""
    from django.db import connection

    chunks = [items[i::count] for i in range(count)]
    samples: list[float] = []
    outcomes: list = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run(chunk):
        try:
            barrier.wait(timeout=60)
            for item in chunk:
                start = time.perf_counter()
                outcome = work(item)
                elapsed = 1000 * (time.perf_counter() - start)
                with lock:
                    samples.append(elapsed)
                    outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, outcomes, time.perf_counter() - start


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        import datetime

        from django.db import connection
        from django.urls import reverse
        from django.utils import timezone

        from associations.errors import WaslError
        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory
        from governance import selectors, services
        from governance.models import Attendance, Ballot, Participation
        from members.models import Member

        reverse("healthz")  # load the URL map once: a running server has it already
        clients = CLIENTS if connection.vendor == "postgresql" else 1  # SQLite: one writer
        print(f"{connection.vendor}, {MEMBERS} members, {PRESENT} present, {clients} clients")
        association = AssociationFactory()
        officer = RoleFactory(association=association, kind="president").user
        zone = timezone.get_current_timezone()
        today_nine = datetime.datetime.combine(timezone.localdate(), datetime.time(9)).replace(tzinfo=zone)
        with association_scope(association):
            members = Member.objects.bulk_create(
                [
                    Member(
                        number=i + 1,
                        first_name_latin=f"Prenom{i}",
                        last_name_latin=f"Nom{i}",
                        first_name_ar="اسم",
                        last_name_ar=f"عائلة{i}",
                        email=f"m{i}@example.ma" if i % 3 else "",
                        phone="0612345678" if not i % 3 else "",
                        search_text=f"prenom{i} nom{i} اسم عائلة{i}",
                    )
                    for i in range(MEMBERS)
                ],
                batch_size=1000,
            )
            # The usual "a quarter of the members" at the first call: 2,000 of 5,000 reach it.
            services.statute_rules_adopt(actor=officer, values={"quorum_first_call": "1/4"})
            assembly = services.assembly_create(
                actor=officer, values={"title": "AGO", "first_call_at": today_nine, "place": "Salle"}
            )
            item = services.agenda_item_add(
                actor=officer, assembly_id=assembly.pk, kind="resolution", title="Budget"
            )
        with association_scope(association):
            queued = timed(
                "convocation (outbox rows)",
                lambda: services.assembly_convene(
                    actor=officer, assembly_id=assembly.pk, now=today_nine - datetime.timedelta(days=30)
                ),
            )
            print(f"{'':30} {queued} messages queued")
            services.assembly_open(actor=officer, assembly_id=assembly.pk)

        present = members[:PRESENT]

        def check_in(member):
            with association_scope(association):
                found = selectors.checkin_candidates(assembly, query=str(member.number))
                target = next(m for m in found if m.pk == member.pk)
                return services.attendance_check_in(
                    actor=officer, assembly_id=assembly.pk, member_id=target.pk
                )[1]

        if DOOR == "bulk":
            with association_scope(association):
                Attendance.objects.bulk_create(
                    [Attendance(assembly=assembly, member=m, checked_in_by=officer) for m in present],
                    batch_size=1000,
                )
            print(f"{'check-in':30} {PRESENT} bulk-created (not measured)")
        else:
            samples, outcomes, wall = in_threads(clients, present, check_in)
            report("check-in (search + check in)", samples, wall)
            assert outcomes.count(True) == PRESENT

        def quorum():
            with association_scope(association):
                return selectors.quorum_status(assembly)

        status = timed("live quorum", quorum)
        print(f"{'':30} {status.present_and_represented}/{status.members}, reached={status.reached}")
        with association_scope(association):
            poll = services.poll_create(actor=officer, agenda_item_id=item.pk)
        with association_scope(association):
            timed("poll open (voter list frozen)", lambda: services.poll_open(actor=officer, poll_id=poll.pk))

        attempts = [(m, "for" if m.pk % 3 else "against") for m in present]
        attempts += [(m, "abstain") for m in present[::10]]  # a second attempt by one voter in ten

        def cast(attempt):
            member, choice = attempt
            with association_scope(association):
                try:
                    return services.ballot_cast(member=member, poll_id=poll.pk, choice=choice)
                except WaslError as error:
                    return error.code

        first = timed("one ballot (service)", lambda: cast(attempts[0]))
        samples, outcomes, wall = in_threads(clients, attempts[1:], cast)
        outcomes.append(first)
        report("ballot (incl. refused repeats)", samples, wall)
        refused = outcomes.count("already_voted")
        print(f"{'':30} {len(outcomes) - refused} ballots accepted, {refused} repeats refused")
        with association_scope(association):
            timed("poll close (shuffle)", lambda: services.poll_close(actor=officer, poll_id=poll.pk))
        with association_scope(association):
            poll.refresh_from_db()
            result = timed("count (poll_result)", lambda: selectors.poll_result(poll))
            ballots = Ballot.objects.filter(poll=poll).count()
            participations = Participation.objects.filter(poll=poll).count()
        print(
            f"{'':30} ballots {ballots}, participations {participations}, tally {result.tally}, "
            f"adopted {result.adopted}"
        )
        assert ballots == participations == PRESENT
        assert refused == len(present[::10])
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
