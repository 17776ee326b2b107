"""How the books' audit events read (imported from finance/contributions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from associations.formatting import format_money


def _money(value):
    try:
        from decimal import Decimal

        return format_money(Decimal(str(value)))
    except Exception:
        return value


LABELS = {
    "number": _("entry number"),
    "amount": _("amount"),
    "label": _("label"),
    "reversal": _("reversal"),
    "result": _("result"),
    "entry": _("entry"),
    "reference": _("decision reference"),
    "code": _("account code"),
    "name_ar": _("name in Arabic"),
    "name_fr": _("name in French"),
    "file": _("file"),
    "start_date": _("start date"),
    "end_date": _("end date"),
}

for action in (
    seams.AuditAction(
        key="finance.entry.posted",
        label=_("Entry posted"),
        sentence=_("%(actor)s posted entry %(number)s of %(amount)s"),
        field_labels=LABELS,
        values={"amount": _money},
    ),
    seams.AuditAction(
        key="finance.entry.reversed",
        label=_("Entry reversed"),
        sentence=_("%(actor)s reversed entry %(number)s by entry %(reversal)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.entry.scan_added",
        label=_("Scan attached to an entry"),
        sentence=_("%(actor)s attached a scan to entry %(number)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.year.opened",
        label=_("Fiscal year opened"),
        sentence=_("%(actor)s opened the fiscal year from %(start_date)s to %(end_date)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.year.closed",
        label=_("Fiscal year closed"),
        sentence=_("%(actor)s closed the fiscal year %(target)s with a result of %(result)s"),
        field_labels=LABELS,
        values={"result": _money},
    ),
    seams.AuditAction(
        key="finance.result.allocated",
        label=_("Result allocated"),
        sentence=_("%(actor)s allocated the result of the fiscal year %(target)s (%(result)s)"),
        field_labels=LABELS,
        values={"result": _money},
    ),
    seams.AuditAction(
        key="finance.account.added",
        label=_("Account added"),
        sentence=_("%(actor)s added account %(code)s to the chart"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.account.renamed",
        label=_("Account renamed"),
        sentence=_("%(actor)s renamed account %(target)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.account.archived",
        label=_("Account archived"),
        sentence=_("%(actor)s archived account %(code)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.account.restored",
        label=_("Account restored"),
        sentence=_("%(actor)s restored account %(code)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.account.deleted",
        label=_("Account deleted"),
        sentence=_("%(actor)s deleted the unused account %(code)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.project.created",
        label=_("Project created"),
        sentence=_("%(actor)s created project %(code)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.project.changed",
        label=_("Project changed"),
        sentence=_("%(actor)s changed project %(code)s"),
        field_labels=LABELS,
    ),
    seams.AuditAction(
        key="finance.project.archived",
        label=_("Project archived"),
        sentence=_("%(actor)s archived project %(code)s"),
        field_labels=LABELS,
    ),
):
    seams.register_audit_action(action)
