"""Reads for training: the public catalogue, an association's courses, sessions and enrolments,
a learner's own enrolments and certificates, and the aggregate figures for the ministry view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from associations.tenancy import cross_tenant_read
from associations.text import normalise_for_search
from training.models import (
    ACTIVE_ENROLMENT,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Evaluation,
    PlatformCourse,
    PlatformSession,
    PlatformSessionDate,
    Session,
    SessionDate,
)


@dataclass(frozen=True)
class CatalogueFilter:
    query: str = ""
    theme: str = ""
    format: str = ""
    region_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _filtered(courses: QuerySet, filters: CatalogueFilter, *, dates_path: str, region_path: str) -> QuerySet:
    """Every word of the query in the course's folded titles and descriptions (Arabic or Latin
    script, accents, harakat and letter variants ignored), then theme, format, region and dates."""
    for word in normalise_for_search(filters.query).split()[:8]:
        courses = courses.filter(search_text__contains=word)
    if filters.theme:
        courses = courses.filter(theme=filters.theme)
    if filters.format:
        courses = courses.filter(format=filters.format)
    session_conditions = Q()
    if filters.region_id:
        session_conditions &= Q(**{region_path: filters.region_id})
    if filters.date_from:
        session_conditions &= Q(**{f"{dates_path}__starts_at__date__gte": filters.date_from})
    if filters.date_to:
        session_conditions &= Q(**{f"{dates_path}__starts_at__date__lte": filters.date_to})
    if session_conditions:
        courses = courses.filter(session_conditions).distinct()
    return courses


def catalogue(filters: CatalogueFilter) -> QuerySet[PlatformCourse]:
    """The public catalogue: the platform's published courses (public rows, no association)."""
    courses = PlatformCourse.objects.filter(is_published=True)
    return _filtered(courses, filters, dates_path="sessions__dates", region_path="sessions__region_id")


def platform_course_by_token(*, token: str) -> PlatformCourse | None:
    return (
        PlatformCourse.objects.filter(public_token=token, is_published=True)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=PlatformSession.objects.filter(is_cancelled=False)
                .select_related("region")
                .prefetch_related("dates"),
            )
        )
        .first()
    )


def platform_session_open(*, platform_session_id: int) -> PlatformSession | None:
    return (
        PlatformSession.objects.filter(pk=platform_session_id, course__is_published=True, is_cancelled=False)
        .select_related("course", "region")
        .prefetch_related("dates")
        .first()
    )


def platform_sessions_open() -> QuerySet[PlatformSession]:
    """Sessions of published platform courses still taking enrolments, soonest first."""
    from django.db.models import Min
    from django.utils import timezone

    return (
        PlatformSession.objects.filter(course__is_published=True, is_cancelled=False)
        .exclude(enrolment_deadline__lt=timezone.now())
        .select_related("course")
        .annotate(first_day=Min("dates__starts_at"))
        .filter(first_day__gte=timezone.now())
        .order_by("first_day")
    )


def platform_courses_managed() -> QuerySet[PlatformCourse]:
    return PlatformCourse.objects.annotate(session_count=Count("sessions")).order_by("-created_at")


def platform_course_detail(*, course_id: int) -> PlatformCourse | None:
    return (
        PlatformCourse.objects.filter(pk=course_id)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=PlatformSession.objects.select_related("region").prefetch_related("dates"),
            )
        )
        .first()
    )


# --- An association's courses (inside its scope) --------------------------------------------------


def association_courses(filters: CatalogueFilter, *, include_unpublished: bool) -> QuerySet[Course]:
    courses = Course.objects.all()
    if not include_unpublished:
        courses = courses.filter(is_published=True)
    return _filtered(courses, filters, dates_path="sessions__dates", region_path="sessions__region_id")


def course_detail(*, course_id: int, include_unpublished: bool) -> Course | None:
    courses = Course.objects.filter(pk=course_id)
    if not include_unpublished:
        courses = courses.filter(is_published=True)
    return courses.prefetch_related(
        Prefetch("sessions", queryset=Session.objects.select_related("region").prefetch_related("dates"))
    ).first()


def session_detail(*, session_id: int) -> Session | None:
    return (
        Session.objects.filter(pk=session_id)
        .select_related("course", "region")
        .prefetch_related(Prefetch("dates", queryset=SessionDate.objects.order_by("starts_at")))
        .first()
    )


def session_enrolments(*, session=None, platform_session=None) -> QuerySet[Enrolment]:
    """This association's enrolments in one session, in arrival order."""
    kwargs = {"session": session} if session is not None else {"platform_session": platform_session}
    return (
        Enrolment.objects.filter(**kwargs)
        .select_related("member", "participant", "payment", "session")
        .order_by("position")
    )


