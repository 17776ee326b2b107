"""The dues reminder rule, swept by the notifications service: before the due date, on it, and
after it (the association's offsets, by default 7 days before, on the day, 15 and 30 days after),
by e-mail, else SMS; once per due and offset (the dedup key); only dues still owed (a member who
paid is never a candidate, and a reminder queued before the payment is withdrawn by it:
`withdraw_reminders`); an address that objected is suppressed by the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from associations.links import absolute_url
from associations.models import Association
from finance.models import Due
from notifications.reminders import (
    CATCH_UP_DAYS,
    Recipient,
    ReminderRule,
    offsets_for,
    register_reminder_rule,
)

RULE_KEY = "finance.dues"


def _candidates():
    """Dues still owed whose due date puts one of the offsets within the sweep's window."""
    offsets = offsets_for(DUES_REMINDER) or ()
    if not offsets:
        return Due.objects.none()
    today = timezone.localdate()
    earliest = today - timedelta(days=max(offsets) + CATCH_UP_DAYS)
    latest = today - timedelta(days=min(offsets))
    return (
        Due.objects.filter(waived_at=None, paid__lt=F("amount"), due_date__range=(earliest, latest))
        .filter(member__anonymised_at=None, member__status__in=("active", "suspended"))
        .exclude(member__email="", member__phone="")
        .select_related("member", "fiscal_year")
    )


def _recipient(due: Due) -> Recipient:
    member = due.member
    return Recipient(
        address=member.email or member.phone,
        channel="email" if member.email else "sms",
        language=settings.LANGUAGE_CODE,
        name=member.display_name,
        user=member.user if member.user_id else None,
    )


def _context(due: Due) -> dict:
    association = Association.objects.only("name_ar", "name_fr", "slug").get(pk=due.association_id)
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "year": str(due.fiscal_year),
        "amount": f"{due.balance:.2f}",
        "due_date": due.due_date.isoformat(),
        "link": absolute_url(reverse("members:my", kwargs={"association_slug": association.slug})),
    }


DUES_REMINDER = register_reminder_rule(
    ReminderRule(
        key=RULE_KEY,
        default_offsets=(-7, 0, 15, 30),
        template_key="finance.dues_reminder",
        candidates=_candidates,
        anchor=lambda due: due.due_date,
        recipient=_recipient,
        context=_context,
    )
)


def reminder_key_prefix(due_id) -> str:
    """The start of the outbox dedup keys of one due's reminders, as a LIKE pattern's literal part."""
    key = f"reminder:{RULE_KEY}:{due_id}:"
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def withdraw_reminders(due_ids) -> int:
    """Reminders of these dues still waiting in the outbox are withdrawn (the dues were paid).
    (A payment on PostgreSQL does the same inside its own write: finance.services.payments.)"""
    from notifications.models import Message

    ids = list(due_ids)
    if not ids:
        return 0
    reason = gettext("The due was paid before the reminder was sent.")
    count = 0
    for pk in ids:
        count += Message.objects.filter(
            dedup_key__startswith=f"reminder:{RULE_KEY}:{pk}:", status=Message.Status.QUEUED
        ).update(status=Message.Status.SUPPRESSED, last_error=reason)
    return count
