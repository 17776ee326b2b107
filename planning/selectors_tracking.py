"""Reads of the tracking pages: a project's activities, the timeline, a project's indicators with
their latest value, an indicator's history with its chart, and volunteer hours given to activities.

Every list is a fixed number of queries, whatever its length (the pages' query pins hold it)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.utils import timezone

from planning.models import Activity, ActivityHours, ActivityStatus, Indicator, Measurement, Project

OPEN = (ActivityStatus.PLANNED, ActivityStatus.RUNNING)
TIMELINE_MONTHS = 12
TIMELINE_ROWS = 300


# --- Projects and activities -----------------------------------------------------------------------


def project_for_tracking(*, planning_project_id: int) -> Project | None:
    return Project.objects.select_related("finance_project").filter(pk=planning_project_id).first()


def project_choices():
    """Projects for the timeline's filter, with the finance project's name (one query)."""
    return Project.objects.select_related("finance_project").order_by("finance_project__code", "pk")


def project_activities(*, project: Project):
    """A project's activities with their responsible member and the volunteer hours given (one query)."""
    return (
        Activity.objects.filter(project=project)
        .select_related("responsible")
        .annotate(hours_total=Sum("hours_given__hours__hours"), hours_rows=Count("hours_given"))
        .order_by("starts_on", "pk")
    )


def activity_detail(*, activity_id: int) -> Activity | None:
    return (
        Activity.objects.select_related("project__finance_project", "responsible")
        .filter(pk=activity_id)
        .first()
    )


def is_overdue(activity: Activity, today: date | None = None) -> bool:
    return activity.status in OPEN and activity.ends_on < (today or timezone.localdate())


def overdue_count() -> int:
    """The home card: activities neither done nor cancelled whose end date has passed (one query,
    on the index (association, status, ends_on))."""
    return Activity.objects.filter(status__in=OPEN, ends_on__lt=timezone.localdate()).count()


def activity_hours(*, activity: Activity):
    """Hours given to the activity, with their volunteer (one query)."""
    return (
        ActivityHours.objects.filter(activity=activity)
        .select_related("hours__volunteer")
        .order_by("-hours__date")
    )


def linkable_hours(*, limit: int = 200):
    """Volunteer hours not yet given to any activity, latest first (one query)."""
    from resources.models import VolunteerHours

    linked = ActivityHours.objects.filter(hours=OuterRef("pk"))
    return (
        VolunteerHours.objects.filter(~Exists(linked))
        .select_related("volunteer")
        .order_by("-date", "-pk")[:limit]
    )


# --- Timeline --------------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass
class TimelineRow:
    activity: Activity
    column_start: int  # grid columns: 1 is the label, months start at 2
    column_end: int  # exclusive, as in CSS `grid-column: start / end`
    overdue: bool
    clipped_before: bool
    clipped_after: bool


@dataclass
class Timeline:
    first_month: date
    months: list[date]
    rows: list[TimelineRow] = field(default_factory=list)
    truncated: bool = False
    today_column: int | None = None

    @property
    def previous(self) -> date:
        return _add_months(self.first_month, -len(self.months))

    @property
    def next(self) -> date:
        return _add_months(self.first_month, len(self.months))

    @property
    def grid_columns(self) -> str:
        return f"minmax(8.5rem, 13rem) repeat({len(self.months)}, minmax(3.25rem, 1fr))"


