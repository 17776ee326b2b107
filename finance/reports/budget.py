"""Budget vs actual for a fiscal year, for the association or for one project: the actual amounts
come from the year's balances by account code (one aggregate query; a project's: its lines only);
a budget line on an account covers its sub-accounts."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from finance.models import Account, BudgetLine, FiscalYear, Project
from finance.reports.base import Column, Report, Row, Table
from finance.reports.statements import code_balances

ZERO = Decimal("0.00")


def budget_lines(year: FiscalYear, project: Project | None = None) -> list[BudgetLine]:
    return list(
        BudgetLine.objects.filter(fiscal_year=year, project=project)
        .select_related("account")
        .order_by("account__code")
    )


def project_code_balances(year: FiscalYear, project: Project) -> dict[str, Decimal]:
    """Debit minus credit per account code of the year's posted lines carrying the project."""
    from django.db.models import Sum

    from finance import selectors

    rows = (
        selectors.posted_lines(year)
        .filter(project=project)
        .values("account__code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    return {row["account__code"]: (row["debit"] or ZERO) - (row["credit"] or ZERO) for row in rows}


def budget_vs_actual(year: FiscalYear, project: Project | None = None) -> Report:
    balances = code_balances(year) if project is None else project_code_balances(year, project)
    lines = budget_lines(year, project)
    budgeted_codes = [line.account.code for line in lines]
    columns = [
        Column(_("Account"), key="account"),
        Column(_("Budget"), numeric=True, key="budget"),
        Column(_("Actual"), numeric=True, key="actual"),
        Column(_("Difference"), numeric=True, key="difference"),
        Column(_("Used (%)"), numeric=True, key="used"),
    ]
    tables = []
    facts = {}
    for account_class, title, sign in ((7, _("Income"), -1), (6, _("Expenses"), 1)):
        table = Table(title=title, columns=columns)
        total_budget = total_actual = ZERO
        for line in lines:
            if line.account.account_class != account_class:
                continue
            actual = sign * sum(
                (a for code, a in balances.items() if code.startswith(line.account.code)), ZERO
            )
            table.rows.append(_row(str(line.account), line.amount, actual, key=line.account.code))
            total_budget += line.amount
            total_actual += actual
        # What was spent or received on accounts no budget line covers.
        outside = {
            code: sign * amount
            for code, amount in balances.items()
            if code[:1] == str(account_class)
            and amount
            and not any(code.startswith(b) for b in budgeted_codes)
        }
        if outside:
            names = {a.code: a for a in Account.objects.filter(code__in=list(outside))}
            for code in sorted(outside):
                table.rows.append(
                    _row(str(names.get(code, code)), ZERO, outside[code], key=code, kind="unbudgeted")
                )
                total_actual += outside[code]
        table.rows.append(_row(_("Total"), total_budget, total_actual, key="total", kind="total"))
        facts[f"budget_{'income' if account_class == 7 else 'expenses'}"] = total_budget
        facts[f"actual_{'income' if account_class == 7 else 'expenses'}"] = total_actual
        tables.append(table)
    subtitle = str(year) if project is None else f"{year} — {project}"
    return Report(key="budget", title=_("Budget vs actual"), subtitle=subtitle, tables=tables, facts=facts)


def _row(label: str, budget: Decimal, actual: Decimal, *, key: str, kind: str = "line") -> Row:
    used = (actual * 100 / budget).quantize(Decimal("0.1")) if budget else None
    return Row([label, budget, actual, actual - budget, used], kind=kind, key=key)
