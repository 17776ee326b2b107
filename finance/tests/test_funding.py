"""Funding: grants and instalments posted to the grant account of the funder's type, donations in
cash, in kind and volunteering (class 0), foreign money opening its declaration with a deadline
and reminders, public money against the 500,000 MAD line, the Court of Accounts file and a donor's
statement as jobs, the treasurer's home, the API, bad input changing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from associations.capabilities import RoleKind
from associations.errors import WaslError
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from finance import funding_selectors
from finance.funding_files import donor_statement_report, public_support_report
from finance.models import (
    DeclarationStatus,
    Donation,
    Entry,
    EntryLine,
    FiscalYear,
    ForeignDeclaration,
    Funder,
    Grant,
    GrantInstalment,
)
from finance.services import funding as services
from finance.tests.helpers import account
from jobs.models import Job

D = Decimal
DAY = date(2025, 3, 10)


@pytest.fixture
def officer(client, db):
    """A treasurer's session in an association whose 2025 is open; no scope held around the test."""
    association = AssociationFactory(slug="funds", fiscal_year_start_month=1)
    treasurer = UserFactory(email="treasurer-funds@example.ma")
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    with association_scope(association):
        FiscalYear.objects.get_or_create(
            start_date=date(2025, 1, 1), defaults={"end_date": date(2025, 12, 31)}
        )
    client.force_login(treasurer)
    return client, association, treasurer


def url(association, name, **kwargs):
    return reverse(f"funding:{name}", kwargs={"association_slug": association.slug, **kwargs})


def _grant(treasurer, funder_type="commune", amount="300000", name="Summer camps"):
    funder = services.funder_create(
        actor=treasurer, name=f"Funder {funder_type} {name}", funder_type=funder_type
    )
    return services.grant_create(actor=treasurer, funder_id=funder.pk, name=name, amount_granted=amount)


def _cash():
    return account("5161").pk


def _credits(code: str) -> Decimal:
    return sum((line.credit for line in EntryLine.objects.filter(account__code=code)), D("0.00"))


def test_an_instalment_posts_to_the_grant_account_of_the_funder_type(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        for funder_type, code in (("commune", "71612"), ("indh", "71613"), ("ministry", "71611")):
            grant = _grant(treasurer, funder_type, amount="1000")
            services.instalment_record(
                actor=treasurer, grant_id=grant.pk, amount="400.50", received_on=DAY, account_id=_cash()
            )
            assert _credits(code) == D("400.50")
        assert funding_selectors.grant_detail(grant.pk).received == D("400.50")
        assert ForeignDeclaration.objects.count() == 0  # public money: nothing to declare


def test_foreign_money_opens_a_declaration_with_its_deadline_and_the_setting_moves_it(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        grant = _grant(treasurer, "foreign_organisation", amount="90000", name="Water")
        first = services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="30000", received_on=DAY, account_id=account("5141").pk
        )
        declaration = first.declaration
        assert declaration.due_on == DAY + timedelta(days=30)
        assert declaration.amount == D("30000.00") and declaration.status == DeclarationStatus.TO_DECLARE
        assert _credits("71615") == D("30000.00")
        services.funding_settings_save(actor=treasurer, foreign_declaration_days="45")
        second = services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="1000", received_on=DAY, account_id=_cash()
        )
        assert second.declaration.due_on == DAY + timedelta(days=45)
        with pytest.raises(WaslError):
            services.funding_settings_save(actor=treasurer, foreign_declaration_days="0")
        services.declaration_mark_declared(
            actor=treasurer, declaration_id=declaration.pk, reference="SGG-2025-17", declared_on=DAY
        )
        with pytest.raises(WaslError):  # twice is refused
            services.declaration_mark_declared(
                actor=treasurer, declaration_id=declaration.pk, reference="again", declared_on=DAY
            )
        assert funding_selectors.declarations_due().count() == 1