def parse_month(value: str | None) -> date | None:
    """'2026-03' → 1 March 2026; anything else → None."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2200 and 1 <= month <= 12:
            return date(year, month, 1)
    except (TypeError, ValueError):
        pass
    return None


def timeline(*, first_month: date | None = None, project: Project | None = None) -> Timeline:
    """Activities overlapping a window of months, one grid row each, bars clipped to the window.
    One query whatever the number of rows (at most TIMELINE_ROWS rows are shown)."""
    today = timezone.localdate()
    first = first_month or _add_months(today.replace(day=1), -2)
    months = [_add_months(first, n) for n in range(TIMELINE_MONTHS)]
    after = _add_months(first, TIMELINE_MONTHS)
    last_day = date(
        months[-1].year, months[-1].month, calendar.monthrange(months[-1].year, months[-1].month)[1]
    )
    rows = Activity.objects.filter(starts_on__lte=last_day, ends_on__gte=first).select_related(
        "project__finance_project"
    )
    if project is not None:
        rows = rows.filter(project=project)
    found = list(rows.order_by("starts_on", "pk")[: TIMELINE_ROWS + 1])
    shown = Timeline(first_month=first, months=months, truncated=len(found) > TIMELINE_ROWS)
    base = _month_index(first)
    if first <= today < after:
        shown.today_column = 2 + _month_index(today) - base
    for activity in found[:TIMELINE_ROWS]:
        start = max(_month_index(activity.starts_on) - base, 0)
        end = min(_month_index(activity.ends_on) - base, TIMELINE_MONTHS - 1)
        shown.rows.append(
            TimelineRow(
                activity=activity,
                column_start=2 + start,
                column_end=3 + end,
                overdue=is_overdue(activity, today),
                clipped_before=activity.starts_on < first,
                clipped_after=activity.ends_on > last_day,
            )
        )
    return shown


# --- Indicators and measurements -------------------------------------------------------------------


def _current(indicator_ref: str = "pk"):
    """The latest measurement of an indicator that no correction replaced."""
    corrected = Measurement.objects.filter(corrects=OuterRef("pk"))
    return (
        Measurement.objects.filter(indicator=OuterRef(indicator_ref))
        .filter(~Exists(corrected))
        .order_by("-measured_on", "-pk")
    )


def project_indicators(*, project: Project):
    """A project's indicators with their latest (uncorrected) value and date (one query)."""
    latest = _current()
    return (
        Indicator.objects.filter(project=project)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
        )
        .order_by("level", "pk")
    )


def indicator_detail(*, indicator_id: int) -> Indicator | None:
    return Indicator.objects.select_related("project__finance_project").filter(pk=indicator_id).first()


def measurement_of(*, indicator: Indicator, measurement_id: int) -> Measurement | None:
    return Measurement.objects.filter(indicator=indicator, pk=measurement_id).first()


def is_corrected(measurement: Measurement) -> bool:
    return Measurement.objects.filter(corrects=measurement).exists()


def indicator_history(*, indicator: Indicator) -> list[Measurement]:
    """Every measurement of the indicator, corrections included, each marked `is_corrected` (one
    query). A corrected row stays in the history, shown struck through, beside its correction."""
    corrected = Measurement.objects.filter(corrects=OuterRef("pk"))
    return list(
        Measurement.objects.filter(indicator=indicator)
        .annotate(is_corrected=Exists(corrected))
        .select_related("recorded_by")
        .order_by("measured_on", "pk")
    )


def progress(value: Decimal | None, baseline: Decimal, target: Decimal) -> int | None:
    """How far from baseline to target a value is, in percent (may pass 100 or go below 0)."""
    if value is None or target == baseline:
        return None
    return int(((value - baseline) / (target - baseline) * 100).to_integral_value())


# The chart: the current values over time, with the baseline and the target as lines.
CHART_WIDTH, CHART_HEIGHT, PAD = 320, 160, 12


@dataclass(frozen=True)
class ChartPoint:
    x: int
    y: int
    measurement: Measurement
    progress: int | None


@dataclass(frozen=True)
class ProgressChart:
    points: list[ChartPoint]
    baseline_y: int
    target_y: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    @property
    def latest(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None


def progress_chart(*, indicator: Indicator, history: list[Measurement]) -> ProgressChart:
    """Server-side SVG coordinates (no query): the values that stand (not corrected), in date order."""
    current = [row for row in history if not row.is_corrected]
    values = [row.value for row in current] + [indicator.baseline, indicator.target]
    low, high = min([*values, Decimal(0)]), max(values)
    span = (high - low) or Decimal(1)
    inner_h = CHART_HEIGHT - 2 * PAD
    inner_w = CHART_WIDTH - 2 * PAD

    def y_of(value: Decimal) -> int:
        return int(PAD + inner_h - (value - low) / span * inner_h)

    count = len(current)
    points = [
        ChartPoint(
            x=int(PAD + (inner_w * index / (count - 1) if count > 1 else inner_w / 2)),
            y=y_of(row.value),
            measurement=row,
            progress=progress(row.value, indicator.baseline, indicator.target),
        )
        for index, row in enumerate(current)
    ]
    return ProgressChart(points=points, baseline_y=y_of(indicator.baseline), target_y=y_of(indicator.target))


def hours_totals(*, activity: Activity) -> dict:
    """Hours and their value (valued once, by resources) given to the activity (one query)."""
    totals = ActivityHours.objects.filter(activity=activity).aggregate(
        total_hours=Sum("hours__hours"), total_value=Sum("hours__value"), rows=Count("pk")
    )
    return {
        "hours": totals["total_hours"] or Decimal("0"),
        "value": totals["total_value"] or Decimal("0.00"),
        "rows": totals["rows"] or 0,
    }
