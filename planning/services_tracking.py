"""Writes of the tracking of a project: its activities (dates, responsible member, status), its
indicators (unit rules), the measurements of an indicator (only added; a correction is a new row
naming the row it corrects) and the volunteer hours given to an activity.

Each service is atomic, validates everything before its first write (a refused input changes
nothing), reads related objects through the scoped managers (only the current association's rows
answer), and records one audit event. Volunteer hours are recorded and valued once by resources;
here they are only tied to an activity, never re-valued."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from members.models import Member, MemberStatus
from planning.models import (
    Activity,
    ActivityHours,
    ActivityStatus,
    Frequency,
    Indicator,
    IndicatorUnit,
    LogframeLevel,
    Measurement,
    Project,
)

CENT = Decimal("0.01")
MAX_VALUE = Decimal("999999999999.99")
EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 15
EVIDENCE_KINDS = {"pdf", "png", "jpeg", "webp"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

# Where a status may go by `activity_set_status`. Done and cancelled are final: only
# `activity_reopen` (a reason, audited) takes an activity out of them.
TRANSITIONS: dict[str, set[str]] = {
    ActivityStatus.PLANNED: {ActivityStatus.RUNNING, ActivityStatus.DONE, ActivityStatus.CANCELLED},
    ActivityStatus.RUNNING: {ActivityStatus.DONE, ActivityStatus.CANCELLED},
    ActivityStatus.DONE: set(),
    ActivityStatus.CANCELLED: set(),
}
FINAL = {ActivityStatus.DONE, ActivityStatus.CANCELLED}


# --- Checks ----------------------------------------------------------------------------------------


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _latest_allowed() -> date:
    return date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


def _check_date(value, *, field: str) -> date:
    if value in (None, ""):
        raise WaslError(_("Give the date."), field=field)
    if not isinstance(value, date):
        raise WaslError(_("Give a valid date."), field=field)
    if value < EARLIEST or value > _latest_allowed():
        raise WaslError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST.isoformat(), "last": _latest_allowed().isoformat()},
            field=field,
            code="out_of_range",
        )
    return value


def _check_choice(value, choices, *, field: str) -> str:
    if value not in choices.values:
        raise WaslError(_("Choose one of the offered values."), field=field)
    return value


def parse_amount(value, *, unit: str, field: str, required: bool = True) -> Decimal:
    """A value in an indicator's unit: at most two decimals; percent within 0–100; people and
    dirhams never negative; people whole."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WaslError(_("Give a number, e.g. 150.50."), field=field)
        return Decimal("0.00")
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise WaslError(_("Give a number, e.g. 150.50."), field=field) from None
    if not number.is_finite():
        raise WaslError(_("Give a number, e.g. 150.50."), field=field)
    if number != number.quantize(CENT):
        raise WaslError(_("Give at most %(places)d decimals.") % {"places": 2}, field=field, code="decimals")
    if abs(number) > MAX_VALUE:
        raise WaslError(_("This number is too large."), field=field, code="too_large")
    if unit == IndicatorUnit.PERCENT and not (0 <= number <= 100):
        raise WaslError(_("A percentage lies between 0 and 100."), field=field, code="percent_range")
    if unit in (IndicatorUnit.PEOPLE, IndicatorUnit.MAD) and number < 0:
        raise WaslError(_("This number cannot be negative."), field=field, code="negative")
    if unit == IndicatorUnit.PEOPLE and number != number.to_integral_value():
        raise WaslError(_("Give a whole number of people."), field=field, code="whole")
    return number.quantize(CENT)


def _project_or_error(planning_project_id) -> Project:
    project = Project.objects.filter(pk=planning_project_id).first() if planning_project_id else None
    if project is None:
        raise NotFound()
    return project


def _responsible_or_error(member_id, *, keep: Member | None = None) -> Member | None:
    """A member of the association, active; the one already responsible may stay whatever his status."""
    if not member_id:
        return None
    if keep is not None and str(keep.pk) == str(member_id):
        return keep
    try:
        member = Member.objects.filter(pk=int(member_id), status=MemberStatus.ACTIVE).first()
    except (TypeError, ValueError):
        member = None
    if member is None:
        raise WaslError(_("Choose an active member of the association."), field="responsible")
    return member


