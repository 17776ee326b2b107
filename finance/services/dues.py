"""Dues: the year's schedule per member category, generating the year's dues (a job with
progress, idempotent: one due per member, year and kind), waivers, and the payers' credit.

In accrual mode, generating enters the new dues as receivables in one entry (3485 / 7152, 7151),
and a waiver takes its receivable back out; in cash mode the books see dues only when paid.
"""

from __future__ import annotations

from datetime import date as Date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from finance.models import (
    Allocation,
    Due,
    DueKind,
    DuesSchedule,
    DuesSettings,
    FiscalYear,
    JournalKind,
    Payment,
    YearStatus,
)
from finance.services.entries import LineInput, entry_create, parse_amount
from finance.services.payments import (
    ADVANCE_CODES,
    RECEIVABLE_CODES,
    _account_by_codes,
    dues_account,
    dues_settings,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BATCH = 5000
GENERATE_JOB = "finance.dues_generate"


def _year(fiscal_year_id) -> FiscalYear:
    year = (
        FiscalYear.objects.filter(pk=fiscal_year_id).first() if str(fiscal_year_id or "").isdigit() else None
    )
    if year is None:
        raise WaslError(_("Choose the fiscal year."), field="fiscal_year")
    return year


@transaction.atomic
def dues_schedule_save(
    *,
    actor,
    fiscal_year_id: int,
    category_id: int,
    amount,
    due_date: Date,
    joining_fee=ZERO,
    pro_rata: bool = False,
) -> DuesSchedule:
    """Set (or change) what one member category owes for one fiscal year. Dues already generated
    keep their amount: the schedule applies to the dues generated from now on."""
    from members.models import MemberCategory

    year = _year(fiscal_year_id)
    if year.status == YearStatus.CLOSED:
        raise WaslError(_("The fiscal year %(year)s is closed.") % {"year": year}, field="fiscal_year")
    category = (
        MemberCategory.objects.filter(pk=category_id).first() if str(category_id or "").isdigit() else None
    )
    if category is None:
        raise WaslError(_("Choose the member category."), field="category")
    amount = parse_amount(amount, field="amount")
    joining_fee = parse_amount(joining_fee, field="joining_fee")
    if not isinstance(due_date, Date):
        raise WaslError(_("Give the due date."), field="due_date")
    if not (year.start_date <= due_date <= year.end_date):
        raise WaslError(
            _("The due date must fall within the fiscal year (%(start)s – %(end)s).")
            % {"start": year.start_date.isoformat(), "end": year.end_date.isoformat()},
            field="due_date",
        )
    schedule, created = DuesSchedule.objects.select_for_update().get_or_create(
        fiscal_year=year,
        category=category,
        defaults={"amount": amount, "due_date": due_date, "joining_fee": joining_fee, "pro_rata": pro_rata},
    )
    if not created:
        schedule.amount, schedule.due_date = amount, due_date
        schedule.joining_fee, schedule.pro_rata = joining_fee, bool(pro_rata)
        schedule.save(update_fields=["amount", "due_date", "joining_fee", "pro_rata", "updated_at"])
    audit_record(
        actor=actor,
        action="finance.dues_schedule.saved",
        target=schedule,
        changes={"year": str(year), "category": category.pk, "amount": f"{amount:.2f}"},
    )
    return schedule


@transaction.atomic
def dues_settings_save(*, actor, accrual: bool, reminder_offsets, reminders_enabled: bool) -> DuesSettings:
    """The books' basis for dues, and the reminder days (the notifications reminder setting of the
    rule "finance.dues": negative before the due date, 0 on it, positive after)."""
    from notifications.models import ReminderSetting

    offsets = []
    for value in reminder_offsets or []:
        text = str(value).strip()
        try:
            day = int(text)
        except ValueError:
            raise WaslError(
                _("Give the reminder days as whole numbers, e.g. -7, 0, 15, 30."), field="reminder_offsets"
            ) from None
        if not -90 <= day <= 365:
            raise WaslError(_("A reminder day must lie between -90 and 365."), field="reminder_offsets")
        offsets.append(day)
    offsets = sorted(set(offsets))
    if len(offsets) > 8:
        raise WaslError(_("At most 8 reminder days."), field="reminder_offsets")
    settings_row, _created = DuesSettings.objects.select_for_update().get_or_create()
    settings_row.accrual = bool(accrual)
    settings_row.save(update_fields=["accrual"])
    ReminderSetting.objects.update_or_create(
        rule_key="finance.dues",
        defaults={"offsets": offsets, "enabled": bool(reminders_enabled) and bool(offsets)},
    )
    audit_record(
        actor=actor,
        action="finance.dues_settings.changed",
        target=settings_row,
        changes={"fields": ["accrual", "reminder_offsets"]},
    )
    return settings_row


def _months_left(join: Date, year: FiscalYear) -> tuple[int, int]:
    """(months from the month of joining to the year's end, both included; months in the year)."""
    total = (year.end_date.year - year.start_date.year) * 12 + year.end_date.month - year.start_date.month + 1
    left = (year.end_date.year - join.year) * 12 + year.end_date.month - join.month + 1
    return max(0, min(left, total)), total


def dues_for_member(
    *, join_date: Date, schedule: DuesSchedule, year: FiscalYear
) -> list[tuple[str, Decimal, Date]]:
    """The dues one member owes for the year under a schedule: (kind, amount, due date)."""
    out = []
    due_date = max(schedule.due_date, join_date)
    amount = schedule.amount
    if schedule.pro_rata and join_date > year.start_date:
        left, total = _months_left(join_date, year)
        amount = (schedule.amount * left / total).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > 0:
        out.append((DueKind.ANNUAL, amount, min(due_date, year.end_date)))
    if schedule.joining_fee > 0 and year.start_date <= join_date <= year.end_date:
        out.append((DueKind.JOINING, schedule.joining_fee, min(due_date, year.end_date)))
    return out


def dues_generate(*, actor, fiscal_year_id: int, progress=None) -> int:
    """Create the year's dues of every active member whose category has a schedule for the year
    (members who joined after the year's end are left out). Idempotent: a member's due of a kind
    for the year is created once (the unique constraint, also under concurrency); rerunning
    creates only what is missing (e.g. for members admitted since). Returns how many were made.
    Runs in the caller's transaction (the job's)."""
    from members.models import Member, MemberStatus

    year = _year(fiscal_year_id)
    if year.status == YearStatus.CLOSED:
        raise WaslError(_("The fiscal year %(year)s is closed.") % {"year": year}, field="fiscal_year")
    schedules = {s.category_id: s for s in DuesSchedule.objects.filter(fiscal_year=year)}
    if not schedules:
        raise WaslError(
            _("Set the dues of this year for at least one member category first."), field="fiscal_year"
        )
    members = (
        Member.objects.filter(
            status=MemberStatus.ACTIVE,
            anonymised_at=None,
            category_id__in=list(schedules),
            join_date__lte=year.end_date,
        )
        .order_by("pk")
        .values_list("pk", "category_id", "join_date")
    )
    existing = set(Due.objects.filter(fiscal_year=year).values_list("member_id", "kind"))
    before = Due.objects.aggregate(last=Max("pk"))["last"] or 0
    rows = list(members)
    if progress is not None:
        progress.total(len(rows))
    batch: list[Due] = []
    for index, (member_id, category_id, join_date) in enumerate(rows, start=1):
        schedule = schedules[category_id]
        for kind, amount, due_date in dues_for_member(join_date=join_date, schedule=schedule, year=year):
            if (member_id, kind) in existing:
                continue
            batch.append(
                Due(
                    member_id=member_id,
                    fiscal_year=year,
                    kind=kind,
                    amount=amount,
                    due_date=due_date,
                    schedule=schedule,
                )
            )
        if len(batch) >= BATCH or index == len(rows):
            if batch:
                Due.objects.bulk_create(batch, batch_size=BATCH, ignore_conflicts=True)
            if progress is not None:
                progress.advance(index - progress.done)
            batch = []
    new = Due.objects.filter(fiscal_year=year, pk__gt=before)
    created = new.count()
    if created and dues_settings().accrual:
        _accrue(actor=actor, year=year, dues=new)
    if created:
        credit_apply(actor=actor, member_ids=None)
    audit_record(
        actor=actor,
        action="finance.dues.generated",
        target=year,
        changes={"year": str(year), "created": created},
    )
    return created


def _accrue(*, actor, year: FiscalYear, dues) -> None:
    """Enter new dues as receivables: one entry for the lot (receivable / dues income by kind)."""
    from finance.models import Journal

    receivable = _account_by_codes(RECEIVABLE_CODES)
    if receivable is None:
        raise WaslError(_("The chart has no active account for members' dues receivable (3485)."))
    totals = {
        row["kind"]: row["total"] for row in dues.values("kind").annotate(total=Sum("amount")).order_by()
    }
    total = sum(totals.values(), ZERO)
    journal = Journal.objects.filter(kind=JournalKind.OPERATIONS, archived_at=None).order_by("code").first()
    if journal is None:
        raise WaslError(_("The books have no active operations journal."))
    day = max(year.start_date, min(timezone.localdate(), year.end_date))
    entry = entry_create(
        actor=actor,
        journal_id=journal.pk,
        date=day,
        label=_("Dues of %(year)s receivable") % {"year": year},
        lines=[LineInput(receivable.pk, debit=total)]
        + [LineInput(dues_account(kind).pk, credit=amount) for kind, amount in totals.items()],
        post=True,
    )
    dues.update(accrual_entry=entry)


def credit_apply(*, actor, member_ids=None) -> int:
    """Use the payers' credit (what their dues payments left over) on their open dues, oldest
    first. In accrual mode the credit sat in 4491 and now settles the receivable (one entry).
    Runs in the caller's transaction. Returns the number of allocations made."""
    credits = Payment.objects.select_for_update().filter(
        cancelled_at=None, credit_left__gt=0, payer_member__isnull=False
    )
    if member_ids is not None:
        credits = credits.filter(payer_member_id__in=member_ids)
    made = 0
    accrued = ZERO
    last_day = None
    for payment in credits.order_by("date", "pk"):
        dues = (
            Due.objects.select_for_update()
            .filter(member_id=payment.payer_member_id, waived_at=None, paid__lt=F("amount"))
            .order_by("due_date", "pk")
        )
        left = payment.credit_left
        for due in dues:
            if left <= 0:
                break
            part = min(left, due.balance)
            allocation, created = Allocation.objects.get_or_create(
                payment=payment, due=due, defaults={"amount": part}
            )
            if not created:
                Allocation.objects.filter(pk=allocation.pk).update(amount=F("amount") + part)
            Due.objects.filter(pk=due.pk).update(paid=F("paid") + part)
            if due.accrual_entry_id:
                accrued += part
                last_day = max(last_day or due.due_date, due.due_date)
            left -= part
            made += 1
        if left != payment.credit_left:
            payment.credit_left = left
            payment.save(update_fields=["credit_left"])
    if accrued > 0:
        receivable, advance = _account_by_codes(RECEIVABLE_CODES), _account_by_codes(ADVANCE_CODES)
        if receivable is not None and advance is not None:
            from finance.models import Journal

            journal = (
                Journal.objects.filter(kind=JournalKind.OPERATIONS, archived_at=None).order_by("code").first()
            )
            year = FiscalYear.objects.filter(
                start_date__lte=last_day, end_date__gte=last_day, status=YearStatus.OPEN
            ).first()
            if journal is not None and year is not None:
                entry_create(
                    actor=actor,
                    journal_id=journal.pk,
                    date=max(last_day, year.start_date),
                    label=_("Members' credit used for their dues"),
                    lines=[LineInput(advance.pk, debit=accrued), LineInput(receivable.pk, credit=accrued)],
                    post=True,
                )
    return made


@transaction.atomic
def due_waive(*, actor, due_id: int, reason: str) -> Due:
    """Waive a due (a reason is required and kept): nobody owes it and it accepts no payment. A
    due already partly paid is not waived (cancel the receipt first). In accrual mode the
    receivable is taken back out of the books."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise WaslError(_("Give the reason for the waiver."), field="reason")
    if len(reason) > 300:
        raise WaslError(_("Too long: %(limit)s characters at most.") % {"limit": 300}, field="reason")
    due = Due.objects.select_for_update().select_related("fiscal_year").filter(pk=due_id).first()
    if due is None:
        raise NotFound()
    if due.is_waived:
        raise WaslError(_("This due is already waived."))
    if due.paid > 0:
        raise WaslError(_("Part of this due was paid: cancel that receipt first, then waive the due."))
    if due.accrual_entry_id:
        receivable = _account_by_codes(RECEIVABLE_CODES)
        from finance.models import Journal

        journal = (
            Journal.objects.filter(kind=JournalKind.OPERATIONS, archived_at=None).order_by("code").first()
        )
        if receivable is None or journal is None:
            raise WaslError(_("The chart has no active account for members' dues receivable (3485)."))
        entry_create(
            actor=actor,
            journal_id=journal.pk,
            date=timezone.localdate(),
            label=_("Waiver of a due of %(year)s") % {"year": due.fiscal_year},
            lines=[
                LineInput(dues_account(due.kind).pk, debit=due.amount),
                LineInput(receivable.pk, credit=due.amount),
            ],
            post=True,
        )
    due.waived_at = timezone.now()
    due.waived_by = actor if getattr(actor, "pk", None) else None
    due.waived_reason = reason
    due.save(update_fields=["waived_at", "waived_by", "waived_reason"])
    audit_record(
        actor=actor,
        action="finance.due.waived",
        target=due,
        changes={"amount": f"{due.amount:.2f}", "reason": reason},
    )
    return due


def dues_generate_start(*, actor, role_kind: str | None, fiscal_year_id: int):
    """Start the generation job of a year's dues (checked first, so the page can say why not)."""
    from jobs.services import job_start

    year = _year(fiscal_year_id)
    if year.status == YearStatus.CLOSED:
        raise WaslError(_("The fiscal year %(year)s is closed.") % {"year": year}, field="fiscal_year")
    if not DuesSchedule.objects.filter(fiscal_year=year).exists():
        raise WaslError(
            _("Set the dues of this year for at least one member category first."), field="fiscal_year"
        )
    return job_start(actor=actor, role_kind=role_kind, kind=GENERATE_JOB, params={"fiscal_year_id": year.pk})
