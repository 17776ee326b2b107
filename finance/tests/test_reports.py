"""Golden tests of the statements on a small known ledger over two years (2025 closed, 2026 open)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finance.reports.budget import budget_vs_actual
from finance.reports.ledgers import journal_report, ledger_report, ledger_rows
from finance.reports.statements import bilan_report, cpc_report, projects_report, treasury_report
from finance.services.budget import budget_save
from finance.services.years import fiscal_year_close
from finance.tests.helpers import account, simple_entry, year_of

D = Decimal


@pytest.fixture
def ledger(books):
    """2025: fund 5000 at the bank, dues 1200 and supplies 150 in cash, a donation 800, rent 600 and
    bank fees 50 at the bank: result 1200, closed. 2026: dues 900 and aid 300 in cash: result 600."""
    association, treasurer = books
    simple_entry(treasurer, date(2025, 1, 2), "5141", "111", "5000.00", journal_code="BNQ")
    simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "1200.00", journal_code="CAI")
    simple_entry(treasurer, date(2025, 3, 1), "5141", "7171", "800.00", journal_code="BNQ")
    simple_entry(treasurer, date(2025, 4, 1), "6131", "5141", "600.00", journal_code="BNQ")
    simple_entry(treasurer, date(2025, 5, 1), "6125", "5161", "150.00", journal_code="CAI")
    simple_entry(treasurer, date(2025, 6, 1), "6147", "5141", "50.00", journal_code="BNQ")
    fiscal_year_close(actor=treasurer, year_id=year_of(date(2025, 1, 1)).pk)
    simple_entry(treasurer, date(2026, 2, 1), "5161", "7152", "900.00", journal_code="CAI")
    simple_entry(treasurer, date(2026, 3, 1), "6183", "5161", "300.00", journal_code="CAI")
    return association, treasurer


def _row(report, key, table=None):
    tables = report.tables if table is None else [report.tables[table]]
    return next(row for t in tables for row in t.rows if row.key == key)


def test_bilan_balances_with_the_previous_year_beside(ledger):
    report = bilan_report(year_of(date(2026, 1, 1)))
    assert report.facts["balanced"]
    assert report.facts["total_assets"] == D("6800.00")  # cash 1650 + bank 5150
    # Assets: gross, depreciation and provisions, net, then last year's net.
    assert _row(report, "a_treso", 0).cells[1:] == [D("6800.00"), D("0.00"), D("6800.00"), D("6200.00")]
    assert _row(report, "p_fonds", 1).cells[1:] == [D("5000.00"), D("5000.00")]
    # 2025's surplus waits in 118 until the assembly allocates it; 2026's own result is 600.
    assert _row(report, "p_instance", 1).cells[1:] == [D("1200.00"), D("0.00")]
    assert _row(report, "p_resultat", 1).cells[1:] == [D("600.00"), D("1200.00")]
    assert _row(report, "total", 1).cells[1:] == [D("6800.00"), D("6200.00")]
    assert report.facts["previous_total_assets"] == report.facts["previous_total_liabilities"] == D("6200.00")
    assert report.facts["unmapped_accounts"] == ""


def test_assets_show_gross_depreciation_and_net(ledger):
    """A computer bought 4,000 and depreciated 1,000 shows gross 4,000, depreciation 1,000 and net
    3,000 on the Bilan's assets; the totals add each column, and the Bilan still balances."""
    _association, treasurer = ledger
    simple_entry(treasurer, date(2026, 4, 1), "2355", "5141", "4000.00", journal_code="BNQ")
    simple_entry(treasurer, date(2026, 12, 31), "6193", "2835", "1000.00", journal_code="OD")
    report = bilan_report(year_of(date(2026, 1, 1)))
    columns = [column.key for column in report.tables[0].columns]
    assert columns == ["label", "gross", "contra", "current", "previous"]
    assert _row(report, "a_corp", 0).cells[1:] == [D("4000.00"), D("1000.00"), D("3000.00"), D("0.00")]
    assert _row(report, "total_1", 0).cells[1:4] == [D("4000.00"), D("1000.00"), D("3000.00")]
    # Cash and bank: 6,800 less the 4,000 paid for the computer.
    assert _row(report, "a_treso", 0).cells[1:4] == [D("2800.00"), D("0.00"), D("2800.00")]
    assert _row(report, "total", 0).cells[1:4] == [D("6800.00"), D("1000.00"), D("5800.00")]
    assert report.facts["balanced"] and report.facts["total_assets"] == D("5800.00")
    assert report.facts["unmapped_accounts"] == ""