def _evidence(uploaded) -> tuple[str, str]:
    """Save an evidence file (PDF or image, checked by content and size) privately; (name, original)."""
    from documents.files import save_private_file, validate_upload

    if uploaded is None:
        return "", ""
    checked = validate_upload(uploaded, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES)
    uploaded.seek(0)
    content = uploaded.read()
    original = PurePath(uploaded.name or "evidence").name[:120]
    name = save_private_file("planning", f"evidence.{checked.kind}", content)
    return name, original or f"evidence.{checked.kind}"


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


# --- Activities ------------------------------------------------------------------------------------


@transaction.atomic
def activity_save(
    *,
    actor,
    activity_id: int | None = None,
    planning_project_id: int | None = None,
    title_ar: str = "",
    title_fr: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    responsible_id: int | None = None,
) -> Activity:
    """Add an activity to a project, or edit one (its title, dates and responsible member; the
    status moves only through `activity_set_status` and `activity_reopen`)."""
    activity = None
    if activity_id is not None:
        activity = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("responsible")
            .filter(pk=activity_id)
            .first()
        )
        if activity is None:
            raise NotFound()
        project = activity.project
    else:
        project = _project_or_error(planning_project_id)
    title_ar, title_fr = _text(title_ar, 200), _text(title_fr, 200)
    if not (title_ar or title_fr):
        raise WaslError(_("Give the title in Arabic or in French."), field="title_fr")
    starts_on = _check_date(starts_on, field="starts_on")
    ends_on = _check_date(ends_on, field="ends_on")
    if ends_on < starts_on:
        raise WaslError(_("The end date is before the start date."), field="ends_on", code="end_before_start")
    responsible = _responsible_or_error(responsible_id, keep=activity.responsible if activity else None)
    values = {
        "title_ar": title_ar,
        "title_fr": title_fr,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "responsible": responsible,
    }
    if activity is None:
        activity = Activity.objects.create(project=project, **values)
        action = "planning.activity.added"
    else:
        for key, item in values.items():
            setattr(activity, key, item)
        activity.save(update_fields=list(values))
        action = "planning.activity.updated"
    audit_record(
        actor=actor,
        action=action,
        target=activity,
        changes={
            "fields": sorted(values),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return activity


@transaction.atomic
def activity_set_status(*, actor, activity_id: int, status: str) -> Activity:
    """planned → running → done, or cancelled; done and cancelled are final (see `activity_reopen`)."""
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    status = _check_choice(status, ActivityStatus, field="status")
    before = activity.status
    if status == before:
        raise WaslError(_("The activity already has this status."), field="status", code="unchanged")
    if before in FINAL:
        raise WaslError(
            _("This activity is closed: reopen it first, giving the reason."), field="status", code="closed"
        )
    if status not in TRANSITIONS[before]:
        raise WaslError(
            _("An activity under way cannot go back to planned."), field="status", code="backwards"
        )
    if status in (ActivityStatus.RUNNING, ActivityStatus.DONE) and activity.starts_on > timezone.localdate():
        raise WaslError(
            _("This activity starts on %(day)s: it cannot be under way or done before then.")
            % {"day": activity.starts_on.isoformat()},
            field="status",
            code="not_started",
        )
    activity.status = status
    activity.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="planning.activity.status",
        target=activity,
        changes={"status": {"from": before, "to": status}},
    )
    return activity


@transaction.atomic
def activity_reopen(*, actor, activity_id: int, reason: str) -> Activity:
    """Take a done or cancelled activity back (under way if it has started, else planned)."""
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    if activity.status not in FINAL:
        raise WaslError(_("Only a done or cancelled activity can be reopened."), code="not_closed")
    reason = _text(reason, 300)
    if not reason:
        raise WaslError(_("Give the reason."), field="reason")
    before = activity.status
    started = activity.starts_on <= timezone.localdate()
    activity.status = ActivityStatus.RUNNING if started else ActivityStatus.PLANNED
    activity.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="planning.activity.reopened",
        target=activity,
        changes={"status": {"from": before, "to": activity.status}, "reason": reason},
    )
    return activity


