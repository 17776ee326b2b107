"""What announcements need of the outbox: SMS segment counting, bulk enqueue with the same dedup and
opposition rules, the gateway's rate limit, and dispatch tasks that hand over after their time."""

import pytest
from django.core.cache import cache

from associations.tenancy import association_scope
from notifications import services
from notifications.models import Message
from notifications.services import MessageSpec
from notifications.sms import SmsRateLimiter, sms_cost


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # an extension character takes two septets
        ("€" * 81, "GSM-7", 2),
        ("é à ù Ç", "GSM-7", 1),
        ("س" * 70, "UCS-2", 1),
        ("س" * 71, "UCS-2", 2),
        ("س" * 134, "UCS-2", 2),
        ("س" * 135, "UCS-2", 3),
        ("a" * 159 + "ب", "UCS-2", 3),  # one Arabic letter makes the whole text UCS-2
    ],
)
def test_sms_segments(text, encoding, segments):
    cost = sms_cost(text)
    assert (cost.encoding, cost.segments) == (encoding, segments)


def spec(i: int, channel="email", **extra) -> MessageSpec:
    return MessageSpec(
        channel=channel,
        to_address=f"bulk{i}@example.ma" if channel == "email" else f"+2126000000{i:02d}",
        template_key="associations.invitation_reminder",
        dedup_key=f"bulk:{channel}:{i}",
        language="fr",
        context={},
        **extra,
    )


def test_bulk_enqueue_skips_dedup_keys_already_queued(scope_a):
    services.message_enqueue(
        channel="email",
        to_address="bulk0@example.ma",
        template_key="associations.invitation_reminder",
        dedup_key="bulk:email:0",
    )
    created = services.message_enqueue_many([spec(i) for i in range(5)], batch_size=2)
    again = services.message_enqueue_many([spec(i) for i in range(5)])
    assert (created, again) == (4, 0)
    assert Message.objects.filter(dedup_key__startswith="bulk:").count() == 5


def test_bulk_enqueue_suppresses_objectors_and_given_reasons(scope_a):
    services.opposition_record(actor=None, channel="sms", address="+212600000001")
    services.message_enqueue_many(
        [spec(0, "sms"), spec(1, "sms"), spec(2, "sms", suppressed_reason="withdrew")]
    )
    statuses = dict(Message.objects.filter(dedup_key__startswith="bulk:").values_list("dedup_key", "status"))
    assert statuses == {"bulk:sms:0": "queued", "bulk:sms:1": "suppressed", "bulk:sms:2": "suppressed"}


def test_the_rate_limiter_waits_for_the_next_second():
    cache.clear()
    now = [1000.25]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 2))
        now[0] += seconds

    limiter = SmsRateLimiter(2, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    # Two in second 1000, two in 1001 (after waiting 0.75 s), one in 1002 (after 1 s more).
    assert len(waits) == 2 and waits[0] == 0.75 and int(now[0]) == 1002


def test_dispatch_paces_sms_through_the_limiter(tenant_a, settings, monkeypatch):
    acquired = []
    monkeypatch.setattr(SmsRateLimiter, "acquire", lambda self: acquired.append(self.per_second))
    settings.WASL_SMS_RATE_PER_SECOND = 7
    with association_scope(tenant_a.association):
        services.message_enqueue_many([spec(i, "sms") for i in range(3)] + [spec(9)])
    services.outbox_dispatch(association_id=tenant_a.association.pk)
    assert acquired == [7, 7, 7]  # each SMS, not the e-mail


def test_dispatch_hands_over_after_its_time_budget(tenant_a):
    with association_scope(tenant_a.association):
        services.message_enqueue_many([spec(i) for i in range(60)])
    result = services.outbox_dispatch(association_id=tenant_a.association.pk, budget_seconds=0)
    # One claimed batch at least, then it hands over.
    assert result.more and result.sent == services.CLAIM_BATCH
    rest = services.outbox_dispatch(association_id=tenant_a.association.pk)
    assert rest.sent == 60 - services.CLAIM_BATCH and not rest.more


def test_a_dispatch_task_with_more_due_queues_the_rest(tenant_a, settings):
    from notifications.tasks import dispatch_association

    settings.WASL_OUTBOX_TASK_SECONDS = 0
    with association_scope(tenant_a.association):
        services.message_enqueue_many([spec(i) for i in range(60)])
    dispatch_association(association_id=tenant_a.association.pk)  # eager: the chain runs to the end
    with association_scope(tenant_a.association):
        assert Message.objects.filter(dedup_key__startswith="bulk:", status="sent").count() == 60