def test_declaration_reminders_are_idempotent_and_stop_once_declared(officer):
    from notifications.models import Message
    from notifications.reminders import reminders_sweep

    _client, association, treasurer = officer
    with association_scope(association):
        grant = _grant(treasurer, "foreign_government", amount="5000")
        instalment = services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="5000", received_on=DAY, account_id=_cash()
        )
        due_on = instalment.declaration.due_on
        assert reminders_sweep(today=due_on - timedelta(days=7)) == 1
        assert reminders_sweep(today=due_on - timedelta(days=7)) == 0  # the same offset never twice
        message = Message.objects.get(template_key="finance.declaration_due")
        assert message.to_address == "treasurer-funds@example.ma"
        services.declaration_mark_declared(
            actor=treasurer, declaration_id=instalment.declaration.pk, reference="R1", declared_on=due_on
        )
        assert reminders_sweep(today=due_on) == 0
        assert Message.objects.filter(template_key="finance.declaration_due").count() == 1


def test_donations_in_cash_in_kind_and_volunteering(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        donor = services.donor_create(actor=treasurer, kind="person", name="Fatima Zahra", cin="ab123456")
        assert donor.cin == "AB123456"
        services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="cash",
            amount="250",
            received_on=DAY,
            account_id=_cash(),
        )
        services.donation_record(
            actor=treasurer, donor_id=donor.pk, nature="in_kind", amount="1200", received_on=DAY,
            description="Blankets", valuation="Invoice price",
        )  # fmt: skip
        services.donation_record(
            actor=treasurer, donor_id=donor.pk, nature="volunteering", amount="800", received_on=DAY,
            description="Tutoring", hours="20",
        )  # fmt: skip
        assert _credits("7171") == D("250.00")
        assert EntryLine.objects.get(account__code="0711").debit == D("1200.00")
        assert EntryLine.objects.get(account__code="0714").debit == D("800.00")
        assert _credits("0719") == D("2000.00")
        assert ForeignDeclaration.objects.count() == 0
        abroad = services.donor_create(actor=treasurer, kind="organisation", name="Stiftung", from_abroad=True,
                                       country="Germany", ice="")  # fmt: skip
        gift = services.donation_record(
            actor=treasurer,
            donor_id=abroad.pk,
            nature="cash",
            amount="7000",
            received_on=DAY,
            account_id=_cash(),
        )
        assert gift.declaration.origin == "Stiftung (Germany)"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.555"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"nature": "gold"}, "nature"),
        ({"account_id": "7171"}, "account"),
        ({"nature": "in_kind", "description": ""}, "description"),
        ({"nature": "volunteering", "description": "x", "hours": None}, "hours"),
        ({"received_on": date(2030, 1, 1)}, "date"),
    ],
)
def test_bad_donation_input_changes_nothing(officer, fields, field):
    _client, association, treasurer = officer
    with association_scope(association):
        donor = services.donor_create(actor=treasurer, kind="person", name="Ali")
        base = {
            "donor_id": donor.pk,
            "nature": "cash",
            "amount": "10",
            "received_on": DAY,
            "account_id": _cash(),
        }
        entries = Entry.objects.count()
        with pytest.raises(WaslError) as error:
            services.donation_record(actor=treasurer, **{**base, **fields})
        assert error.value.field == field
        assert Entry.objects.count() == entries and Donation.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cin": "12345"}, "cin"),
        ({"ice": "123"}, "ice"),
        ({"name": "  "}, "name"),
        ({"kind": "robot"}, "kind"),
        ({"from_abroad": True, "country": ""}, "country"),
    ],
)
def test_bad_donor_input_is_refused(officer, fields, field):
    _client, association, treasurer = officer
    with association_scope(association), pytest.raises(WaslError) as error:
        services.donor_create(actor=treasurer, **{"kind": "person", "name": "Ali", **fields})
    assert error.value.field == field