def priced_enrolments(*, unpaid_only: bool = False) -> list[Enrolment]:
    """The association's enrolments in its priced sessions (cancelled ones left out), newest
    sessions first, each with its payment and receipt: what the treasurer collects. Two queries."""
    from finance.models import Receipt, ReceiptKind

    rows = list(
        Enrolment.objects.filter(session__price__gt=0)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("member", "participant", "payment", "session__course")
        .prefetch_related(
            Prefetch(
                "payment__receipts",
                queryset=Receipt.objects.filter(kind=ReceiptKind.RECEIPT).select_related("fiscal_year"),
                to_attr="receipts_issued",
            )
        )
        .order_by("-session__created_at", "position")
    )
    return [row for row in rows if row.payment_due] if unpaid_only else rows


def platform_sessions_used() -> QuerySet[PlatformSession]:
    """Platform sessions in which members of this association are enrolled."""
    ids = Enrolment.objects.filter(platform_session__isnull=False).values_list(
        "platform_session_id", flat=True
    )
    return (
        PlatformSession.objects.filter(pk__in=list(ids))
        .select_related("course")
        .prefetch_related("dates")
        .order_by("-created_at")
    )


def platform_session_detail(*, platform_session_id: int) -> PlatformSession | None:
    """A platform session as the current association's officers see it: only one in which some of
    its members are enrolled (the session's other learners belong to other associations)."""
    if not Enrolment.objects.filter(platform_session_id=platform_session_id).exists():
        return None
    return (
        PlatformSession.objects.filter(pk=platform_session_id)
        .select_related("course", "region")
        .prefetch_related(Prefetch("dates", queryset=PlatformSessionDate.objects.order_by("starts_at")))
        .first()
    )


def platform_session_managed(*, platform_session_id: int) -> PlatformSession | None:
    """A platform session as its training managers see it (public row, no association scope)."""
    return (
        PlatformSession.objects.filter(pk=platform_session_id)
        .select_related("course", "region")
        .prefetch_related(Prefetch("dates", queryset=PlatformSessionDate.objects.order_by("starts_at")))
        .first()
    )


def enrolment_detail(*, enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.filter(pk=enrolment_id)
        .select_related("member", "participant", "session__course", "platform_session__course", "payment")
        .first()
    )


def enrolment_history(*, enrolment: Enrolment) -> QuerySet[EnrolmentStatusChange]:
    return EnrolmentStatusChange.objects.filter(enrolment=enrolment).select_related("changed_by")


def member_enrolments(*, member) -> QuerySet[Enrolment]:
    """A learner's enrolments in this association, newest first."""
    return (
        Enrolment.objects.filter(member=member)
        .select_related("session__course", "platform_session__course")
        .prefetch_related("session__dates", "platform_session__dates")
        .order_by("-created_at")
    )


def member_active_session_ids(*, member) -> tuple[set[int], set[int]]:
    rows = Enrolment.objects.filter(member=member, status__in=ACTIVE_ENROLMENT).values_list(
        "session_id", "platform_session_id"
    )
    return {s for s, _ in rows if s}, {p for _, p in rows if p}


def member_certificates(*, member) -> QuerySet[Certificate]:
    return Certificate.objects.filter(member=member).select_related("course", "platform_course", "document")


def certificate_detail(*, certificate_id: int) -> Certificate | None:
    return (
        Certificate.objects.filter(pk=certificate_id)
        .select_related("member", "participant", "course", "platform_course", "document")
        .first()
    )


def certificates_of_course(*, course) -> QuerySet[Certificate]:
    return Certificate.objects.filter(course=course).select_related("member", "participant", "document")


def session_evaluation_summary(*, session=None, platform_session=None) -> dict:
    kwargs = (
        {"enrolment__session": session}
        if session is not None
        else {"enrolment__platform_session": platform_session}
    )
    rows = Evaluation.objects.filter(**kwargs).values_list("rating", flat=True)
    ratings = list(rows)
    return {
        "count": len(ratings),
        "average": round(sum(ratings) / len(ratings), 1) if ratings else None,
        "by_rating": {r: ratings.count(r) for r in range(5, 0, -1)},
    }


def waiting_count_of_member(*, member) -> int:
    return Enrolment.objects.filter(member=member, status=EnrolmentStatus.WAITLISTED).count()


# --- Across associations ----------------------------------------------------------------------------


