"""What simple mode, the budget, the reports and the bank statements bring to the seams (imported
from FinanceConfig.ready, next to finance/contributions.py): menu entries, API routes, the job
kind of report files and the sentences of their audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from finance.audit_actions import LABELS
from finance.reports import exports  # noqa: F401 - registers the report-file job kind

MONEY_LABELS = {
    **LABELS,
    "year": _("fiscal year"),
    "lines": _("lines"),
    "account": _("account code"),
    "date": _("date"),
}

for action in (
    seams.AuditAction(
        key="finance.budget.saved",
        label=_("Budget saved"),
        sentence=_("%(actor)s changed %(lines)s lines of the budget of %(year)s"),
        field_labels=MONEY_LABELS,
    ),
    seams.AuditAction(
        key="finance.bank.imported",
        label=_("Bank statement imported"),
        sentence=_("%(actor)s imported a bank statement of %(lines)s lines for account %(account)s"),
        field_labels=MONEY_LABELS,
    ),
    seams.AuditAction(
        key="finance.bank.reconciled",
        label=_("Bank line reconciled"),
        sentence=_("%(actor)s reconciled a bank line of %(date)s with entry %(entry)s"),
        field_labels=MONEY_LABELS,
    ),
    seams.AuditAction(
        key="finance.bank.unreconciled",
        label=_("Bank reconciliation undone"),
        sentence=_("%(actor)s undid the reconciliation of a bank line of %(date)s with entry %(entry)s"),
        field_labels=MONEY_LABELS,
    ),
):
    seams.register_audit_action(action)

seams.register_nav_entry(
    seams.NavEntry(
        key="finance.money",
        label=_("Money in and out"),
        url_name="money:home",
        capability="finance.view",
        order=29,
        group="finance",
    )
)
seams.register_nav_entry(
    seams.NavEntry(
        key="finance.reports",
        label=_("Financial reports"),
        url_name="money:reports",
        capability="finance.view",
        order=31,
        group="finance",
    )
)
seams.register_api_routes(seams.ApiRoutes(key="finance.reports", module="finance.money_api_urls", order=31))
