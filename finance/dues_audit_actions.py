"""How the audit events of dues, payments and receipts read (imported from dues_contributions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from finance.audit_actions import _money
from finance.models import PaymentMethod

LABELS = {
    "amount": _("amount"),
    "method": _("method"),
    "receipt": _("receipt"),
    "entry": _("entry"),
    "number": _("receipt number"),
    "cancellation": _("cancellation receipt"),
    "reason": _("reason"),
    "year": _("fiscal year"),
    "created": _("dues created"),
    "category": _("member category"),
    "fields": _("changed fields"),
}

for action in (
    seams.AuditAction(
        key="finance.payment.recorded",
        label=_("Payment recorded"),
        sentence=_("%(actor)s recorded a payment of %(amount)s (receipt %(receipt)s)"),
        field_labels=LABELS,
        values={"amount": _money, "method": dict(PaymentMethod.choices)},
    ),
    seams.AuditAction(
        key="finance.receipt.cancelled",
        label=_("Receipt cancelled"),
        sentence=_("%(actor)s cancelled receipt %(number)s by receipt %(cancellation)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.receipt.resent",
        label=_("Receipt sent again"),
        sentence=_("%(actor)s sent receipt %(number)s to the payer again"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.receipt.links_withdrawn",
        label=_("Receipt links withdrawn"),
        sentence=_("%(actor)s withdrew the links sent for receipt %(number)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.dues.generated",
        label=_("Dues generated"),
        sentence=_("%(actor)s generated the dues of %(year)s (%(created)s new)"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.due.waived",
        label=_("Due waived"),
        sentence=_("%(actor)s waived a due of %(amount)s"),
        field_labels=LABELS,
        values={"amount": _money},
    ),
    seams.AuditAction(
        key="finance.dues_schedule.saved",
        label=_("Dues schedule saved"),
        sentence=_("%(actor)s set the dues of %(year)s for a member category"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.dues_settings.changed",
        label=_("Dues settings changed"),
        sentence=_("%(actor)s changed the dues settings"),
        field_labels=LABELS,
    ),
):
    seams.register_audit_action(action)