def first_waiting_on_platform_session(*, platform_session_id: int) -> tuple[int, int] | None:
    """(association id, enrolment id) of the first person waiting for a seat of a platform session,
    whichever association they belong to: ids only, for the promotion to act in that association's
    own scope. Called with the session's row locked, so the answer cannot go stale."""
    with cross_tenant_read(reason="the first learner waiting for a freed seat of a platform session"):
        return (
            Enrolment.objects.filter(
                platform_session_id=platform_session_id, status=EnrolmentStatus.WAITLISTED
            )
            .order_by("position")
            .values_list("association_id", "pk")
            .first()
        )


def enrollable_members():
    """Active members an officer may enrol, by number."""
    from members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, anonymised_at=None).order_by("number", "pk")


@dataclass(frozen=True)
class AttendanceRow:
    enrolment: Enrolment
    status: str  # the day's status, "" when not taken yet


def attendance_rows(*, day, query: str = "", session=None, platform_session=None) -> list[AttendanceRow]:
    """The enrolled learners of a session with their status on `day`, found by name in either script
    (folded in Python: a session has at most a few hundred learners)."""
    from training.models import Attendance

    kwargs = {"session": session} if session is not None else {"platform_session": platform_session}
    enrolments = list(
        Enrolment.objects.filter(status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED), **kwargs)
        .select_related("member", "participant")
        .order_by("position")
    )
    words = normalise_for_search(query).split()
    if words:
        enrolments = [
            e
            for e in enrolments
            if all(w in normalise_for_search(f"{e.learner.name_ar} {e.learner.name_latin}") for w in words)
        ]
    taken = (
        dict(
            Attendance.objects.filter(enrolment__in=[e.pk for e in enrolments], day=day).values_list(
                "enrolment_id", "status"
            )
        )
        if day
        else {}
    )
    return [AttendanceRow(e, taken.get(e.pk, "")) for e in enrolments]


def association_figures() -> dict[str, int]:
    """The association's training at a glance (home card and next action): one query, four counts
    as subqueries of the association's own row (each built in the scope, so filtered by it)."""
    from django.db.models import IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    from associations.models import Association
    from associations.tenancy import current_association_id

    def count(queryset) -> Coalesce:
        counted = queryset.order_by().values("association_id").annotate(n=Count("id")).values("n")[:1]
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return (
        Association.objects.filter(pk=current_association_id())
        .annotate(
            courses=count(Course.objects.all()),
            enrolled=count(Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED)),
            waitlisted=count(Enrolment.objects.filter(status=EnrolmentStatus.WAITLISTED)),
            certificates=count(Certificate.objects.filter(revoked_at=None)),
        )
        .values("courses", "enrolled", "waitlisted", "certificates")
        .get()
    )


def active_enrolment_counts_of(*, user, association_ids) -> dict[int, int]:
    """For /me/: the person's own enrolments (seated or waiting) in each association, one query."""
    if not user.is_authenticated:
        return {}
    with cross_tenant_read(reason="a person's own enrolments across associations (/me/)"):
        rows = list(
            Enrolment.objects.filter(
                member__user=user,
                association_id__in=list(association_ids),
                status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED),
            )
            .values_list("association_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    return dict(rows)


def progress_of(*, enrolment: Enrolment) -> dict:
    """Where a learner stands in one enrolment: attendance, lessons done, certificate."""
    from training.services import attendance_rate

    course = enrolment.the_session.course
    course_kwargs = {"platform_course": course} if enrolment.is_platform else {"course": course}
    certificate = (
        Certificate.objects.filter(
            member_id=enrolment.member_id,
            participant_id=enrolment.participant_id,
            revoked_at=None,
            **course_kwargs,
        )
        .select_related("document")
        .first()
    )
    done, total = lessons_done_of(enrolment=enrolment)
    return {
        "enrolment": enrolment.pk,
        "status": enrolment.status,
        "attendance_percent": attendance_rate(enrolment),
        "lessons_done": done,
        "lessons_total": total,
        "certificate": certificate.document.token if certificate else None,
    }


def lessons_done_of(*, enrolment: Enrolment) -> tuple[int, int]:
    """(lessons done, lessons in the course) for an enrolment, whichever the provider."""
    from training.models import Lesson, LessonProgress, PlatformLesson

    if enrolment.is_platform:
        total = PlatformLesson.objects.filter(module__course_id=enrolment.platform_session.course_id).count()
    else:
        total = Lesson.objects.filter(module__course_id=enrolment.session.course_id).count()
    done = LessonProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).count()
    return done, total


def course_content(*, course):
    """The course's modules with their lessons, in order (two queries), whichever the provider."""
    from training.models import Lesson, Module, PlatformCourse, PlatformLesson, PlatformModule

    platform = isinstance(course, PlatformCourse)
    modules, lessons = (PlatformModule, PlatformLesson) if platform else (Module, Lesson)
    return modules.objects.filter(course=course).prefetch_related(
        Prefetch("lessons", queryset=lessons.objects.order_by("position", "pk"))
    )


