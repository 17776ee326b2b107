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


@pytest.mark.django_db
def test_standing_on_a_past_day_counts_only_the_payments_received_by_then(books, django_assert_num_queries):
    from finance.services.payments import payment_record
    from finance.services.receipts import receipt_cancel

    _association, treasurer = books
    member, other = _member(treasurer), _member(treasurer, "Badr")
    y2025 = FiscalYear.objects.get(start_date=date(2025, 1, 1))
    Due.objects.create(member=member, fiscal_year=y2025, amount=Decimal("120.00"), due_date=date(2025, 3, 31))
    Due.objects.create(member=other, fiscal_year=y2025, amount=Decimal("100.00"), due_date=date(2025, 3, 31))
    # Amal pays 50 in May, then the rest in July; Badr pays all in April, but it is cancelled in
    # August (a bounced cheque).
    payment_record(
        actor=treasurer, amount="50", method="cash", date=date(2025, 5, 2), payer_member_id=member.pk
    )
    payment_record(
        actor=treasurer, amount="70", method="cash", date=date(2025, 7, 20), payer_member_id=member.pk
    )
    bounced = payment_record(
        actor=treasurer, amount="100", method="cheque", cheque_number="77", date=date(2025, 4, 3),
        payer_member_id=other.pk,
    )  # fmt: skip
    receipt_cancel(
        actor=treasurer, receipt_id=bounced.receipts.get().pk, reason="bounced", day=date(2025, 8, 5)
    )

    with django_assert_num_queries(1):
        june = selectors.member_standing(member, date(2025, 6, 1))
    assert june.owed == Decimal("70.00") and june.owed_by_year == (("2025", Decimal("70.00")),)
    assert selectors.member_standing(member, date(2025, 5, 1)).owed == Decimal("120.00")
    assert selectors.member_standing(member, date(2025, 7, 20)).up_to_date
    assert selectors.member_standing(member).up_to_date
    # Badr had paid in June; the cancellation in August makes him owe from then on.
    assert selectors.member_standing(other, date(2025, 6, 1)).up_to_date
    assert selectors.member_standing(other, date(2025, 8, 5)).owed == Decimal("100.00")
    assert selectors.member_standing(other).owed == Decimal("100.00")
    # The bulk forms say the same, in one query.
    with django_assert_num_queries(1):
        assert selectors.member_ids_owing(on_date=date(2025, 6, 1)) == {member.pk}
    assert selectors.member_ids_owing(on_date=date(2025, 4, 15)) == {member.pk}
    assert selectors.member_ids_owing(on_date=date(2025, 8, 31)) == {other.pk}
    assert selectors.member_ids_owing() == {other.pk}
    from members.models import Member

    assert set(
        Member.objects.filter(pk__in=selectors.members_owing_queryset(on_date=date(2025, 6, 1))).values_list(
            "pk", flat=True
        )
    ) == {member.pk}