def test_bad_grant_and_instalment_input_changes_nothing(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        funder = services.funder_create(actor=treasurer, name="Commune", funder_type="commune")
        with pytest.raises(WaslError):
            services.funder_create(actor=treasurer, name="commune", funder_type="commune")
        with pytest.raises(WaslError):
            services.funder_create(actor=treasurer, name="X", funder_type="bank")
        with pytest.raises(WaslError) as error:
            services.grant_create(actor=treasurer, funder_id=funder.pk, name="", amount_granted="10")
        assert error.value.field == "name"
        with pytest.raises(WaslError):
            services.grant_create(actor=treasurer, funder_id=funder.pk, name="G", amount_granted="0")
        grant = services.grant_create(actor=treasurer, funder_id=funder.pk, name="G", amount_granted="10")
        for amount in ("0", "-1", "1.001"):
            with pytest.raises(WaslError):
                services.instalment_record(
                    actor=treasurer, grant_id=grant.pk, amount=amount, received_on=DAY, account_id=_cash()
                )
        with pytest.raises(WaslError):  # not a cash or bank account
            services.instalment_record(
                actor=treasurer, grant_id=grant.pk, amount="5", received_on=DAY, account_id=account("7171").pk
            )
        assert GrantInstalment.objects.count() == 0 and Entry.objects.count() == 0
        assert Grant.objects.count() == 1


def test_public_money_line_and_the_court_of_accounts_report(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        year = FiscalYear.objects.get(start_date=date(2025, 1, 1))
        state = _grant(treasurer, "state", amount="600000", name="Literacy")
        services.instalment_record(
            actor=treasurer, grant_id=state.pk, amount="450000", received_on=DAY, account_id=_cash()
        )
        foreign = _grant(treasurer, "foreign_organisation", amount="100000", name="Wells")
        services.instalment_record(
            actor=treasurer, grant_id=foreign.pk, amount="100000", received_on=DAY, account_id=_cash()
        )
        money = funding_selectors.public_money_of(year)
        assert money.total == D("450000.00") and not money.over  # foreign money is not public money
        assert money.court_deadline == date(2026, 3, 15)
        services.instalment_record(
            actor=treasurer, grant_id=state.pk, amount="50000.01", received_on=DAY, account_id=_cash()
        )
        money = funding_selectors.public_money_of(year)
        assert money.total == D("500000.01") and money.over
        report = public_support_report(year)
        rows = report.tables[0].rows
        assert [row.cells[2] for row in rows[:-1]] == ["Literacy"]  # the foreign grant is not listed
        assert rows[-1].cells[6] == D("500000.01") and report.facts["certification_needed"]


def test_the_court_of_accounts_file_and_a_donor_statement_are_jobs(
    officer, django_capture_on_commit_callbacks
):
    client, association, treasurer = officer
    with association_scope(association):
        year = FiscalYear.objects.get(start_date=date(2025, 1, 1))
        grant = _grant(treasurer, "indh", amount="1000")
        services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="1000", received_on=DAY, account_id=_cash()
        )
        donor = services.donor_create(actor=treasurer, kind="person", name="Karim", cin="C12345")
        services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="cash",
            amount="300",
            received_on=DAY,
            account_id=_cash(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(association, "public_export"), {"year": year.pk, "format": "xlsx"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(association, "donor_statement", donor_id=donor.pk), {"year": "2025"})
    with association_scope(association):
        jobs = list(Job.objects.filter(kind="finance.funding_file").order_by("id"))
        assert [job.params["file"] for job in jobs] == ["public_support", "donor_statement"]
        assert jobs[1].params["identity"] is True  # the treasurer may see a CIN
    # Bad input: no job, a translated message.
    response = client.post(url(association, "public_export"), {"year": year.pk, "format": "doc"}, follow=True)
    assert "Choose PDF or XLSX." in response.text


def test_donor_statement_carries_the_tax_mention_only_for_public_utility(officer):
    from finance.funding_files import donor_statement_facts

    _client, association, treasurer = officer
    with association_scope(association):
        donor = services.donor_create(actor=treasurer, kind="person", name="Karim", cin="C12345")
        services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="cash",
            amount="300",
            received_on=DAY,
            account_id=_cash(),
        )
        report = donor_statement_report(donor, 2025, show_identity=False)
        assert report.facts["total"] == D("300.00")
        facts = dict(donor_statement_facts(report, association))
        assert "CIN" not in facts and "not a tax receipt" in facts["Tax mention"]
        association.is_public_utility = True
        report = donor_statement_report(donor, 2025, show_identity=True)
        facts = dict(donor_statement_facts(report, association))
        assert facts["CIN"] == "C12345" and "recognised of public utility" in facts["Tax mention"]


@pytest.mark.postgres
def test_funding_file_pdf_renders(officer):
    """The PDF path runs WeasyPrint: rendered here once (slow), on the PostgreSQL run."""
    from finance.funding_files import public_support_facts
    from finance.reports.render import render_tables_pdf

    _client, association, _treasurer = officer
    with association_scope(association):
        year = FiscalYear.objects.get(start_date=date(2025, 1, 1))
        report = public_support_report(year)
        content = render_tables_pdf(
            title=report.title, subtitle=report.subtitle, association=association, language="fr",
            tables=[(t.title, t.columns, t.rows) for t in report.tables], facts=public_support_facts(report),
        )  # fmt: skip
    assert content.startswith(b"%PDF")


def test_instalment_page_confirms_before_posting(officer):
    client, association, treasurer = officer
    with association_scope(association):
        grant = _grant(treasurer, "foreign_government", amount="1000")
        cash = _cash()
    form = {
        "amount": "250",
        "received_on": "2025-03-10",
        "account": str(cash),
        "reference": "VIR-1",
        "method": "transfer",
    }
    response = client.post(url(association, "instalment", grant_id=grant.pk), form)
    assert response.status_code == 200 and "Check and record" in response.text
    assert "declaration to the Secretariat General" in response.text
    with association_scope(association):
        assert GrantInstalment.objects.count() == 0 and Entry.objects.count() == 0
    response = client.post(url(association, "instalment", grant_id=grant.pk), {**form, "confirm": "yes"})
    assert response.status_code == 302
    with association_scope(association):
        assert GrantInstalment.objects.count() == 1 and ForeignDeclaration.objects.count() == 1
    response = client.post(url(association, "instalment", grant_id=grant.pk), {**form, "amount": "-3"})
    assert response.status_code == 400 and "An amount cannot be negative." in response.text


def test_error_in_french(officer):
    client, association, treasurer = officer
    with association_scope(association):
        donor = services.donor_create(actor=treasurer, kind="person", name="Ali")
    with translation.override("fr"):
        response = client.post(
            url(association, "donation", donor_id=donor.pk),
            {
                "nature": "cash",
                "amount": "0",
                "received_on": "2025-03-10",
                "account": str(account_pk(association)),
            },
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 400


def account_pk(association):
    with association_scope(association):
        return _cash()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_page_renders(officer, language):
    client, association, treasurer = officer
    with association_scope(association):
        grant = _grant(treasurer, "foreign_organisation", amount="1000")
        instalment = services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="100", received_on=DAY, account_id=_cash()
        )
        declaration = instalment.declaration
        donor = services.donor_create(actor=treasurer, kind="person", name="Salma", cin="K998877")
        services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="cash",
            amount="50",
            received_on=DAY,
            account_id=_cash(),
        )
    pages = [
        url(association, "home"),
        url(association, "funders"),
        url(association, "grants"),
        url(association, "grant_new"),
        url(association, "grant", grant_id=grant.pk),
        url(association, "instalment", grant_id=grant.pk),
        url(association, "donors"),
        url(association, "donor_new"),
        url(association, "donor", donor_id=donor.pk),
        url(association, "donation", donor_id=donor.pk),
        url(association, "declarations"),
        url(association, "declare", foreign_declaration_id=declaration.pk),
        url(association, "public"),
        url(association, "settings"),
    ]
    client.cookies["django_language"] = language
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
        assert 'style="' not in response.text.split("<main", 1)[-1], page


