"""Resources' rules: bad input changes nothing, volunteer hours are valued in the books once, the
inventory links to fixed-asset lines, premises documents are checked, certificates are verifiable."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from associations.errors import WaslError
from associations.tenancy import association_scope
from finance import selectors as finance_selectors
from finance.models import Account, Entry, EntryLine
from finance.services import entries as entry_services
from resources import services
from resources.models import (
    Asset,
    Premises,
    PremisesDocument,
    StaffMember,
    Valuation,
    Volunteer,
    VolunteerHours,
)

TODAY = timezone.localdate


def _volunteer(tenant, name="Hafsa Idrissi"):
    return services.volunteer_save(actor=tenant.president, name_latin=name)


def _year_days(tenant):
    """Two past days inside the current fiscal year (the fixture's hours are yesterday's)."""
    year = finance_selectors.current_year()
    first = max(year.start_date, TODAY() - timedelta(days=3))
    return year, first


@pytest.mark.parametrize(
    ("hours", "code"),
    [("-2", "negative"), ("0", "not_positive"), ("25", "invalid"), ("1.234", "decimals"), ("abc", "invalid")],
)
def test_bad_hours_are_refused_and_nothing_is_recorded(scope_a, hours, code):
    volunteer = _volunteer(scope_a)
    before = VolunteerHours.objects.count()
    with pytest.raises(WaslError) as refused:
        services.hours_record(
            actor=scope_a.president, volunteer_id=volunteer.pk, day=TODAY(), hours=hours, activity="Clean-up"
        )
    assert refused.value.field == "hours" and refused.value.code == code
    assert VolunteerHours.objects.count() == before


def test_a_negative_hour_count_reads_in_arabic(scope_a):
    volunteer = _volunteer(scope_a)
    with translation.override("ar"), pytest.raises(WaslError) as refused:
        services.hours_record(actor=scope_a.president, volunteer_id=volunteer.pk, day=TODAY(), hours="-1",
                              activity="x")  # fmt: skip
    assert refused.value.message != "This number cannot be negative."
    assert any("\u0600" <= ch <= "\u06ff" for ch in refused.value.message)


def test_hours_for_a_day_to_come_are_refused(scope_a):
    volunteer = _volunteer(scope_a)
    with pytest.raises(WaslError) as refused:
        services.hours_record(actor=scope_a.president, volunteer_id=volunteer.pk, day=TODAY() + timedelta(days=1),
                              hours="2", activity="x")  # fmt: skip
    assert refused.value.field == "date"


def test_hours_are_valued_at_the_hourly_value_when_recorded(scope_a):
    volunteer = _volunteer(scope_a)
    services.hourly_value_set(actor=scope_a.president, hourly_value="35.50")
    row = services.hours_record(actor=scope_a.president, volunteer_id=volunteer.pk, day=TODAY(), hours="2.5",
                                activity="Literacy class")  # fmt: skip
    services.hourly_value_set(actor=scope_a.president, hourly_value="50")
    row.refresh_from_db()
    assert row.hourly_value == Decimal("35.50") and row.value == Decimal("88.75")


def test_a_negative_hourly_value_is_refused(scope_a):
    with pytest.raises(WaslError) as refused:
        services.hourly_value_set(actor=scope_a.president, hourly_value="-5")
    assert refused.value.field == "hourly_value"
    assert services.settings_of().hourly_value == Decimal("20.00")  # the fixture's, unchanged


def test_volunteer_hours_are_posted_to_the_books_once(scope_a):
    year, day = _year_days(scope_a)
    volunteer = _volunteer(scope_a)
    services.hours_record(
        actor=scope_a.president, volunteer_id=volunteer.pk, day=day, hours="4", activity="A"
    )
    valuation = services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    # The fixture's 3 hours at 20 MAD and these 4 at 20 MAD.
    assert valuation.hours == Decimal("7.00") and valuation.value == Decimal("140.00")
    lines = {line.account.code: line for line in EntryLine.objects.filter(entry=valuation.entry)}
    assert lines["0714"].debit == Decimal("140.00") and lines["0719"].credit == Decimal("140.00")
    assert valuation.entry.status == "posted"
    assert not VolunteerHours.objects.filter(valuation=None).exists()
    entries = Entry.objects.count()
    with pytest.raises(WaslError) as again:
        services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    assert again.value.code == "nothing"
    assert Entry.objects.count() == entries and Valuation.objects.count() == 1


def test_only_new_hours_go_into_a_second_posting(scope_a):
    year, day = _year_days(scope_a)
    services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    services.hours_record(actor=scope_a.president, volunteer_id=scope_a.volunteer.pk, day=day, hours="1",
                          activity="B")  # fmt: skip
    second = services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    assert second.hours == Decimal("1.00") and second.value == Decimal("20.00")
    total = sum(v.value for v in Valuation.objects.all())
    assert total == sum(h.value for h in VolunteerHours.objects.all())


def test_hours_claimed_meanwhile_roll_the_posting_back(scope_a, monkeypatch):
    """The compare-and-set: if another posting took a row between reading and claiming, nothing is
    kept (no entry, no valuation)."""
    year, _day = _year_days(scope_a)
    entries = Entry.objects.count()
    real_create = Valuation.objects.create

    def create_then_steal(**kwargs):
        valuation = real_create(**kwargs)
        VolunteerHours.objects.update(valuation=valuation)  # another posting got there first
        return valuation

    monkeypatch.setattr(Valuation.objects, "create", create_then_steal)
    from django.db import transaction

    with pytest.raises(WaslError) as conflict, transaction.atomic():
        services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    assert conflict.value.code == "conflict"
    assert Entry.objects.count() == entries and not Valuation.objects.exists()
    assert VolunteerHours.objects.filter(valuation=None).count() == 1


def test_valued_hours_can_no_longer_be_removed(scope_a):
    year, _day = _year_days(scope_a)
    services.hours_post_to_books(actor=scope_a.treasurer, year_id=year.pk)
    with pytest.raises(WaslError) as refused:
        services.hours_delete(actor=scope_a.president, hours_id=scope_a.volunteer_hours.pk)
    assert refused.value.code == "valued"
    assert VolunteerHours.objects.filter(pk=scope_a.volunteer_hours.pk).exists()


def test_unvalued_hours_can_be_removed(scope_a):
    services.hours_delete(actor=scope_a.president, hours_id=scope_a.volunteer_hours.pk)
    assert not VolunteerHours.objects.exists()


def test_a_member_volunteers_once_and_takes_their_names_from_the_register(scope_a):
    member = scope_a.member_row
    volunteer = services.volunteer_save(actor=scope_a.president, member_id=member.pk, name_latin="ignored")
    assert volunteer.name_latin == member.name_latin
    with pytest.raises(WaslError) as twice:
        services.volunteer_save(actor=scope_a.president, member_id=member.pk)
    assert twice.value.code == "duplicate" and Volunteer.objects.filter(member=member).count() == 1


def test_a_volunteer_needs_a_name(scope_a):
    with pytest.raises(WaslError) as refused:
        services.volunteer_save(actor=scope_a.president, name_ar=" ", name_latin="")
    assert refused.value.field == "name_latin"


def test_a_contract_ending_before_it_starts_is_refused(scope_a):
    before = StaffMember.objects.count()
    with pytest.raises(WaslError) as refused:
        services.staff_save(actor=scope_a.president, name_latin="Omar", job_title="Accountant", contract="permanent",
                            starts_on=TODAY(), ends_on=TODAY() - timedelta(days=1))  # fmt: skip
    assert refused.value.field == "ends_on" and refused.value.code == "end_before_start"
    assert StaffMember.objects.count() == before


def test_a_negative_item_value_is_refused(scope_a):
    before = Asset.objects.count()
    with pytest.raises(WaslError) as refused:
        services.asset_save(actor=scope_a.president, name="Chairs", value="-100", acquired_on=TODAY(),
                            acquisition="bought")  # fmt: skip
    assert refused.value.field == "value" and Asset.objects.count() == before


def _bought_line(tenant, amount="4800.00"):
    computer, cash = Account.objects.get(code="2355"), Account.objects.get(code="5161")
    journal = finance_selectors.journals().get(code="CAI")
    entry = entry_services.entry_create(
        actor=tenant.treasurer, journal_id=journal.pk, date=TODAY(), label="Laptop",
        lines=[entry_services.LineInput(computer.pk, debit=amount), entry_services.LineInput(cash.pk, credit=amount)],
        post=True,
    )  # fmt: skip
    return entry.lines.get(account=computer)


def test_a_bought_item_links_to_its_fixed_asset_line(scope_a):
    line = _bought_line(scope_a)
    asset = services.asset_save(actor=scope_a.president, name="Laptop", value="4800", acquired_on=TODAY(),
                                acquisition="bought", entry_line_id=line.pk)  # fmt: skip
    assert asset.entry_line_id == line.pk and asset.account.code == "2355"


def test_an_item_cannot_link_to_a_line_outside_class_2(scope_a):
    cash_line = EntryLine.objects.filter(account__code="5161").first()
    with pytest.raises(WaslError) as refused:
        services.asset_save(actor=scope_a.president, name="Laptop", value="10", acquired_on=TODAY(),
                            acquisition="bought", entry_line_id=cash_line.pk)  # fmt: skip
    assert refused.value.field == "entry_line"


def test_a_lent_item_takes_no_fixed_asset_account(scope_a):
    account = Account.objects.get(code="2355")
    with pytest.raises(WaslError) as refused:
        services.asset_save(actor=scope_a.president, name="Tables", value="0", acquired_on=TODAY(),
                            acquisition="lent", account_id=account.pk)  # fmt: skip
    assert refused.value.field == "account"


def test_a_lending_that_ends_before_it_starts_is_refused(scope_a):
    with pytest.raises(WaslError) as refused:
        services.asset_save(actor=scope_a.president, name="Tables", value="0", acquired_on=TODAY(),
                            acquisition="lent", lent_until=TODAY() - timedelta(days=3))  # fmt: skip
    assert refused.value.code == "end_before_start"


def test_premises_rules(scope_a):
    with pytest.raises(WaslError) as rent:
        services.premises_save(actor=scope_a.president, name="Local", kind="rented", monthly_rent="-1")
    assert rent.value.field == "monthly_rent"
    with pytest.raises(WaslError) as dates:
        services.premises_save(actor=scope_a.president, name="Local", kind="owned", starts_on=TODAY(),
                               ends_on=TODAY() - timedelta(days=1))  # fmt: skip
    assert dates.value.field == "ends_on"
    assert Premises.objects.count() == 1  # the fixture's only


def test_a_premises_document_is_checked_by_content_and_size(scope_a, settings):
    before = PremisesDocument.objects.count()
    fake = SimpleUploadedFile("lease.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(WaslError) as refused:
        services.premises_document_add(actor=scope_a.president, premises_id=scope_a.premises.pk, title="x",
                                       uploaded=fake)  # fmt: skip
    assert refused.value.code == "bad_type"
    settings.WASL_UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("lease.pdf", b"%PDF-1.4 " + b"x" * 100, "application/pdf")
    with pytest.raises(WaslError) as too_large:
        services.premises_document_add(actor=scope_a.president, premises_id=scope_a.premises.pk, title="x",
                                       uploaded=big)  # fmt: skip
    assert too_large.value.code == "too_large"
    assert PremisesDocument.objects.count() == before


def test_a_certificate_of_volunteering_is_a_verifiable_document(scope_a):
    from documents.kinds import document_kind
    from documents.models import Document

    yesterday = TODAY() - timedelta(days=1)
    certificate = services.certificate_issue(
        actor=scope_a.president, volunteer_id=scope_a.volunteer.pk, period_start=yesterday, period_end=TODAY()
    )
    document = Document.objects.get(pk=certificate.document_id)
    assert document.kind == "volunteering_certificate" and len(document.token) >= 16
    assert document.snapshot["hours"] == "3.00"
    facts = dict(document_kind("volunteering_certificate").printed_facts(document.snapshot))
    assert "3.00" in facts.values() and all("Volunteersecret" not in str(v) for v in facts.values())


def test_a_certificate_needs_hours_in_a_well_ordered_period(scope_a):
    with pytest.raises(WaslError) as order:
        services.certificate_issue(actor=scope_a.president, volunteer_id=scope_a.volunteer.pk,
                                   period_start=TODAY(), period_end=TODAY() - timedelta(days=5))  # fmt: skip
    assert order.value.code == "end_before_start"
    with pytest.raises(WaslError) as empty:
        services.certificate_issue(actor=scope_a.president, volunteer_id=scope_a.volunteer.pk,
                                   period_start=TODAY() - timedelta(days=90), period_end=TODAY() - timedelta(days=60))  # fmt: skip
    assert empty.value.field == "period_start"


def test_the_certificate_pdf_is_bilingual(tenant_a):
    from documents.models import Document
    from documents.services import document_pdf_bytes

    pytest.importorskip("weasyprint")
    snapshot = {"volunteer_ar": "حفصة", "volunteer_latin": "Hafsa", "period_start": "2026-01-01",
                "period_end": "2026-06-30", "hours": "42.00", "activities": ["Soutien"],
                "association": {"name_ar": "جمعية", "name_fr": "Association", "acronym": "A"},
                "issued_on": "2026-07-01"}  # fmt: skip
    with association_scope(tenant_a.association):
        document = Document(kind="volunteering_certificate", language="ar", title="t", snapshot=snapshot,
                            token="tok-volunteer")  # fmt: skip
        try:
            pdf = document_pdf_bytes(document)
        except OSError:
            pytest.skip("WeasyPrint's system libraries are missing")
    assert pdf.startswith(b"%PDF")
