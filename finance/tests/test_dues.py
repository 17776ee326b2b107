"""Dues: schedule, generation (idempotent, pro rata, joining fee), the job, waivers, accrual,
credit, reminders (never to a member who paid)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from associations.errors import WaslError
from finance import selectors
from finance.models import Due, DuesSchedule, Entry, Payment
from finance.services.dues import (
    due_waive,
    dues_generate,
    dues_generate_start,
    dues_schedule_save,
    dues_settings_save,
)
from finance.services.payments import payment_record
from finance.tests.dues_helpers import member, year
from jobs.models import Job
from members.models import MemberCategory
from notifications.models import Message
from notifications.reminders import reminders_sweep


@pytest.fixture
def scheduled(books):
    association, treasurer = books
    y2025 = year(date(2025, 1, 1), date(2025, 12, 31))
    adults = MemberCategory.objects.create(name_ar="راشدون", name_fr="Adultes", annual_dues=Decimal("120.00"))
    students = MemberCategory.objects.create(
        name_ar="طلبة", name_fr="Étudiants", annual_dues=Decimal("60.00")
    )
    dues_schedule_save(actor=treasurer, fiscal_year_id=y2025.pk, category_id=adults.pk, amount="120",
                       due_date=date(2025, 3, 31), joining_fee="50", pro_rata=True)  # fmt: skip
    return association, treasurer, y2025, adults, students


@pytest.mark.django_db
def test_generation_is_idempotent_with_pro_rata_and_joining_fee(scheduled):
    _association, treasurer, y2025, adults, students = scheduled
    early = member(treasurer, "Early", category=adults, join_date=date(2020, 5, 1))
    late = member(treasurer, "Late", category=adults, join_date=date(2025, 10, 15))  # 3 months left
    member(treasurer, "Student", category=students, join_date=date(2020, 1, 1))  # no schedule: no due
    member(treasurer, "Former", category=adults, join_date=date(2020, 1, 1), status="resigned")
    assert dues_generate(actor=treasurer, fiscal_year_id=y2025.pk) == 3
    assert dues_generate(actor=treasurer, fiscal_year_id=y2025.pk) == 0  # a rerun creates nothing twice
    assert Due.objects.count() == 3
    assert Due.objects.get(member=early).amount == Decimal("120.00")
    late_dues = {d.kind: d for d in Due.objects.filter(member=late)}
    assert late_dues["annual"].amount == Decimal("30.00")
    assert late_dues["annual"].due_date == date(2025, 10, 15)  # not due before joining
    assert late_dues["joining"].amount == Decimal("50.00")
    newcomer = member(treasurer, "New", category=adults, join_date=date(2025, 1, 1))
    assert dues_generate(actor=treasurer, fiscal_year_id=y2025.pk) == 2  # joining fee + full year
    assert set(Due.objects.filter(member=newcomer).values_list("amount", flat=True)) == {
        Decimal("120.00"),
        Decimal("50.00"),
    }


@pytest.mark.django_db
def test_the_generation_job_reports_what_it_did_and_a_duplicated_job_creates_nothing(scheduled):
    _association, treasurer, y2025, adults, _students = scheduled
    for n in range(3):
        member(treasurer, f"M{n}", category=adults, join_date=date(2020, 1, 1))
    first = dues_generate_start(actor=treasurer, role_kind="treasurer", fiscal_year_id=y2025.pk)
    second = dues_generate_start(actor=treasurer, role_kind="treasurer", fiscal_year_id=y2025.pk)
    from jobs.services import job_run

    job_run(association_id=first.association_id, job_id=first.pk)
    job_run(association_id=second.association_id, job_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Job.Status.SUCCEEDED and "3 dues created" in first.summary
    assert second.status == Job.Status.SUCCEEDED and "nothing to create" in second.summary
    assert (first.progress_done, first.progress_total) == (3, 3)
    assert Due.objects.count() == 3


@pytest.mark.django_db
def test_schedule_bad_input(scheduled):
    _association, treasurer, y2025, adults, _students = scheduled
    with pytest.raises(WaslError) as error:
        dues_schedule_save(
            actor=treasurer,
            fiscal_year_id=y2025.pk,
            category_id=adults.pk,
            amount="-1",
            due_date=date(2025, 3, 1),
        )
    assert error.value.field == "amount"
    with pytest.raises(WaslError) as error:
        dues_schedule_save(
            actor=treasurer,
            fiscal_year_id=y2025.pk,
            category_id=adults.pk,
            amount="1",
            due_date=date(2026, 3, 1),
        )
    assert error.value.field == "due_date"
    assert DuesSchedule.objects.get().amount == Decimal("120.00")


@pytest.mark.django_db
def test_a_waived_due_is_owed_by_nobody_and_needs_a_reason(scheduled):
    _association, treasurer, y2025, adults, _students = scheduled
    amal = member(treasurer, category=adults, join_date=date(2020, 1, 1))
    dues_generate(actor=treasurer, fiscal_year_id=y2025.pk)
    due = Due.objects.get(member=amal)
    with pytest.raises(WaslError):
        due_waive(actor=treasurer, due_id=due.pk, reason="  ")
    due_waive(actor=treasurer, due_id=due.pk, reason="hardship")
    assert selectors.member_standing(amal, date(2025, 12, 1)).up_to_date
    with pytest.raises(WaslError, match="already waived"):
        due_waive(actor=treasurer, due_id=due.pk, reason="again")


@pytest.mark.django_db
def test_accrual_enters_receivables_and_the_payment_settles_them(scheduled):
    _association, treasurer, y2025, adults, _students = scheduled
    dues_settings_save(actor=treasurer, accrual=True, reminder_offsets=[0], reminders_enabled=True)
    amal = member(treasurer, category=adults, join_date=date(2020, 1, 1))
    dues_generate(actor=treasurer, fiscal_year_id=y2025.pk)
    accrued = Due.objects.get(member=amal).accrual_entry
    assert accrued is not None
    assert {(line.account.code, line.debit) for line in accrued.lines.all()} == {
        ("3485", Decimal("120.00")),
        ("7152", Decimal("0.00")),
    }
    payment = payment_record(
        actor=treasurer, amount="150", method="cash", date=date(2025, 6, 1), payer_member_id=amal.pk
    )
    credited = {line.account.code: line.credit for line in payment.entry.lines.all() if line.credit}
    assert credited == {"3485": Decimal("120.00"), "4491": Decimal("30.00")}


@pytest.mark.django_db
def test_credit_is_used_by_the_next_dues(scheduled):
    _association, treasurer, y2025, adults, _students = scheduled
    amal = member(treasurer, category=adults, join_date=date(2020, 1, 1))
    payment = payment_record(
        actor=treasurer, amount="100", method="cash", date=date(2025, 1, 5), payer_member_id=amal.pk
    )
    assert payment.credit_left == Decimal("100.00")
    entries = Entry.objects.count()
    dues_generate(actor=treasurer, fiscal_year_id=y2025.pk)
    payment.refresh_from_db()
    assert payment.credit_left == 0 and Entry.objects.count() == entries  # cash basis: no entry
    assert selectors.member_standing(amal, date(2025, 6, 1)).owed == Decimal("20.00")


@pytest.mark.django_db
def test_reminders_once_per_offset_never_after_payment_and_withdrawn_by_it(books):
    _association, treasurer = books
    today = timezone.localdate()
    current = year(date(today.year, 1, 1), date(today.year, 12, 31))
    category = MemberCategory.objects.create(name_ar="أ", name_fr="A", annual_dues=Decimal("100"))
    dues_schedule_save(
        actor=treasurer,
        fiscal_year_id=current.pk,
        category_id=category.pk,
        amount="100",
        due_date=max(current.start_date, today - timedelta(days=15)),
    )
    payer = member(
        treasurer, "Payer", category=category, join_date=date(2020, 1, 1), email="payer@example.ma"
    )
    owing = member(
        treasurer, "Owing", category=category, join_date=date(2020, 1, 1), email="owing@example.ma"
    )
    dues_generate(actor=treasurer, fiscal_year_id=current.pk)
    payment_record(
        actor=treasurer, amount="100", method="cash", date=today, payer_member_id=payer.pk, send_receipt=False
    )
    queued = reminders_sweep(today=today)
    assert queued == (
        1 if Due.objects.filter(member=owing, due_date=today - timedelta(days=15)).exists() else queued
    )
    reminders = Message.objects.filter(template_key="finance.dues_reminder")
    assert not reminders.filter(to_address="payer@example.ma").exists()
    assert reminders_sweep(today=today) == 0  # once per due and offset
    # The owing member pays: the reminder still waiting in the outbox is withdrawn.
    payment_record(
        actor=treasurer, amount="100", method="cash", date=today, payer_member_id=owing.pk, send_receipt=False
    )
    assert not reminders.filter(status=Message.Status.QUEUED).exists()
    assert Payment.objects.count() == 2
