"""Training figures for the ministry's view: counts and rates across every association, never a
person. Cells under SMALL_CELL are suppressed (None), so no figure points at a handful of people.

The ministry module (above training) will read these; it needs no training model of its own."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from associations.models import Association
from associations.tenancy import cross_tenant_read
from training.models import (
    ATTENDED,
    Attendance,
    AttendanceStatusOption,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    PlatformCourse,
    PlatformSession,
    Session,
)

SMALL_CELL = 5
AGE_BANDS = (
    (0, 17, "<18"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 49, "35-49"),
    (50, 64, "50-64"),
    (65, 200, "65+"),
)


def suppress(count: int) -> int | None:
    """A count small enough to identify people is not shown (None); zero stays zero."""
    return None if 0 < count < SMALL_CELL else count


def age_band(birth_date: date | None, today: date) -> str:
    if birth_date is None:
        return "unknown"
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "unknown")


@dataclass
class TrainingFigures:
    platform_courses: int = 0
    association_courses: int = 0
    platform_sessions: int = 0
    association_sessions: int = 0
    participants: int | None = 0  # distinct learners seated or completed
    by_sex: dict[str, int | None] = field(default_factory=dict)
    by_age_band: dict[str, int | None] = field(default_factory=dict)
    by_region: dict[str, int | None] = field(default_factory=dict)  # region code
    by_sector: dict[str, int | None] = field(default_factory=dict)  # ICNPO code
    attendance_rate: float | None = None  # share of recorded session days attended
    completion_rate: float | None = None  # completed / (seated + completed)
    certificates_issued: int | None = 0  # not revoked


def training_figures(*, today: date | None = None) -> TrainingFigures:
    """The sector's training at a glance, for the ministry's aggregate view (a handful of queries)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    figures = TrainingFigures(
        platform_courses=PlatformCourse.objects.filter(is_published=True).count(),
        platform_sessions=PlatformSession.objects.filter(is_cancelled=False).count(),
    )
    learning = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
    with cross_tenant_read(reason="aggregate training figures for the ministry (counts only)"):
        figures.association_courses = Course.objects.count()
        figures.association_sessions = Session.objects.filter(is_cancelled=False).count()
        learners = list(
            Enrolment.objects.filter(status__in=learning)
            .values_list(
                "association_id", "member_id", "participant_id", "member__gender", "member__birth_date"
            )
            .distinct()
        )
        by_status = dict(
            Enrolment.objects.filter(status__in=learning)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        # What counts as attended is each association's own setting, or the defaults without one.
        configured = AttendanceStatusOption.objects.filter(association_id=OuterRef("association_id"))
        counted = Q(Exists(configured.filter(code=OuterRef("status"), counts_as_attended=True))) | (
            Q(status__in=ATTENDED) & ~Q(Exists(configured))
        )
        attendance = Attendance.objects.aggregate(total=Count("id"), attended=Count("id", filter=counted))
        certificates = Certificate.objects.filter(revoked_at=None).count()
    # A person is a member, or an outside participant (whose sex and age are not asked: "unknown").
    people = {(a, (m, p)): (sex, born) for a, m, p, sex, born in learners}
    places = dict(
        Association.objects.filter(pk__in={a for a, _m in people}).values_list("pk", "region__code")
    )
    sectors = dict(
        Association.objects.filter(pk__in={a for a, _m in people}).values_list("pk", "sector__code")
    )
    figures.participants = suppress(len(people))
    figures.by_sex = {
        k: suppress(v) for k, v in Counter(sex or "unknown" for sex, _b in people.values()).items()
    }
    figures.by_age_band = {
        k: suppress(v) for k, v in Counter(age_band(born, today) for _s, born in people.values()).items()
    }
    figures.by_region = {k: suppress(v) for k, v in Counter(places[a] for a, _m in people).items()}
    figures.by_sector = {k: suppress(v) for k, v in Counter(sectors[a] for a, _m in people).items()}
    if attendance["total"] >= SMALL_CELL:
        figures.attendance_rate = round(attendance["attended"] / attendance["total"], 3)
    seated = by_status.get(EnrolmentStatus.ENROLLED, 0) + by_status.get(EnrolmentStatus.COMPLETED, 0)
    if seated >= SMALL_CELL:
        figures.completion_rate = round(by_status.get(EnrolmentStatus.COMPLETED, 0) / seated, 3)
    figures.certificates_issued = suppress(certificates)
    return figures