# --- Indicators ------------------------------------------------------------------------------------


@transaction.atomic
def indicator_save(
    *,
    actor,
    indicator_id: int | None = None,
    planning_project_id: int | None = None,
    level: str = LogframeLevel.OUTPUT,
    name_ar: str = "",
    name_fr: str = "",
    unit: str = IndicatorUnit.NUMBER,
    baseline=None,
    target=None,
    frequency: str = Frequency.QUARTERLY,
    means_of_verification: str = "",
    assumptions: str = "",
) -> Indicator:
    """Add an indicator to a project, or edit one. An indicator already measured keeps its unit
    (its measurements would change meaning)."""
    indicator = None
    if indicator_id is not None:
        indicator = Indicator.objects.select_for_update().filter(pk=indicator_id).first()
        if indicator is None:
            raise NotFound()
        project = indicator.project
    else:
        project = _project_or_error(planning_project_id)
    name_ar, name_fr = _text(name_ar, 200), _text(name_fr, 200)
    if not (name_ar or name_fr):
        raise WaslError(_("Give the name in Arabic or in French."), field="name_fr")
    level = _check_choice(level, LogframeLevel, field="level")
    unit = _check_choice(unit, IndicatorUnit, field="unit")
    frequency = _check_choice(frequency, Frequency, field="frequency")
    if indicator is not None and unit != indicator.unit and indicator.measurements.exists():
        raise WaslError(
            _("This indicator has measurements: its unit cannot change."), field="unit", code="unit_locked"
        )
    baseline = parse_amount(baseline, unit=unit, field="baseline", required=False)
    target = parse_amount(target, unit=unit, field="target")
    values = {
        "level": level,
        "name_ar": name_ar,
        "name_fr": name_fr,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "frequency": frequency,
        "means_of_verification": _text(means_of_verification, 300),
        "assumptions": _text(assumptions, 300),
    }
    if indicator is None:
        indicator = Indicator.objects.create(project=project, **values)
        action = "planning.indicator.added"
    else:
        for key, item in values.items():
            setattr(indicator, key, item)
        indicator.save(update_fields=list(values))
        action = "planning.indicator.updated"
    audit_record(
        actor=actor,
        action=action,
        target=indicator,
        changes={"fields": sorted(values), "baseline": f"{baseline}", "target": f"{target}", "unit": unit},
    )
    return indicator


# --- Measurements (only added) ---------------------------------------------------------------------


def check_measured_on(value, *, field: str = "measured_on") -> date:
    day = _check_date(value, field=field)
    if day > timezone.localdate():
        raise WaslError(_("This date is in the future."), field=field, code="future")
    return day


@transaction.atomic
def measurement_add(
    *, actor, indicator_id: int, measured_on: date, value, note: str = "", evidence=None
) -> Measurement:
    """A value of the indicator on a date (not in the future), with an optional evidence file."""
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound()
    measured_on = check_measured_on(measured_on)
    amount = parse_amount(value, unit=indicator.unit, field="value")
    note = _text(note, 300)
    # The file is checked before anything is written, and saved last (a refusal leaves no file).
    evidence_file, evidence_name = _evidence(evidence)
    row = Measurement.objects.create(
        indicator=indicator,
        measured_on=measured_on,
        value=amount,
        note=note,
        evidence=evidence_file,
        evidence_name=evidence_name,
        recorded_by=_actor_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="planning.measurement.added",
        target=indicator,
        changes={"measurement": row.pk, "day": measured_on.isoformat(), "value": f"{amount}"},
    )
    return row