def test_a_closed_year_reads_as_before_closing(ledger):
    report = bilan_report(year_of(date(2025, 1, 1)))
    assert report.facts["balanced"]
    assert report.facts["total_assets"] == D("6200.00")
    assert _row(report, "p_resultat", 1).cells[1] == D("1200.00")


def test_cpc_result_equals_the_year_result(ledger):
    from finance.selectors import year_result

    year = year_of(date(2026, 1, 1))
    report = cpc_report(year)
    assert report.facts["result"] == year_result(year) == D("600.00")
    assert _row(report, "c_715").cells[1:] == [D("900.00"), D("1200.00")]
    assert _row(report, "c_717").cells[1:] == [D("0.00"), D("800.00")]
    assert _row(report, "c_613").cells[1:] == [D("0.00"), D("650.00")]  # rent and bank fees
    assert _row(report, "r_13").cells[1:] == [D("600.00"), D("1200.00")]
    assert report.facts["previous_result"] == year_of(date(2025, 1, 1)).result == D("1200.00")


def test_treasury_position_of_the_year(ledger):
    report = treasury_report(year_of(date(2026, 1, 1)))
    cash = _row(report, "5161")
    assert cash.cells[1:] == [D("1050.00"), D("900.00"), D("300.00"), D("1650.00")]
    assert _row(report, "total").cells[4] == D("6800.00")


def test_general_ledger_runs_a_balance_and_carries_it_across_pages(ledger):
    year = year_of(date(2025, 1, 1))
    rows = [row for row in ledger_rows(year) if row.key == "5141" and row.kind == "subtotal"]
    assert rows[0].cells[3:] == [D("5800.00"), D("650.00"), D("5150.00")]
    page_two = ledger_report(year, account_id=account("5141").pk, page=2, per_page=2)
    assert page_two.tables[0].rows[0].cells[5] == D("5800.00")  # carried forward: 5000 + 800
    assert page_two.tables[0].rows[-1].cells[5] == D("5150.00")


def test_journal_lists_every_posted_line(ledger):
    report = journal_report(year_of(date(2026, 1, 1)))
    total = _row(report, "total")
    # the opening entry of 2026 (balance sheet carried forward) and the two entries of the year
    assert total.cells[4] == total.cells[5] == D("7400.00")


def test_budget_vs_actual(ledger):
    _association, treasurer = ledger
    year = year_of(date(2026, 1, 1))
    budget_save(
        actor=treasurer, year_id=year.pk, amounts={account("715").pk: "1000", account("6183").pk: "500"}
    )
    report = budget_vs_actual(year)
    assert [table.title for table in report.tables] == ["Income", "Expenses"]
    assert _row(report, "715", 0).cells[1:4] == [D("1000.00"), D("900.00"), D("-100.00")]
    assert _row(report, "6183", 1).cells[1:5] == [D("500.00"), D("300.00"), D("-200.00"), D("60.0")]
    assert report.facts["actual_income"] == D("900.00")


def test_projects_report(books):
    from finance.services.projects import project_save

    _association, treasurer = books
    project = project_save(actor=treasurer, code="P1", name_ar="مشروع", name_fr="Projet", budget="1000")
    from finance.services.entries import LineInput, entry_create
    from finance.tests.helpers import journal

    entry_create(
        actor=treasurer, journal_id=journal("CAI").pk, date=date(2025, 5, 5), label="x", post=True,
        lines=[LineInput(account("6125").pk, debit=D("400"), project_id=project.pk),
               LineInput(account("5161").pk, credit=D("400"))],
    )  # fmt: skip
    row = _row(projects_report(year_of(date(2025, 1, 1))), "P1")
    assert row.cells[1:] == [D("0.00"), D("400.00"), D("-400.00"), D("1000.00"), D("600.00")]


