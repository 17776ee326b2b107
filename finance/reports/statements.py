"""Bilan and CPC from the layouts (StatementLayout data), with the previous year beside; trial
balance, cash and bank position and the report by project.

Balances come from one aggregate query per year (GROUP BY account code, posted entries, closing
entries left out so that a closed year reads as before closing); the layout's prefixes are then
applied to those few hundred sums.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.utils.translation import gettext as _

from finance import selectors
from finance.models import (
    EntryKind,
    FiscalYear,
    Project,
    StatementLayout,
    StatementLine,
    YearStatus,
)
from finance.reports.base import Column, Report, Row, Table

ZERO = Decimal("0.00")
BILAN_ACTIF = "association-normal-bilan-actif"
BILAN_PASSIF = "association-normal-bilan-passif"
CPC = "association-normal-cpc"


def code_balances(year: FiscalYear | None) -> dict[str, Decimal]:
    """Debit minus credit per account code over the year's posted entries (closing ones left out)."""
    if year is None:
        return {}
    if year.status == YearStatus.CLOSED:
        # A closed year never changes (service and triggers): its sums are kept, keyed by the head of
        # its hash chain, so the previous-year column of a Bilan or CPC costs no second aggregate.
        key = f"finance:balances:{year.association_id}:{year.pk}:{year.chain_hash}"
        cached = cache.get(key)
        if cached is None:
            cached = _code_balances(year)
            cache.set(key, cached, timeout=None)
        return cached
    return _code_balances(year)


def _code_balances(year: FiscalYear) -> dict[str, Decimal]:
    """One GROUP BY account over the lines (an index-only scan), then the codes of those accounts."""
    from finance.models import Account

    sums = selectors.account_sums(year)
    codes = dict(Account.objects.filter(pk__in=list(sums)).values_list("pk", "code"))
    balances: dict[str, Decimal] = {}
    for account_id, (debit, credit) in sums.items():
        code = codes[account_id]
        balances[code] = balances.get(code, ZERO) + debit - credit
    return balances


def result_of(balances: dict[str, Decimal]) -> Decimal:
    """Surplus (positive) or deficit: income minus expenses, classes 7 and 6."""
    return -sum((amount for code, amount in balances.items() if code[:1] in ("6", "7")), ZERO)


def previous_year(year: FiscalYear) -> FiscalYear | None:
    return FiscalYear.objects.filter(end_date__lt=year.start_date).order_by("-end_date").first()


def _matches(code: str, prefixes, exclude) -> bool:
    return any(code.startswith(p) for p in prefixes) and not any(code.startswith(e) for e in exclude)


def layout_values(
    lines: list[StatementLine], balances: dict[str, Decimal], *, part: str = "net"
) -> dict[str, Decimal]:
    """The amount of every line of a layout: `line` sums its prefixes in the direction of `sign`,
    `result` is the year's result, `total` adds other lines as its `terms` say.

    `part`: "net" (the default, every account of the line), "gross" (without its `contra`
    accounts, depreciation and provisions) or "contra" (those alone, as a positive deduction:
    gross − contra = net)."""
    values: dict[str, Decimal] = {}
    for line in lines:
        if line.kind == StatementLine.Kind.LINE:
            contra = line.contra or []
            total = sum(
                (
                    amount
                    for code, amount in balances.items()
                    if _matches(code, line.prefixes, line.exclude)
                    and (part == "net" or (part == "contra") == _matches(code, contra, []))
                ),
                ZERO,
            )
            values[line.key] = -total * line.sign if part == "contra" else total * line.sign
        elif line.kind == StatementLine.Kind.RESULT:
            values[line.key] = result_of(balances) if part != "contra" else ZERO
    for line in lines:  # totals may use totals above them, in layout order
        if line.kind == StatementLine.Kind.TOTAL:
            values[line.key] = sum(
                (values.get(key, ZERO) * int(coefficient) for key, coefficient in (line.terms or {}).items()),
                ZERO,
            )
    return values


def layout_lines(key: str) -> tuple[StatementLayout, list[StatementLine]]:
    layout = StatementLayout.objects.get(key=key)
    return layout, list(layout.lines.order_by("position"))


def _layout_prefixes(lines: list[StatementLine]) -> list[tuple[list, list]]:
    return [(line.prefixes, line.exclude) for line in lines if line.prefixes]


def _year_label(year: FiscalYear | None) -> str:
    return str(year) if year is not None else "—"