@transaction.atomic
def measurement_correct(
    *,
    actor,
    measurement_id: int,
    value,
    reason: str,
    measured_on: date | None = None,
    evidence=None,
) -> Measurement:
    """Correct a measurement by adding a new one that names it. The corrected row stays as it was
    (shown struck through in the history). A row is corrected once: to correct again, correct the
    correction. The reason is the correction's note and goes into the audit chain."""
    original = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("indicator")
        .filter(pk=measurement_id)
        .first()
    )
    if original is None:
        raise NotFound()
    if Measurement.objects.filter(corrects=original).exists():
        raise WaslError(
            _("This measurement is already corrected: correct the latest value instead."),
            code="already_corrected",
        )
    indicator = original.indicator
    measured_on = original.measured_on if measured_on in (None, "") else check_measured_on(measured_on)
    amount = parse_amount(value, unit=indicator.unit, field="value")
    reason = _text(reason, 300)
    if not reason:
        raise WaslError(_("Give the reason for the correction."), field="reason")
    if amount == original.value and measured_on == original.measured_on and evidence is None:
        raise WaslError(_("The correction changes nothing."), field="value", code="unchanged")
    evidence_file, evidence_name = _evidence(evidence)
    if not evidence_file:
        evidence_file, evidence_name = original.evidence, original.evidence_name
    try:
        with transaction.atomic():
            row = Measurement.objects.create(
                indicator=indicator,
                measured_on=measured_on,
                value=amount,
                note=reason,
                evidence=evidence_file,
                evidence_name=evidence_name,
                corrects=original,
                recorded_by=_actor_or_none(actor),
            )
    except IntegrityError:
        raise WaslError(
            _("This measurement is already corrected: correct the latest value instead."),
            code="already_corrected",
        ) from None
    audit_record(
        actor=actor,
        action="planning.measurement.corrected",
        target=indicator,
        changes={
            "measurement": original.pk,
            "correction": row.pk,
            "value": {"from": f"{original.value}", "to": f"{amount}"},
            "day": measured_on.isoformat(),
            "reason": reason,
        },
    )
    return row


# --- Volunteer hours given to an activity ----------------------------------------------------------


@transaction.atomic
def hours_link(*, actor, activity_id: int, hours_id) -> ActivityHours:
    """Tie volunteer hours already recorded (and valued once, by resources) to an activity.
    Hours go to one activity only; their value is never computed again here."""
    from resources.models import VolunteerHours

    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    if activity.status == ActivityStatus.CANCELLED:
        raise WaslError(_("This activity is cancelled."), field="hours", code="cancelled")
    try:
        hours = VolunteerHours.objects.filter(pk=int(hours_id)).first() if hours_id else None
    except (TypeError, ValueError):
        hours = None
    if hours is None:
        raise WaslError(_("Choose volunteer hours recorded in resources."), field="hours")
    if ActivityHours.objects.filter(hours=hours).exists():
        raise WaslError(_("These hours are already given to an activity."), field="hours", code="linked")
    try:
        with transaction.atomic():
            link = ActivityHours.objects.create(activity=activity, hours=hours)
    except IntegrityError:
        raise WaslError(
            _("These hours are already given to an activity."), field="hours", code="linked"
        ) from None
    audit_record(
        actor=actor,
        action="planning.hours.linked",
        target=activity,
        changes={"hours": f"{hours.hours}", "day": hours.date.isoformat(), "hours_row": hours.pk},
    )
    return link


@transaction.atomic
def hours_unlink(*, actor, activity_id: int, link_id) -> None:
    """Untie hours linked to the wrong activity (the hours themselves stay in resources)."""
    try:
        link = (
            ActivityHours.objects.select_for_update(of=("self",))
            .select_related("hours")
            .filter(pk=int(link_id), activity_id=activity_id)
            .first()
        )
    except (TypeError, ValueError):
        link = None
    if link is None:
        raise NotFound()
    activity = link.activity
    changes = {"hours": f"{link.hours.hours}", "day": link.hours.date.isoformat(), "hours_row": link.hours_id}
    link.delete()
    audit_record(actor=actor, action="planning.hours.unlinked", target=activity, changes=changes)