def lesson_detail(*, lesson_id: int, platform: bool = False):
    from training.models import Lesson, PlatformLesson

    return (
        (PlatformLesson if platform else Lesson)
        .objects.filter(pk=lesson_id)
        .select_related("module__course")
        .prefetch_related("questions__choices")
        .first()
    )


def learner_progress(*, enrolment: Enrolment) -> dict:
    """Lessons done, the lesson to resume from (the last one opened), and quiz attempts by lesson."""
    from training.models import LessonProgress, QuizAttempt

    rows = list(LessonProgress.objects.filter(enrolment=enrolment).order_by("-opened_at"))
    attempts: dict[int, list] = {}
    for attempt in QuizAttempt.objects.filter(enrolment=enrolment).order_by("number"):
        attempts.setdefault(attempt.the_lesson_id, []).append(attempt)
    return {
        "done": {row.the_lesson_id for row in rows if row.done_at},
        "resume_lesson_id": rows[0].the_lesson_id if rows else None,
        "attempts": attempts,
    }


def session_invitations(*, session):
    """The outside participants invited to a session, newest first, with the enrolment they took."""
    from training.models import CourseInvitation

    return CourseInvitation.objects.filter(session=session).select_related("participant", "enrolment")


def course_invitation_detail(*, invitation_id: int):
    from training.models import CourseInvitation

    return (
        CourseInvitation.objects.filter(pk=invitation_id)
        .select_related("participant", "session__course", "enrolment")
        .first()
    )


def participant_last_invitation(*, participant_id: int):
    """The latest invitation of an outside participant of this association (None: not one of ours)."""
    from training.models import CourseInvitation

    return CourseInvitation.objects.filter(participant_id=participant_id).order_by("-created_at").first()


def participant_enrolments(*, participant) -> list[Enrolment]:
    """An outside participant's own enrolments (theirs only), newest first, with their sessions."""
    return list(
        Enrolment.objects.filter(participant=participant)
        .select_related("session__course", "payment")
        .prefetch_related("session__dates")
        .order_by("-created_at")
    )


def participant_certificates(*, participant):
    from training.models import Certificate

    return list(
        Certificate.objects.filter(participant=participant)
        .select_related("course", "document")
        .order_by("-issued_at")
    )


@dataclass(frozen=True)
class StatusChoice:
    code: str
    label: str
    counts_as_attended: bool
    is_active: bool = True


def attendance_statuses(*, include_retired: bool = False) -> list[StatusChoice]:
    """The association's attendance statuses in order, in the reader's language: its own when it
    configured them, else the four defaults (present and late count as attended)."""
    from training.models import ATTENDED, AttendanceStatus, AttendanceStatusOption

    rows = list(AttendanceStatusOption.objects.all())
    if not rows:
        return [StatusChoice(code, str(label), code in ATTENDED) for code, label in AttendanceStatus.choices]
    return [
        StatusChoice(row.code, str(row), row.counts_as_attended, row.is_active)
        for row in rows
        if include_retired or row.is_active
    ]


def attendance_status_values(*, code: str) -> dict | None:
    """One status's values in both languages, to fill the form that changes it (None if unknown)."""
    from django.utils import translation

    from training.models import ATTENDED, AttendanceStatus, AttendanceStatusOption

    row = AttendanceStatusOption.objects.filter(code=code).first()
    if row is not None:
        return {
            "code": row.code,
            "label_ar": row.label_ar,
            "label_fr": row.label_fr,
            "counts_as_attended": row.counts_as_attended,
            "is_active": row.is_active,
        }
    if AttendanceStatusOption.objects.exists() or code not in AttendanceStatus.values:
        return None
    label = AttendanceStatus(code).label
    with translation.override("ar"):
        label_ar = str(label)
    with translation.override("fr"):
        label_fr = str(label)
    return {
        "code": code,
        "label_ar": label_ar,
        "label_fr": label_fr,
        "counts_as_attended": code in ATTENDED,
        "is_active": True,
    }


def attended_codes() -> set[str]:
    """Codes that count as attended, retired ones included (recorded attendance keeps its meaning)."""
    return {s.code for s in attendance_statuses(include_retired=True) if s.counts_as_attended}


def attendance_by_enrolment_and_day(*, enrolments) -> dict:
    """{(enrolment id, day): status code} for the given enrolments (one query)."""
    from training.models import Attendance

    rows = Attendance.objects.filter(enrolment__in=[e.pk for e in enrolments]).values_list(
        "enrolment_id", "day", "status"
    )
    return {(enrolment_id, day): status for enrolment_id, day, status in rows}