def _statement_table(
    key: str, year, previous, current_balances, previous_balances, *, loaded=None
) -> tuple[Table, dict, dict]:
    layout, lines = loaded or layout_lines(key)
    now = layout_values(lines, current_balances)
    before = layout_values(lines, previous_balances) if previous is not None else {}
    if layout.gross_columns:
        return _gross_table(layout, lines, year, previous, current_balances, now, before), now, before
    table = Table(
        title=layout.name_ar if _arabic() else layout.name_fr,
        columns=[
            Column("", key="label"),
            Column(_year_label(year), numeric=True, key="current"),
            Column(_year_label(previous), numeric=True, key="previous"),
        ],
    )
    for line in lines:
        if line.kind == StatementLine.Kind.HEADING:
            table.rows.append(Row([line.label, None, None], kind="heading", key=line.key))
        else:
            previous_value = before.get(line.key) if previous is not None else None
            table.rows.append(
                Row([line.label, now.get(line.key, ZERO), previous_value], kind=line.kind, key=line.key)
            )
    return table, now, before


def _gross_table(layout, lines, year, previous, balances, now, before) -> Table:
    """Assets as the CNC Bilan shows them: for the year, gross, depreciation and provisions, net;
    then the previous year's net."""
    gross = layout_values(lines, balances, part="gross")
    contra = layout_values(lines, balances, part="contra")
    table = Table(
        title=layout.name_ar if _arabic() else layout.name_fr,
        columns=[
            Column("", key="label"),
            Column(f"{_year_label(year)} — {_('Gross')}", numeric=True, key="gross"),
            Column(_("Depreciation and provisions"), numeric=True, key="contra"),
            Column(f"{_year_label(year)} — {_('Net')}", numeric=True, key="current"),
            Column(
                f"{_year_label(previous)} — {_('Net')}" if previous is not None else "—",
                numeric=True,
                key="previous",
            ),
        ],
    )
    for line in lines:
        if line.kind == StatementLine.Kind.HEADING:
            table.rows.append(Row([line.label, None, None, None, None], kind="heading", key=line.key))
            continue
        cells = [
            line.label,
            gross.get(line.key, ZERO),
            contra.get(line.key, ZERO),
            now.get(line.key, ZERO),
            before.get(line.key) if previous is not None else None,
        ]
        table.rows.append(Row(cells, kind=line.kind, key=line.key))
    return table


def _arabic() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ar").startswith("ar")


def unmapped_balance(balances: dict[str, Decimal], layouts: list[list[StatementLine]]) -> dict[str, Decimal]:
    """Balance-sheet accounts (classes 1 to 5) with a balance that no line of the layouts takes:
    shown as a warning, since they would unbalance the Bilan."""
    prefixes = [pair for lines in layouts for pair in _layout_prefixes(lines)]
    return {
        code: amount
        for code, amount in balances.items()
        if code[:1] in "12345" and amount and not any(_matches(code, p, e) for p, e in prefixes)
    }


def bilan_report(year: FiscalYear) -> Report:
    previous = previous_year(year)
    current_balances, previous_balances = code_balances(year), code_balances(previous)
    actif_layout, passif_layout = layout_lines(BILAN_ACTIF), layout_lines(BILAN_PASSIF)  # each read once
    actif, actif_now, actif_before = _statement_table(
        BILAN_ACTIF, year, previous, current_balances, previous_balances, loaded=actif_layout
    )
    passif, passif_now, passif_before = _statement_table(
        BILAN_PASSIF, year, previous, current_balances, previous_balances, loaded=passif_layout
    )
    actif_lines, passif_lines = actif_layout[1], passif_layout[1]
    unmapped = unmapped_balance(current_balances, [actif_lines, passif_lines])
    facts = {
        "total_assets": actif_now.get("total", ZERO),
        "total_liabilities": passif_now.get("total", ZERO),
        "balanced": actif_now.get("total", ZERO) == passif_now.get("total", ZERO),
        "result": result_of(current_balances),
        "unmapped_accounts": ", ".join(sorted(unmapped)),
    }
    if previous is not None:
        facts["previous_total_assets"] = actif_before.get("total", ZERO)
        facts["previous_total_liabilities"] = passif_before.get("total", ZERO)
    return Report(
        key="bilan", title=_("Balance sheet (Bilan)"), subtitle=str(year), tables=[actif, passif], facts=facts
    )


def cpc_report(year: FiscalYear) -> Report:
    previous = previous_year(year)
    current_balances, previous_balances = code_balances(year), code_balances(previous)
    table, now, before = _statement_table(CPC, year, previous, current_balances, previous_balances)
    facts = {"result": now.get("r_13", ZERO), "year_result": result_of(current_balances)}
    if previous is not None:
        facts["previous_result"] = before.get("r_13", ZERO)
    return Report(
        key="cpc",
        title=_("Income and expenditure account (CPC)"),
        subtitle=str(year),
        tables=[table],
        facts=facts,
    )


