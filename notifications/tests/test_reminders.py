"""Reminder rules, with the one shipped now: a pending invitation gets reminders at 3 and 7 days."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from associations import services as association_services
from associations.tenancy import association_scope
from notifications import services
from notifications.models import Message, ReminderSetting
from notifications.reminders import reminders_sweep
from notifications.tasks import sweep_reminders


@pytest.fixture
def invitation(tenant_a):
    with association_scope(tenant_a.association), translation.override("en"):
        invitation, _raw = association_services.invitation_create(
            actor=tenant_a.president, email="late-joiner@example.ma", kind="member"
        )
    return invitation


def reminders(tenant):
    with association_scope(tenant.association):
        return sorted(
            Message.objects.filter(
                template_key="associations.invitation_reminder", to_address__startswith="late"
            ).values_list("dedup_key", flat=True)
        )


def sweep(tenant, on_day: int, invitation):
    today = timezone.localdate(invitation.created_at) + timedelta(days=on_day)
    with association_scope(tenant.association):
        return reminders_sweep(today=today)


def test_invitation_reminders_fire_at_3_and_7_days_and_only_once(tenant_a, invitation):
    for day in (0, 1, 2):
        sweep(tenant_a, day, invitation)
    assert reminders(tenant_a) == []
    sweep(tenant_a, 3, invitation)
    sweep(tenant_a, 3, invitation)  # the sweep runs hourly: the same day again adds nothing
    sweep(tenant_a, 4, invitation)
    assert reminders(tenant_a) == [f"reminder:associations.invitation_pending:{invitation.pk}:+3"]
    for day in (5, 6, 7, 8):
        sweep(tenant_a, day, invitation)
    assert reminders(tenant_a) == [
        f"reminder:associations.invitation_pending:{invitation.pk}:+3",
        f"reminder:associations.invitation_pending:{invitation.pk}:+7",
    ]


def test_a_missed_day_is_caught_up_but_old_offsets_do_not_flood(tenant_a, invitation):
    sweep(tenant_a, 4, invitation)  # the day-3 sweep did not run: caught up on day 4
    assert len(reminders(tenant_a)) == 1
    sweep(tenant_a, 13, invitation)  # day 7 is six days old by now: not sent late
    assert len(reminders(tenant_a)) == 1


def test_accepted_or_withdrawn_invitations_get_no_reminder(tenant_a, invitation):
    with association_scope(tenant_a.association):
        association_services.invitation_revoke(actor=tenant_a.president, invitation_id=invitation.pk)
    sweep(tenant_a, 3, invitation)
    assert reminders(tenant_a) == []


def test_an_association_can_change_the_offsets_or_turn_the_rule_off(tenant_a, invitation):
    with association_scope(tenant_a.association):
        setting = ReminderSetting.objects.create(rule_key="associations.invitation_pending", offsets=[1])
    sweep(tenant_a, 1, invitation)
    assert reminders(tenant_a) == [f"reminder:associations.invitation_pending:{invitation.pk}:+1"]
    with association_scope(tenant_a.association):
        setting.enabled = False
        setting.save()
    sweep(tenant_a, 3, invitation)
    assert len(reminders(tenant_a)) == 1


def test_the_reminder_reaches_the_invitee_in_the_inviters_language(tenant_a, invitation):
    mail.outbox.clear()
    sweep(tenant_a, 3, invitation)
    services.outbox_dispatch(association_id=tenant_a.association.pk)
    sent = [m for m in mail.outbox if m.to == ["late-joiner@example.ma"]]
    assert len(sent) == 1
    assert invitation.language == "en"
    assert "/me/" in sent[0].body and "still waiting" in sent[0].body


def test_beat_sweep_finds_associations_with_candidates(tenant_a, tenant_b, invitation):
    # Every fixture association has one pending invitation; the beat task fans out to both.
    assert sweep_reminders() == 2