def test_cin_is_shown_only_to_roles_allowed_to_see_it(officer, client):
    _client, association, treasurer = officer
    with association_scope(association):
        donor = services.donor_create(actor=treasurer, kind="person", name="Salma", cin="K998877")
    board = UserFactory(email="board-funds@example.ma")
    RoleFactory(association=association, user=board, kind=RoleKind.BOARD_MEMBER)
    response = _client.get(url(association, "donor", donor_id=donor.pk))
    assert "K998877" in response.text
    api = reverse("api-finance-donor", kwargs={"association_slug": association.slug, "donor_id": donor.pk})
    assert _client.get(api).json()["cin"] == "K998877"
    _client.force_login(board)
    response = _client.get(url(association, "donor", donor_id=donor.pk))
    assert response.status_code == 200 and "K998877" not in response.text
    assert "cin" not in _client.get(api).json()
    assert _client.post(url(association, "donor_new"), {"kind": "person", "name": "X"}).status_code in (
        403,
        404,
    )


def test_api_creates_and_lists(officer):
    client, association, _treasurer = officer
    base = f"/api/v1/associations/{association.slug}/finance/"
    with association_scope(association):
        cash = _cash()
    funder = client.post(
        f"{base}funders/", {"name": "INDH Rabat", "funder_type": "indh"}, content_type="application/json"
    )
    assert funder.status_code == 201, funder.content
    grant = client.post(
        f"{base}grants/",
        {"name": "Youth", "funder": funder.json()["id"], "amount_granted": "5000.00"},
        content_type="application/json",
    )
    assert grant.status_code == 201, grant.content
    grant_id = grant.json()["id"]
    bad = client.post(
        f"{base}grants/{grant_id}/instalments/",
        {"amount": "-1", "received_on": "2025-03-10", "account": cash},
        content_type="application/json",
    )
    assert bad.status_code == 400
    made = client.post(
        f"{base}grants/{grant_id}/instalments/",
        {"amount": "2000.00", "received_on": "2025-03-10", "account": cash},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert client.get(f"{base}grants/{grant_id}/").json()["received"] == "2000.00"
    donor = client.post(
        f"{base}donors/",
        {"kind": "organisation", "name": "Fondation X", "from_abroad": True, "country": "Spain"},
        content_type="application/json",
    )
    assert donor.status_code == 201, donor.content
    gift = client.post(
        f"{base}donations/",
        {
            "donor": donor.json()["id"],
            "nature": "cash",
            "amount": "100.00",
            "received_on": "2025-03-10",
            "account": cash,
        },
        content_type="application/json",
    )
    assert gift.status_code == 201, gift.content
    declarations = client.get(f"{base}declarations/").json()["results"]
    assert len(declarations) == 1 and declarations[0]["status"] == "to_declare"
    declared = client.post(
        f"{base}declarations/{declarations[0]['id']}/declare/",
        {"reference": "SGG-1", "declared_on": "2025-03-20"},
        content_type="application/json",
    )
    assert declared.status_code == 200 and declared.json()["status"] == "declared"
    assert len(client.get(f"{base}donations/").json()["results"]) == 1


def test_api_changes_a_funder_and_refuses_a_type_posted_elsewhere(officer):
    client, association, treasurer = officer
    base = f"/api/v1/associations/{association.slug}/finance/funders/"
    made = client.post(
        base, {"name": "Commune Ain Sebaa", "funder_type": "commune"}, content_type="application/json"
    )
    funder_id = made.json()["id"]
    changed = client.patch(
        f"{base}{funder_id}/", {"email": "subventions@commune.ma"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["email"] == "subventions@commune.ma"
    assert changed.json()["name"] == "Commune Ain Sebaa" and changed.json()["funder_type"] == "commune"
    assert client.get(f"{base}{funder_id}/").json()["email"] == "subventions@commune.ma"
    # Money received from it was posted to the communes' grant account: a type posted to another
    # account is refused, and nothing changes.
    with association_scope(association):
        grant = services.grant_create(
            actor=treasurer, funder_id=funder_id, name="Camps", amount_granted="1000"
        )
        services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="500", received_on=date(2025, 3, 1), account_id=_cash()
        )
    refused = client.patch(
        f"{base}{funder_id}/",
        {"funder_type": "foreign_organisation", "notes": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400, refused.content
    with association_scope(association):
        funder = Funder.objects.get(pk=funder_id)
    assert (funder.funder_type, funder.notes) == ("commune", "")
    assert client.patch(f"{base}999999/", {"notes": "x"}, content_type="application/json").status_code == 404


def test_treasurer_home_shows_dues_chart_and_public_money(officer):
    from finance.funding_home import dues_chart
    from finance.models import Due
    from finance.services.payments import payment_record
    from members.services import member_admit

    client, association, treasurer = officer
    with association_scope(association):
        year = FiscalYear.objects.get(start_date=date(2025, 1, 1))
        alice = member_admit(
            actor=treasurer, first_name_ar="أمينة", last_name_ar="العلوي", phone="0661000001"
        )
        bob = member_admit(actor=treasurer, first_name_ar="يوسف", last_name_ar="الإدريسي", phone="0661000002")
        for member in (alice, bob):
            Due.objects.create(member=member, fiscal_year=year, amount="200.00", due_date=DAY)
        payment_record(actor=treasurer, amount="200", method="cash", date=DAY, payer_member_id=alice.pk)
        chart = dues_chart(year)
        assert (chart.expected, chart.collected, chart.percent) == (D("400.00"), D("200.00"), 50)
        grant = _grant(treasurer, "state", amount="600000")
        services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="510000", received_on=DAY, account_id=_cash()
        )
    from unittest import mock

    with mock.patch("finance.selectors.current_year", return_value=year):
        response = client.get(url(association, "home"))
    body = response.text
    assert response.status_code == 200
    assert "<svg" in body and "50% collected" in body  # the chart, with its table
    assert "الإدريسي" in body  # who owes
    assert "must be certified" in body  # above the 500,000 MAD line
    assert "C2025-00001" in body or "2025-00001" in body  # the latest receipt


def test_gifts_of_money_and_instalments_are_payments_with_receipts(officer):
    from finance.models import ReceiptSeries

    _client, association, treasurer = officer
    with association_scope(association):
        association.is_public_utility = True
        association.save(update_fields=["is_public_utility"])
        donor = services.donor_create(
            actor=treasurer,
            kind="organisation",
            name="Société X",
            ice="001234567000089",
            email="x@example.ma",
        )
        gift = services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="cash",
            amount="1500",
            received_on=DAY,
            method="cheque",
            cheque_number="CHQ-778",
            bank_name="Banque Populaire",
        )
        receipt = gift.payment.receipts.get()
        assert receipt.series == ReceiptSeries.DONATIONS and gift.payment.entry_id == gift.entry_id
        assert receipt.document.snapshot["donation"]["public_utility"] is True
        assert receipt.document.snapshot["donation"]["ice"] == "001234567000089"
        with pytest.raises(WaslError) as error:  # a cheque without its number
            services.donation_record(
                actor=treasurer,
                donor_id=donor.pk,
                nature="cash",
                amount="10",
                received_on=DAY,
                method="cheque",
            )
        assert error.value.field == "cheque_number"
        kind = services.donation_record(
            actor=treasurer,
            donor_id=donor.pk,
            nature="in_kind",
            amount="99",
            received_on=DAY,
            description="Chairs",
        )
        assert kind.payment is None  # a gift in kind is no payment
        grant = _grant(treasurer, "region", amount="2000")
        instalment = services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="2000", received_on=DAY, account_id=account("5141").pk
        )
        assert instalment.payment.receipts.get().series == ReceiptSeries.OTHER
        assert instalment.payment.credit_account.code == "71612"


def test_home_card_figures_in_one_query(officer, django_assert_num_queries):
    _client, association, treasurer = officer
    with association_scope(association):
        assert funding_selectors.home_card_figures(DAY) == (D("0.00"), 0)
        grant = _grant(treasurer, "foreign_government", amount="100")
        services.instalment_record(
            actor=treasurer, grant_id=grant.pk, amount="100", received_on=DAY, account_id=_cash()
        )
        state = _grant(treasurer, "state", amount="900", name="Roads")
        services.instalment_record(
            actor=treasurer, grant_id=state.pk, amount="700.25", received_on=DAY, account_id=_cash()
        )
        with django_assert_num_queries(1):
            assert funding_selectors.home_card_figures(DAY) == (D("700.25"), 1)