def trial_balance_report(year: FiscalYear) -> Report:
    trial = selectors.trial_balance(year)
    table = Table(
        title=_("Trial balance"),
        columns=[
            Column(_("Account"), key="code"),
            Column(_("Name"), key="name"),
            Column(_("Debit"), numeric=True, key="debit"),
            Column(_("Credit"), numeric=True, key="credit"),
            Column(_("Debit balance"), numeric=True, key="debit_balance"),
            Column(_("Credit balance"), numeric=True, key="credit_balance"),
        ],
    )
    arabic = _arabic()
    for row in trial.rows:
        table.rows.append(
            Row(
                [row.code, row.name_ar if arabic else row.name_fr, row.debit, row.credit,
                 row.debit_balance, row.credit_balance],
                key=row.code,
            )
        )  # fmt: skip
    table.rows.append(
        Row(
            [_("Total"), "", trial.total_debit, trial.total_credit,
             sum((r.debit_balance for r in trial.rows), ZERO),
             sum((r.credit_balance for r in trial.rows), ZERO)],
            kind="total",
            key="total",
        )
    )  # fmt: skip
    return Report(
        key="trial_balance",
        title=_("Trial balance"),
        subtitle=str(year),
        tables=[table],
        facts={
            "balanced": trial.balanced,
            "total_debit": trial.total_debit,
            "total_credit": trial.total_credit,
        },
    )


def treasury_report(year: FiscalYear) -> Report:
    """Each cash box and bank account over the year: opening balance, money in, money out, closing."""
    from finance.services.simple import treasury_accounts

    accounts = list(treasury_accounts())
    opening_kind = Q(entry__kind=EntryKind.OPENING)
    rows = (
        selectors.posted_lines(year)
        .filter(account__in=accounts)
        .values("account_id")
        .annotate(
            opening=Sum(Case(When(opening_kind, then=F("debit") - F("credit")), default=Value(ZERO),
                             output_field=DecimalField(max_digits=16, decimal_places=2))),
            money_in=Sum(Case(When(~opening_kind, then=F("debit")), default=Value(ZERO),
                              output_field=DecimalField(max_digits=16, decimal_places=2))),
            money_out=Sum(Case(When(~opening_kind, then=F("credit")), default=Value(ZERO),
                               output_field=DecimalField(max_digits=16, decimal_places=2))),
        )
        .order_by()
    )  # fmt: skip
    sums = {row["account_id"]: row for row in rows}
    table = Table(
        title=_("Cash and bank position"),
        columns=[
            Column(_("Account"), key="account"),
            Column(_("Opening balance"), numeric=True, key="opening"),
            Column(_("Money in"), numeric=True, key="in"),
            Column(_("Money out"), numeric=True, key="out"),
            Column(_("Closing balance"), numeric=True, key="closing"),
        ],
    )
    totals = [ZERO, ZERO, ZERO, ZERO]
    for account in accounts:
        row = sums.get(account.pk)
        if row is None and not account.role:
            continue
        opening = (row or {}).get("opening") or ZERO
        money_in = (row or {}).get("money_in") or ZERO
        money_out = (row or {}).get("money_out") or ZERO
        closing = opening + money_in - money_out
        for index, value in enumerate((opening, money_in, money_out, closing)):
            totals[index] += value
        table.rows.append(Row([str(account), opening, money_in, money_out, closing], key=account.code))
    table.rows.append(Row([_("Total"), *totals], kind="total", key="total"))
    return Report(
        key="treasury", title=_("Cash and bank position"), subtitle=str(year), tables=[table],
        facts={"closing_total": totals[3]},
    )  # fmt: skip


def projects_report(year: FiscalYear) -> Report:
    """Income, expenses, result and budget per project over the year (one GROUP BY)."""
    rows = (
        selectors.posted_lines(year)
        .exclude(project=None)
        .filter(account__account_class__in=(6, 7))
        .values("project_id", "account__account_class")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    income: dict[int, Decimal] = {}
    expense: dict[int, Decimal] = {}
    for row in rows:
        amount = (row["debit"] or ZERO) - (row["credit"] or ZERO)
        if row["account__account_class"] == 7:
            income[row["project_id"]] = income.get(row["project_id"], ZERO) - amount
        else:
            expense[row["project_id"]] = expense.get(row["project_id"], ZERO) + amount
    table = Table(
        title=_("By project"),
        columns=[
            Column(_("Project"), key="project"),
            Column(_("Income"), numeric=True, key="income"),
            Column(_("Expenses"), numeric=True, key="expenses"),
            Column(_("Result"), numeric=True, key="result"),
            Column(_("Budget"), numeric=True, key="budget"),
            Column(_("Budget left"), numeric=True, key="budget_left"),
        ],
    )
    projects = Project.objects.filter(Q(pk__in=[*income, *expense]) | Q(archived_at=None)).order_by("code")
    for project in projects:
        got, spent = income.get(project.pk, ZERO), expense.get(project.pk, ZERO)
        table.rows.append(
            Row(
                [str(project), got, spent, got - spent, project.budget, project.budget - spent],
                key=project.code,
            )
        )
    table.rows.append(
        Row([_("Total"), sum(income.values(), ZERO), sum(expense.values(), ZERO),
             sum(income.values(), ZERO) - sum(expense.values(), ZERO), None, None], kind="total", key="total")
    )  # fmt: skip
    return Report(key="projects", title=_("By project"), subtitle=str(year), tables=[table])
