"""Simple mode, the budget page, report pages and files, the reports API, and bank statements,
through the pages as an officer uses them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from associations.tenancy import association_scope
from finance.models import BankLine, BankStatement, BudgetLine, Entry, EntryStatus, FiscalYear
from finance.reports.registry import REPORT_KINDS
from finance.services.years import fiscal_year_close
from finance.tests.helpers import account, simple_entry, year_of
from jobs.models import Job

D = Decimal


@pytest.fixture
def officer(client, db):
    """A treasurer's session in an association whose 2025 is open. Unlike the `books` fixture, no
    scope is held around the test: requests open their own, as in production (a URL map first loaded
    inside a scope would bind the API serializers' querysets to that association)."""
    from associations.capabilities import RoleKind
    from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory

    association = AssociationFactory(slug="money", fiscal_year_start_month=1)
    treasurer = UserFactory(email="treasurer-money@example.ma")
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    with association_scope(association):
        FiscalYear.objects.get_or_create(
            start_date=date(2025, 1, 1), defaults={"end_date": date(2025, 12, 31)}
        )
    client.force_login(treasurer)
    return client, association, treasurer


def url(association, name, **kwargs):
    return reverse(f"money:{name}", kwargs={"association_slug": association.slug, **kwargs})


def entry_count(association) -> int:
    with association_scope(association):
        return Entry.objects.count()


MONEY_IN = {"category": "dues", "amount": "150,50", "date": "2025-03-10", "label": "", "reference": "R-12"}


def test_money_in_asks_for_confirmation_then_posts_a_balanced_entry(officer):
    client, association, _treasurer = officer
    with association_scope(association):
        cash = account("5161")
    form = {**MONEY_IN, "account": str(cash.pk)}
    response = client.post(url(association, "in"), form)
    assert response.status_code == 200
    assert "Check and record" in response.text and entry_count(association) == 0
    response = client.post(url(association, "in"), {**form, "confirm": "yes"})
    assert response.status_code == 302
    with association_scope(association):
        entry = Entry.objects.get()
        assert entry.status == EntryStatus.POSTED and entry.number == 1 and entry.journal.code == "CAI"
        assert entry.reference == "R-12" and entry.label == "Membership dues"
        lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    assert lines == {("5161", D("150.50"), D("0.00")), ("7152", D("0.00"), D("150.50"))}


def test_money_out_of_the_bank_debits_the_expense(officer):
    client, association, _treasurer = officer
    with association_scope(association):
        bank = account("5141")
    form = {
        "category": "bank_fees",
        "amount": "12",
        "date": "2025-03-10",
        "account": str(bank.pk),
        "confirm": "yes",
    }
    assert client.post(url(association, "out"), form).status_code == 302
    with association_scope(association):
        entry = Entry.objects.get()
        assert entry.journal.code == "BNQ"
        assert {(line.account.code, line.debit, line.credit) for line in entry.lines.all()} == {
            ("6147", D("12.00"), D("0.00")),
            ("5141", D("0.00"), D("12.00")),
        }


def test_transfer_moves_cash_to_the_bank(officer):
    client, association, _treasurer = officer
    with association_scope(association):
        cash, bank = account("5161"), account("5141")
    form = {
        "from_account": cash.pk,
        "to_account": bank.pk,
        "amount": "1000",
        "date": "2025-04-01",
        "confirm": "yes",
    }
    assert client.post(url(association, "transfer"), form).status_code == 302
    with association_scope(association):
        lines = {(line.account.code, line.debit, line.credit) for line in Entry.objects.get().lines.all()}
    assert lines == {("5141", D("1000.00"), D("0.00")), ("5161", D("0.00"), D("1000.00"))}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "Give an amount above zero."),
        ({"amount": "-5"}, "An amount cannot be negative."),
        ({"amount": "abc"}, "Give the amount as a number"),
        ({"category": "rent"}, "Select a valid choice"),  # an expense in the money-in form
        ({"date": "2031-01-01"}, "No fiscal year covers 2031-01-01"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(officer, changes, message):
    client, association, _treasurer = officer
    with association_scope(association):
        cash = account("5161")
    for confirm in ({}, {"confirm": "yes"}):
        response = client.post(url(association, "in"), {**MONEY_IN, "account": cash.pk, **changes, **confirm})
        assert response.status_code == 400
        assert message in response.text
    assert entry_count(association) == 0


def test_a_date_in_a_closed_year_is_refused(officer):
    client, association, treasurer = officer
    with association_scope(association):
        fiscal_year_close(actor=treasurer, year_id=year_of(date(2025, 1, 1)).pk)
        cash = account("5161")
        before = Entry.objects.count()
    response = client.post(url(association, "in"), {**MONEY_IN, "account": cash.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "The fiscal year 2025 is closed: it accepts no entry." in response.text
    assert entry_count(association) == before


def test_a_member_cannot_record_money(officer):
    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory, UserFactory

    client, association, _treasurer = officer
    member = UserFactory()
    RoleFactory(association=association, user=member, kind=RoleKind.MEMBER)
    client.force_login(member)
    assert client.get(url(association, "in")).status_code == 403


def test_simple_mode_pages_render_on_a_phone_in_arabic_and_french(officer):
    client, association, treasurer = officer
    with association_scope(association):
        simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "100")
    for language in ("ar", "fr"):
        for name in ("home", "in", "out", "transfer", "budget", "reports", "bank"):
            response = client.get(url(association, name), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, name
            assert "style=" not in response.text and "<script>" not in response.text


def test_budget_page_saves_and_shows_the_actual(officer):
    client, association, treasurer = officer
    with association_scope(association):
        simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "300")
        year, dues = year_of(date(2025, 1, 1)), account("7152")
    response = client.post(url(association, "budget"), {"year": year.pk, f"amount_{dues.pk}": "1 000,00"})
    assert response.status_code == 302
    with association_scope(association):
        assert BudgetLine.objects.get().amount == D("1000.00")
    response = client.post(url(association, "budget"), {"year": year.pk, f"amount_{dues.pk}": "-3"})
    assert response.status_code == 400 and "negative" in response.text
    assert 'value="-3"' in response.text  # the officer's input is kept, to correct it
    with association_scope(association):
        assert BudgetLine.objects.get().amount == D("1000.00")


def test_every_report_page_renders(officer):
    client, association, treasurer = officer
    with association_scope(association):
        simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "1234.5")
        year = year_of(date(2025, 1, 1))
    for kind in REPORT_KINDS:
        for language in ("ar", "fr"):
            response = client.get(
                url(association, f"report_{kind.key}") + f"?year={year.pk}", HTTP_ACCEPT_LANGUAGE=language
            )
            assert response.status_code == 200, kind.key
    response = client.get(
        url(association, "report_trial_balance") + f"?year={year.pk}", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert '<bdi dir="ltr">1\xa0234,50</bdi>' in response.text  # the figure isolated left to right


@pytest.mark.parametrize("file_format", ["pdf", "csv", "xlsx"])
def test_a_report_file_is_made_by_a_job(officer, file_format, django_capture_on_commit_callbacks):
    client, association, treasurer = officer
    with association_scope(association):
        simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "100")
        year = year_of(date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(association, "export"), {"report": "bilan", "year": year.pk, "format": file_format}
        )
    assert response.status_code == 302
    with association_scope(association):
        job = Job.objects.get(kind="finance.report")
    assert job.status == Job.Status.SUCCEEDED
    download = client.get(
        reverse("jobs:download", kwargs={"association_slug": association.slug, "job_id": job.pk})
    )
    content = b"".join(download.streaming_content)
    expected = {"pdf": b"%PDF", "csv": b"\xef\xbb\xbf", "xlsx": b"PK"}[file_format]
    assert content.startswith(expected)
    if file_format == "csv":
        assert "Trésorerie - actif" in content.decode("utf-8") or "Tresorerie" in content.decode("utf-8")


def test_the_ledger_pdf_is_made_in_steps_and_joined(officer, django_capture_on_commit_callbacks, monkeypatch):
    from pypdf import PdfReader

    from finance.reports import exports

    monkeypatch.setattr(exports, "LINES_PER_STEP", 4)
    client, association, treasurer = officer
    with association_scope(association):
        for day in range(1, 6):
            simple_entry(treasurer, date(2025, 2, day), "5161", "7152", "10")
        year = year_of(date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(association, "export"), {"report": "ledger", "year": year.pk, "format": "pdf"})
    with association_scope(association):
        job = Job.objects.get(kind="finance.report")
    assert job.status == Job.Status.SUCCEEDED and job.steps_total == 3
    download = client.get(
        reverse("jobs:download", kwargs={"association_slug": association.slug, "job_id": job.pk})
    )
    import io

    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 3
    assert "50.00" in text or "50,00" in text  # the running balance carried across the parts


def test_reports_api_answers_json(officer):
    client, association, treasurer = officer
    with association_scope(association):
        simple_entry(treasurer, date(2025, 2, 1), "5161", "7152", "100")
        year = year_of(date(2025, 1, 1))
    response = client.get(f"/api/v1/associations/{association.slug}/finance/reports/cpc/", {"year": year.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["report"] == "cpc" and data["facts"]["result"] == "100.00"
    assert data["fiscal_year"]["id"] == year.pk
    rows = {row["key"]: row["cells"] for row in data["tables"][0]["rows"]}
    assert rows["c_715"][1] == "100.00"
    assert (
        client.get(f"/api/v1/associations/{association.slug}/finance/reports/cpc/", {"year": "x"}).status_code
        == 400
    )


# --- Bank statements -------------------------------------------------------------------------------

STATEMENT = (
    "Date opération;Libellé;Débit;Crédit;Solde\n"
    "03/02/2025;VIREMENT SUBVENTION COMMUNE;;5 000,00;5 000,00\n"
    "05/02/2025;FRAIS TENUE DE COMPTE;25,00;;4 975,00\n"
    "10/02/2025;تبرع محسن;;300,00;5 275,00\n"
)


def upload(client, association, content: bytes, name="releve.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with association_scope(association):
        bank = account("5141")
    return client.post(
        url(association, "bank"), {"account": bank.pk, "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_a_windows_1256_statement_is_imported_with_guessed_columns(officer):
    client, association, _treasurer = officer
    response = upload(client, association, STATEMENT.encode("cp1256"))
    assert response.status_code == 302
    with association_scope(association):
        statement = BankStatement.objects.get()
        assert statement.mapping == {"date": "0", "label": "1", "debit": "2", "credit": "3", "balance": "4"}
    response = client.post(url(association, "bank_map", statement_id=statement.pk), statement.mapping)
    assert response.status_code == 302
    with association_scope(association):
        lines = list(BankLine.objects.order_by("position"))
        statement.refresh_from_db()
    assert [(line.date, line.amount) for line in lines] == [
        (date(2025, 2, 3), D("5000.00")), (date(2025, 2, 5), D("-25.00")), (date(2025, 2, 10), D("300.00"))
    ]  # fmt: skip
    assert lines[2].label == "تبرع محسن"
    assert statement.closing_balance == D("5275.00") and statement.status == "imported"


def test_the_lines_a_bank_prints_above_the_table_are_skipped(officer):
    """A real export starts with the bank's name, the account and the period; the header is the
    first row that names a date and a label or amount column, and the totals under it are not lines."""
    client, association, _treasurer = officer
    preamble = (
        "BANQUE POPULAIRE - RELEVE DE COMPTE\n"
        "Compte n°;181 810 21211 1234567 0001 23\n"
        "Période du 01/02/2025 au 28/02/2025\n"
        "Date d'édition;01/03/2025\n"
        "\n"
    )
    content = (preamble + STATEMENT + ";Solde au 28/02/2025;;;5 275,00\n").encode()
    assert upload(client, association, content).status_code == 302
    with association_scope(association):
        statement = BankStatement.objects.get()
    assert statement.headers[0] == "Date opération" and statement.row_count == 4
    assert statement.mapping == {"date": "0", "label": "1", "debit": "2", "credit": "3", "balance": "4"}
    assert (
        client.post(url(association, "bank_map", statement_id=statement.pk), statement.mapping).status_code
        == 302
    )
    with association_scope(association):
        assert [line.amount for line in BankLine.objects.order_by("position")] == [
            D("5000.00"), D("-25.00"), D("300.00")
        ]  # fmt: skip


def test_a_file_whose_header_is_not_found_keeps_its_first_row_for_mapping():
    from finance.services.bank import looks_like_bank_header
    from members.importing import outline_table

    outline = outline_table(b"Jour;Texte;Sortie\n03/02/2025;X;10,00\n", is_header=looks_like_bank_header)
    assert outline.headers == ["Jour", "Texte", "Sortie"] and outline.row_count == 1
    assert looks_like_bank_header(["التاريخ", "البيان", "المبلغ"])
    assert not looks_like_bank_header(["Date", "01/03/2025"])


def test_the_mapping_is_remembered_for_the_next_file_of_the_layout(officer):
    from finance.services.bank import guess_bank_mapping

    client, association, _treasurer = officer
    content = STATEMENT.replace("Libellé", "Texte").encode()
    upload(client, association, content)
    with association_scope(association):
        statement = BankStatement.objects.get()
    assert "label" not in statement.mapping
    mapping = {**statement.mapping, "label": "1"}
    assert client.post(url(association, "bank_map", statement_id=statement.pk), mapping).status_code == 302
    with association_scope(association):
        assert guess_bank_mapping(statement.headers)["label"] == "1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02PK garbage", None),
        ("Date;Libellé;Débit;Crédit\n".encode(), "no data rows"),
    ],
)
def test_a_malformed_file_is_refused_and_nothing_saved(officer, content, message):
    client, association, _treasurer = officer
    response = upload(client, association, content)
    assert response.status_code == 400
    if message:
        assert message in response.text
    with association_scope(association):
        assert not BankStatement.objects.exists()


def test_a_bad_row_refuses_the_whole_import(officer):
    client, association, _treasurer = officer
    bad = STATEMENT + "12/13/2025;MAUVAISE DATE;10,00;;\n15/02/2025;MONTANT;abc;;\n"
    upload(client, association, bad.encode())
    with association_scope(association):
        statement = BankStatement.objects.get()
    response = client.post(url(association, "bank_map", statement_id=statement.pk), statement.mapping)
    assert response.status_code == 400
    assert "Nothing was imported" in response.text and "Line 5" in response.text and "Line 6" in response.text
    with association_scope(association):
        assert not BankLine.objects.exists()
        statement.refresh_from_db()
        assert statement.status == "uploaded"


def _imported(client, association):
    upload(client, association, STATEMENT.encode())
    with association_scope(association):
        statement = BankStatement.objects.get()
    client.post(url(association, "bank_map", statement_id=statement.pk), statement.mapping)
    return statement


def test_suggested_match_by_amount_and_date_then_reconcile(officer):
    client, association, treasurer = officer
    with association_scope(association):
        entry = simple_entry(treasurer, date(2025, 2, 1), "5141", "71612", "5000", journal_code="BNQ")
        simple_entry(treasurer, date(2025, 6, 1), "5141", "71612", "5000", journal_code="BNQ")  # too far
    statement = _imported(client, association)
    response = client.get(url(association, "bank_statement", statement_id=statement.pk))
    assert response.status_code == 200
    with association_scope(association):
        ledger_line = entry.lines.get(account__code="5141")
        bank_line = BankLine.objects.get(position=1)
    assert response.text.count('name="entry_line"') == 1
    assert f'value="{ledger_line.pk}"' in response.text
    response = client.post(
        url(association, "bank_match", bank_line_id=bank_line.pk), {"entry_line": ledger_line.pk}
    )
    assert response.status_code == 302
    with association_scope(association):
        bank_line.refresh_from_db()
        assert bank_line.entry_line_id == ledger_line.pk and bank_line.reconciled_at is not None
    # the same ledger line cannot be matched twice
    with association_scope(association):
        other = BankLine.objects.get(position=3)
    client.post(url(association, "bank_match", bank_line_id=other.pk), {"entry_line": ledger_line.pk})
    with association_scope(association):
        other.refresh_from_db()
        assert other.entry_line_id is None


def test_an_unmatched_line_becomes_an_entry_in_two_taps(officer):
    client, association, _treasurer = officer
    _imported(client, association)
    with association_scope(association):
        fees = BankLine.objects.get(position=2)
    page = client.get(url(association, "bank_record", bank_line_id=fees.pk))
    assert page.status_code == 200 and 'value="bank_fees" selected' in page.text
    assert entry_count(association) == 0  # the first tap only shows what will be written
    response = client.post(
        url(association, "bank_record", bank_line_id=fees.pk), {"confirm": "yes", "category": "bank_fees"}
    )
    assert response.status_code == 302
    with association_scope(association):
        fees.refresh_from_db()
        entry = fees.entry_line.entry
        assert entry.date == date(2025, 2, 5) and entry.status == EntryStatus.POSTED
        assert {(line.account.code, line.debit, line.credit) for line in entry.lines.all()} == {
            ("6147", D("25.00"), D("0.00")),
            ("5141", D("0.00"), D("25.00")),
        }
    report = client.get(url(association, "report_reconciliation"))
    assert report.status_code == 200 and "Bank reconciliation" in report.text


def test_reconciliation_report_explains_the_difference(books):
    from finance.reports.bank import reconciliation_report
    from finance.services import bank

    _association, treasurer = books
    bank_account = account("5141")
    simple_entry(treasurer, date(2025, 2, 3), "5141", "71612", "5000", journal_code="BNQ")
    simple_entry(
        treasurer, date(2025, 2, 8), "6131", "5141", "700", journal_code="BNQ"
    )  # not on the bank yet
    statement = bank.statement_upload(
        actor=treasurer, account_id=bank_account.pk, filename="s.csv", content=STATEMENT.encode()
    )
    bank.statement_import(actor=treasurer, statement_id=statement.pk, mapping=statement.mapping)
    report = reconciliation_report(bank_account)
    assert report.facts["books_balance"] == D("4300.00")
    assert report.facts["statement_balance"] == D("5275.00")
    assert report.facts["difference"] == D("975.00")  # -25 + 300 not in the books, 700 not at the bank
    assert report.facts["open_statement_lines"] == 3
    assert len(report.tables[2].rows) == 2


def test_closed_year_is_refused_when_recording_a_bank_line(officer):
    client, association, treasurer = officer
    statement = _imported(client, association)
    with association_scope(association):
        fiscal_year_close(actor=treasurer, year_id=FiscalYear.objects.get(start_date=date(2025, 1, 1)).pk)
        fees = BankLine.objects.get(position=2)
        before = Entry.objects.count()
    response = client.post(
        url(association, "bank_record", bank_line_id=fees.pk), {"confirm": "yes", "category": "bank_fees"}
    )
    assert response.status_code == 400 and "closed" in response.text
    assert entry_count(association) == before
    assert statement.pk


def test_a_zero_amount_is_refused_in_arabic(officer):
    client, association, _treasurer = officer
    with association_scope(association):
        cash = account("5161")
    response = client.post(
        url(association, "in"), {**MONEY_IN, "account": cash.pk, "amount": "0"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert response.status_code == 400
    assert "أدخل مبلغًا أكبر من الصفر." in response.text
    assert entry_count(association) == 0
