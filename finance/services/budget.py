"""The budget of a fiscal year: one amount per income or expense account (a simple-mode category
is an account, so a budget "by category" is a budget on its account), for the association as a
whole or for one of its projects."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from finance.models import Account, BudgetLine, FiscalYear, Project, YearStatus
from finance.services.entries import parse_amount

BUDGET_CLASSES = (6, 7)


@transaction.atomic
def budget_save(*, actor, year_id: int, amounts: dict[int, object], project_id: int | None = None) -> int:
    """Set the year's budget, the association's or a project's: {account id: amount}; an empty or
    zero amount removes the line. Every amount is checked before anything is written. Returns the
    number of lines kept."""
    year = FiscalYear.objects.select_for_update().filter(pk=year_id).first()
    if year is None:
        raise NotFound()
    project = None
    if project_id is not None:
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise NotFound()
    if year.status == YearStatus.CLOSED:
        raise WaslError(
            _("The fiscal year %(year)s is closed: its budget no longer changes.") % {"year": year}
        )
    accounts = Account.objects.in_bulk(list(amounts))
    parsed: dict[int, Decimal] = {}
    for account_id, raw in amounts.items():
        account = accounts.get(account_id)
        if account is None or account.account_class not in BUDGET_CLASSES:
            raise WaslError(_("A budget line is an income or an expense account."), field="amounts")
        try:
            parsed[account_id] = parse_amount(raw, field="amounts")
        except WaslError as exc:
            raise WaslError(
                _("%(account)s: %(error)s") % {"account": account.code, "error": exc.message}, field="amounts"
            ) from None
    existing = {
        line.account_id: line for line in BudgetLine.objects.filter(fiscal_year=year, project=project)
    }
    changed = 0
    for account_id, amount in parsed.items():
        line = existing.get(account_id)
        if not amount:
            if line is not None:
                line.delete()
                changed += 1
        elif line is None:
            BudgetLine.objects.create(
                fiscal_year=year, project=project, account_id=account_id, amount=amount, updated_by=actor
            )
            changed += 1
        elif line.amount != amount:
            line.amount, line.updated_by = amount, actor
            line.save(update_fields=["amount", "updated_by", "updated_at"])
            changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="finance.budget.saved",
            target=year,
            changes={"year": str(year), "lines": changed, **({"project": project.code} if project else {})},
        )
    return BudgetLine.objects.filter(fiscal_year=year, project=project).count()
