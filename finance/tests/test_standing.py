"""A member's standing with the dues, the bulk "who owes" form, and the resignation check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from associations.errors import WaslError
from finance import selectors
from finance.models import Due, FiscalYear
from members import services as member_services


def _member(actor, name="Amal"):
    return member_services.member_admit(
        actor=actor, first_name_latin=name, last_name_latin="Test", phone="0612345678"
    )


def _year(start: date, end: date) -> FiscalYear:
    year, _created = FiscalYear.objects.get_or_create(start_date=start, defaults={"end_date": end})
    return year


@pytest.mark.django_db
def test_standing_counts_dues_due_unpaid_and_not_waived(books):
    _association, treasurer = books
    member, other = _member(treasurer), _member(treasurer, "Badr")
    y2024 = _year(date(2024, 1, 1), date(2024, 12, 31))
    y2025 = FiscalYear.objects.get(start_date=date(2025, 1, 1))
    Due.objects.create(member=member, fiscal_year=y2024, amount=Decimal("100.00"), paid=Decimal("40.00"),
                       due_date=date(2024, 3, 31))  # fmt: skip
    Due.objects.create(member=member, fiscal_year=y2025, amount=Decimal("120.00"), due_date=date(2025, 3, 31))
    Due.objects.create(member=member, fiscal_year=y2025, kind="joining", amount=Decimal("50.00"),
                       due_date=date(2025, 3, 31), waived_at=timezone.now(), waived_reason="student")  # fmt: skip
    Due.objects.create(member=other, fiscal_year=y2025, amount=Decimal("120.00"), paid=Decimal("120.00"),
                       due_date=date(2025, 3, 31))  # fmt: skip

    before = selectors.member_standing(member, on_date=date(2025, 1, 15))
    assert before.owed == Decimal("60.00") and before.owed_by_year == (("2024", Decimal("60.00")),)
    assert not before.up_to_date
    after = selectors.member_standing(member, date(2025, 6, 1))
    assert after.owed == Decimal("180.00")
    assert after.owed_by_year == (("2024", Decimal("60.00")), ("2025", Decimal("120.00")))
    assert selectors.member_standing(other, date(2025, 6, 1)).up_to_date
    assert selectors.member_ids_owing(on_date=date(2025, 6, 1)) == {member.pk}
    assert selectors.member_ids_owing(on_date=date(2023, 6, 1)) == set()


@pytest.mark.django_db
def test_resignation_refused_while_the_current_years_dues_are_unpaid(books):
    _association, treasurer = books
    member = _member(treasurer)
    today = timezone.localdate()
    year = _year(date(today.year, 1, 1), date(today.year, 12, 31))
    # Not yet fallen due, but of the current year: art. 4 asks for it before a resignation.
    due = Due.objects.create(
        member=member, fiscal_year=year, amount=Decimal("100.00"), due_date=date(today.year, 12, 31)
    )
    with pytest.raises(WaslError, match="still owes"):
        member_services.member_change_status(
            actor=treasurer, member_id=member.pk, to_status="resigned", reason="moving"
        )
    member.refresh_from_db()
    assert member.status == "active"
    due.paid = due.amount
    due.save(update_fields=["paid"])
    member_services.member_change_status(
        actor=treasurer, member_id=member.pk, to_status="resigned", reason="moving"
    )
    member.refresh_from_db()
    assert member.status == "resigned"