def test_a_project_has_its_own_budget_beside_the_associations(books):
    """A funder asks for its project's budget vs actual: the project's lines are its budget, its
    actual is what was posted on lines carrying the project, and the association's budget is apart."""
    from django.db import IntegrityError, transaction

    from finance.models import BudgetLine
    from finance.services.entries import LineInput, entry_create
    from finance.services.projects import project_save
    from finance.tests.helpers import journal

    _association, treasurer = books
    year = year_of(date(2025, 1, 1))
    project = project_save(actor=treasurer, code="P1", name_ar="مشروع", name_fr="Projet", budget="1000")
    entry_create(
        actor=treasurer, journal_id=journal("CAI").pk, date=date(2025, 5, 5), label="x", post=True,
        lines=[LineInput(account("6125").pk, debit=D("400"), project_id=project.pk),
               LineInput(account("5161").pk, credit=D("400"))],
    )  # fmt: skip
    simple_entry(treasurer, date(2025, 6, 1), "6125", "5161", "150.00", journal_code="CAI")  # no project
    supplies = account("6125").pk
    budget_save(actor=treasurer, year_id=year.pk, amounts={supplies: "1000"}, project_id=project.pk)
    budget_save(actor=treasurer, year_id=year.pk, amounts={supplies: "2000"})
    of_project = budget_vs_actual(year, project)
    assert _row(of_project, "6125", 1).cells[1:5] == [D("1000.00"), D("400.00"), D("-600.00"), D("40.0")]
    whole = budget_vs_actual(year)
    assert _row(whole, "6125", 1).cells[1:4] == [D("2000.00"), D("550.00"), D("-1450.00")]
    # Saving the project's budget again changes its line, never the association's.
    budget_save(actor=treasurer, year_id=year.pk, amounts={supplies: "800"}, project_id=project.pk)
    assert set(BudgetLine.objects.values_list("project_id", "amount")) == {
        (None, D("2000.00")),
        (project.pk, D("800.00")),
    }
    # One line per year, project and account, in the database too.
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(fiscal_year=year, project=project, account_id=supplies, amount=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(fiscal_year=year, project=None, account_id=supplies, amount=D("1"))


def test_a_project_budget_page_saves_apart_and_the_report_follows(books):
    from django.test import Client
    from django.urls import reverse

    from associations.tenancy import association_scope
    from finance.models import BudgetLine
    from finance.services.projects import project_save

    association, treasurer = books
    with association_scope(association):
        year = year_of(date(2025, 1, 1))
        project = project_save(actor=treasurer, code="P1", name_ar="مشروع", name_fr="Projet", budget="1000")
        supplies = account("6125").pk
    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(treasurer)
    page = reverse("money:budget", args=[association.slug])
    shown = client.get(page, {"year": year.pk, "project": project.pk})
    assert shown.status_code == 200 and "مشروع" in shown.text
    saved = client.post(page, {"year": year.pk, "project": project.pk, f"amount_{supplies}": "700"})
    assert saved.status_code == 302 and f"project={project.pk}" in saved["Location"]
    with association_scope(association):
        assert list(BudgetLine.objects.values_list("project_id", "amount")) == [(project.pk, D("700.00"))]
    assert client.get(page, {"year": year.pk, "project": 999999}).status_code == 404
    report = client.get(
        reverse("money:report_budget", args=[association.slug]), {"year": year.pk, "project": project.pk}
    )
    assert report.status_code == 200 and "700" in report.text
    api = client.get(
        f"/api/v1/associations/{association.slug}/finance/reports/budget/",
        {"year": year.pk, "project": project.pk},
    )
    assert api.status_code == 200
    rows = {row["key"]: row["cells"] for row in api.json()["tables"][1]["rows"]}
    assert rows["6125"][1] == "700.00"
