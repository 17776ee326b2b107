"""Writes for training: courses and sessions of both providers, enrolment with a waitlist,
attendance, completion and certificates.

Capacity holds under concurrency because every change of a session's seats happens under a lock
on the session's row (`select_for_update`): the seats taken and the arrival counter live on that
row, so twenty people enrolling at once into ten seats are served one after the other, in the order
they reached the lock. A platform session's row is global (it belongs to no association), so the
same lock serialises learners of every association.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.links import absolute_url
from associations.models import Association
from associations.tenancy import association_scope, current_association_id
from associations.text import normalise_for_search, strip_bidi_controls
from members.models import Member, MemberStatus
from training import selectors
from training.models import (
    ACTIVE_ENROLMENT,
    ATTENDED,
    Attendance,
    AttendanceStatus,
    AttendanceStatusOption,
    Certificate,
    Course,
    CourseInvitation,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Evaluation,
    Participant,
    PlatformCourse,
    PlatformSession,
    PlatformSessionDate,
    Session,
    SessionDate,
)

COURSE_FIELDS = (
    "title_ar",
    "title_fr",
    "description_ar",
    "description_fr",
    "theme",
    "audience",
    "format",
    "duration_hours",
    "is_published",
    "min_attendance_percent",
    "lessons_required",
    "quizzes_required",
)
SESSION_FIELDS = (
    "capacity",
    "waitlist_enabled",
    "enrolment_deadline",
    "place",
    "link",
    "region",
    "trainers",
    "price",
)


def course_search_text(course) -> str:
    parts = [course.title_ar, course.title_fr, course.description_ar, course.description_fr]
    return " " + normalise_for_search(" ".join(p for p in parts if p)) + " "


def _apply_course_values(course, values: dict) -> list[str]:
    for name in COURSE_FIELDS:
        if name in values:
            value = values[name]
            setattr(course, name, strip_bidi_controls(value).strip() if isinstance(value, str) else value)
    if not (course.title_ar and course.title_fr):
        raise WaslError(_("A course needs a title in Arabic and in French."), field="title_fr")
    course.search_text = course_search_text(course)
    return [*COURSE_FIELDS, "search_text", "updated_at"]


def _require_training_manager(actor) -> None:
    if not getattr(actor, "is_training_manager", False):
        raise WaslError(_("Only the platform's training managers may do this."), code="forbidden")


# --- Courses and sessions ------------------------------------------------------------------------


@transaction.atomic
def course_save(*, actor, course_id: int | None = None, **values) -> Course:
    """Create or edit one of the association's own courses."""
    if course_id is None:
        course = Course(created_by=actor)
    else:
        course = Course.objects.select_for_update().filter(pk=course_id).first()
        if course is None:
            raise NotFound()
    fields = _apply_course_values(course, values)
    created = course.pk is None
    course.save() if created else course.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="training.course.created" if created else "training.course.updated",
        target=course,
        changes={"fields": sorted(k for k in values if k in COURSE_FIELDS)},
    )
    return course


@transaction.atomic
def platform_course_save(*, actor, course_id: int | None = None, **values) -> PlatformCourse:
    """Create or edit a platform course (training managers only). Platform courses belong to no
    association, so they have no audit chain: who created one is on the row."""
    _require_training_manager(actor)
    if course_id is None:
        course = PlatformCourse(created_by=actor)
    else:
        course = PlatformCourse.objects.select_for_update().filter(pk=course_id).first()
        if course is None:
            raise NotFound()
    fields = _apply_course_values(course, values)
    course.save() if course.pk is None else course.save(update_fields=fields)
    return course


def _clean_dates(dates: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    if not dates:
        raise WaslError(_("A session needs at least one date."), field="dates")
    for starts_at, ends_at in dates:
        if ends_at <= starts_at:
            raise WaslError(_("A session date must end after it starts."), field="dates")
    return sorted(dates)


def _apply_session_values(session, values: dict) -> None:
    for name in SESSION_FIELDS:
        if name in values:
            value = values[name]
            setattr(session, name, strip_bidi_controls(value).strip() if isinstance(value, str) else value)
    if session.capacity is None or session.capacity < 1:
        raise WaslError(_("A session needs at least one seat."), field="capacity")
    if session.capacity < session.enrolled_count:
        raise WaslError(
            _("%(count)s people are already enrolled: the session cannot have fewer seats.")
            % {"count": session.enrolled_count},
            field="capacity",
        )


@transaction.atomic
def session_save(
    *, actor, course_id: int, dates: list[tuple[datetime, datetime]], session_id: int | None = None, **values
) -> Session:
    """Create or edit a session of one of the association's courses, with its dates."""
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    dates = _clean_dates(dates)
    if session_id is None:
        session = Session(course=course)
    else:
        session = Session.objects.select_for_update().filter(pk=session_id, course=course).first()
        if session is None:
            raise NotFound()
    _apply_session_values(session, values)
    if "payment_required" in values:
        session.payment_required = bool(values["payment_required"])
    session.save()
    SessionDate.objects.filter(session=session).delete()
    SessionDate.objects.bulk_create([SessionDate(session=session, starts_at=s, ends_at=e) for s, e in dates])
    audit_record(
        actor=actor,
        action="training.session.saved",
        target=course,
        changes={"session": session.pk, "capacity": session.capacity},
    )
    return session


@transaction.atomic
def platform_session_save(
    *, actor, course_id: int, dates: list[tuple[datetime, datetime]], session_id: int | None = None, **values
) -> PlatformSession:
    _require_training_manager(actor)
    course = PlatformCourse.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    dates = _clean_dates(dates)
    if session_id is None:
        session = PlatformSession(course=course)
    else:
        session = PlatformSession.objects.select_for_update().filter(pk=session_id, course=course).first()
        if session is None:
            raise NotFound()
    _apply_session_values(session, values)
    session.save()
    session.dates.all().delete()
    PlatformSessionDate.objects.bulk_create(
        [PlatformSessionDate(session=session, starts_at=s, ends_at=e) for s, e in dates]
    )
    return session


# --- Enrolment -----------------------------------------------------------------------------------


def _locked_session(*, session_id: int | None, platform_session_id: int | None):
    """The session's row, locked: every change of its seats is made under this lock."""
    if (session_id is None) == (platform_session_id is None):
        raise NotFound()
    if session_id is not None:
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("course")
            .filter(pk=session_id)
            .first()
        )
    else:
        session = (
            PlatformSession.objects.select_for_update(of=("self",))
            .select_related("course")
            .filter(pk=platform_session_id)
            .first()
        )
    if session is None:
        raise NotFound()
    return session


def _record_status(enrolment: Enrolment, *, from_status: str, actor, reason: str = "") -> None:
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status=from_status,
        to_status=enrolment.status,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:200],
    )


def _session_kwargs(session) -> dict:
    return {"platform_session": session} if isinstance(session, PlatformSession) else {"session": session}


@transaction.atomic
def enrolment_create(
    *, actor, member_id: int, session_id: int | None = None, platform_session_id: int | None = None
) -> Enrolment:
    """Enrol a member of the current association: a seat if one is free, else the waiting list
    (when the session keeps one). Refused, with nothing changed: past the deadline, twice, into a
    full session without a waiting list, into an unpublished course or a cancelled session."""
    session = _locked_session(session_id=session_id, platform_session_id=platform_session_id)
    _check_open(session)
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    if member.status != MemberStatus.ACTIVE:
        raise WaslError(_("Only an active member can be enrolled."), field="member", code="inactive")
    return _seat(actor=actor, session=session, member=member)


def _check_open(session) -> None:
    if not session.course.is_published or session.is_cancelled:
        raise WaslError(_("This session is not open for enrolment."), code="closed")
    if session.enrolment_deadline is not None and timezone.now() > session.enrolment_deadline:
        raise WaslError(_("The enrolment deadline for this session has passed."), code="deadline")


def _seat(
    *, actor, session, member: Member | None = None, participant: Participant | None = None
) -> Enrolment:
    """A seat, or a place on the waiting list, for a member or an outside participant: the same
    counters under the session row's lock, so both count alike in capacity and waiting list."""
    learner = {"member": member} if member is not None else {"participant": participant}
    already = Enrolment.objects.filter(status__in=ACTIVE_ENROLMENT, **learner, **_session_kwargs(session))
    if already.exists():
        raise WaslError(
            _("This person is already enrolled in this session."), field="member", code="duplicate"
        )
    if session.enrolled_count >= session.capacity:
        if not session.waitlist_enabled:
            raise WaslError(_("This session is full and keeps no waiting list."), code="full")
        status = EnrolmentStatus.WAITLISTED
    else:
        status = EnrolmentStatus.ENROLLED
        session.enrolled_count += 1
    session.last_position += 1
    session.save(update_fields=["enrolled_count", "last_position"])
    enrolment = Enrolment.objects.create(
        **learner,
        status=status,
        position=session.last_position,
        enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_session_kwargs(session),
    )
    _record_status(enrolment, from_status="", actor=actor)
    audit_record(
        actor=actor,
        action="training.enrolment.created",
        target=enrolment,
        changes={
            "status": status,
            "session": session.pk,
            "platform": enrolment.is_platform,
            **({"participant": participant.pk} if participant is not None else {}),
        },
    )
    return enrolment


# --- Outside participants, by invitation --------------------------------------------------------

INVITATION_DAYS = 14


@transaction.atomic
def course_invitation_create(
    *,
    actor,
    session_id: int,
    full_name: str,
    phone: str = "",
    email: str = "",
    days_valid: int = INVITATION_DAYS,
) -> tuple[CourseInvitation, str]:
    """Invite a person who is not a member to a session of the association's own course. Returns the
    invitation and its raw token (shown once to the officer, and sent by e-mail or SMS)."""
    from associations.services import hash_secret

    session = Session.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    _check_open(session)
    full_name = strip_bidi_controls(full_name or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    if not full_name:
        raise WaslError(_("Give the invited person's name."), field="full_name")
    if not (phone or email):
        raise WaslError(
            _("Give a phone number or an e-mail address to send the invitation to."), field="phone"
        )
    if not 1 <= days_valid <= 60:
        raise WaslError(_("An invitation is valid for 1 to 60 days."), field="days_valid")
    participant = Participant.objects.create(full_name=full_name[:200], phone=phone[:30], email=email)
    raw = secrets.token_urlsafe(32)
    invitation = CourseInvitation.objects.create(
        session=session,
        participant=participant,
        token_hash=hash_secret(raw),
        expires_at=timezone.now() + timedelta(days=days_valid),
        invited_by=actor,
    )
    audit_record(
        actor=actor,
        action="training.invitation.created",
        target=session.course,
        changes={"session": session.pk, "invitation": invitation.pk},
    )
    association = Association.objects.get(pk=current_association_id())
    link = absolute_url(
        reverse(
            "training_public:join", kwargs={"association_slug": association.slug, "invitation_token": raw}
        )
    )
    # The outbox row is written in this transaction (the outbox sends after commit).
    _tell_member(
        participant,
        template_key="training.invited",
        dedup_key=f"training:invited:{invitation.pk}",
        context={
            "course_title_ar": session.course.title_ar,
            "course_title_fr": session.course.title_fr,
            "link": link,
        },
    )
    return invitation, raw


def course_invitation_for_token(*, raw_token: str, lock: bool = False) -> CourseInvitation:
    """The invitation behind a link in the current association: NotFound for an unknown token, a
    translated refusal for one already used or expired."""
    from associations.services import hash_secret

    found = CourseInvitation.objects.filter(token_hash=hash_secret(raw_token or ""))
    if lock:
        found = found.select_for_update(of=("self",))
    invitation = found.select_related("session__course", "participant").first()
    if invitation is None:
        raise NotFound(_("This invitation does not exist."))
    if invitation.withdrawn_at is not None:
        raise WaslError(_("This invitation was withdrawn by the association."), code="invitation_withdrawn")
    if invitation.used_at is not None:
        raise WaslError(_("This invitation has already been used."), code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise WaslError(
            _("This invitation has expired. Ask the association for a new one."), code="invitation_expired"
        )
    return invitation


@transaction.atomic
def course_invitation_accept(*, raw_token: str) -> Enrolment:
    """The invited person takes their place through the link: a seat, or the waiting list, like a
    member. The link then serves no more (the invitation row's lock makes a second use wait, then
    fail)."""
    invitation = course_invitation_for_token(raw_token=raw_token, lock=True)
    session = _locked_session(session_id=invitation.session_id, platform_session_id=None)
    _check_open(session)
    enrolment = _seat(actor=None, session=session, participant=invitation.participant)
    invitation.used_at = timezone.now()
    invitation.enrolment = enrolment
    invitation.save(update_fields=["used_at", "enrolment"])
    return enrolment


@transaction.atomic
def course_invitation_withdraw(*, actor, invitation_id: int) -> CourseInvitation:
    """Withdraw an invitation not used yet: its link serves no more (a translated refusal), the row
    and its participant stay in the history. A used one is refused: cancel the enrolment instead."""
    invitation = (
        CourseInvitation.objects.select_for_update(of=("self",))
        .select_related("session__course")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFound()
    if invitation.withdrawn_at is not None:
        raise WaslError(_("This invitation is already withdrawn."), code="invitation_withdrawn")
    if invitation.used_at is not None:
        raise WaslError(
            _("This invitation was used: cancel the enrolment it took instead."), code="invitation_used"
        )
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = actor
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action="training.invitation.withdrawn",
        target=invitation.session.course,
        changes={"session": invitation.session_id, "invitation": invitation.pk},
    )
    return invitation


# --- An outside participant's own page, by a signed, expiring link ------------------------------

PARTICIPANT_LINK_SALT = "training.participant-page"
PARTICIPANT_LINK_DAYS = 30


def participant_page_token(participant: Participant) -> str:
    """A signed, timestamped token naming one participant of one association (nothing secret in
    it: the signature is the key; it expires after PARTICIPANT_LINK_DAYS)."""
    from django.core import signing

    return signing.dumps({"a": participant.association_id, "p": participant.pk}, salt=PARTICIPANT_LINK_SALT)


def participant_for_page_token(*, token: str, association_id: int) -> Participant:
    """The participant a link names, in the current association: NotFound for a tampered token or
    another association's, a translated refusal for an expired one."""
    from django.core import signing

    try:
        data = signing.loads(
            token or "", salt=PARTICIPANT_LINK_SALT, max_age=timedelta(days=PARTICIPANT_LINK_DAYS)
        )
    except signing.SignatureExpired:
        raise WaslError(
            _("This link has expired. Ask the association to send you a new one."), code="link_expired"
        ) from None
    except signing.BadSignature:
        raise NotFound() from None
    if not isinstance(data, dict) or data.get("a") != association_id or not isinstance(data.get("p"), int):
        raise NotFound()
    participant = Participant.objects.filter(pk=data["p"]).first()
    if participant is None:
        raise NotFound()
    return participant


def participant_page_url(participant: Participant) -> str:
    association = Association.objects.only("slug").get(pk=participant.association_id)
    return absolute_url(
        reverse(
            "training_public:participant",
            kwargs={
                "association_slug": association.slug,
                "participant_token": participant_page_token(participant),
            },
        )
    )


def participant_page_send(*, actor, participant_id: int) -> bool:
    """Send an outside participant the link to their own page (enrolments, certificates) through the
    outbox, by e-mail or SMS. False when they gave neither address."""
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound()
    if not (participant.email or participant.phone):
        return False
    _tell_member(
        participant,
        template_key="training.participant_page",
        dedup_key=f"training:participant-page:{participant.pk}:{secrets.token_hex(6)}",
        context={"link": participant_page_url(participant), "days": PARTICIPANT_LINK_DAYS},
    )
    audit_record(
        actor=actor,
        action="training.participant.page_sent",
        target=participant,
        changes={"participant": participant.pk},
    )
    return True


@transaction.atomic
def enrolment_cancel(*, actor, enrolment_id: int, reason: str = "") -> Enrolment:
    """Cancel an enrolment (kept, with its history). A seat freed goes to the first person waiting."""
    found = Enrolment.objects.filter(pk=enrolment_id).values("session_id", "platform_session_id").first()
    if found is None:
        raise NotFound()
    session = _locked_session(
        session_id=found["session_id"], platform_session_id=found["platform_session_id"]
    )
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
        raise WaslError(_("Only an enrolment or a place on the waiting list can be cancelled."), code="final")
    previous = enrolment.status
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status", "updated_at"])
    _record_status(enrolment, from_status=previous, actor=actor, reason=reason)
    audit_record(
        actor=actor, action="training.enrolment.cancelled", target=enrolment, changes={"was": previous}
    )
    if previous == EnrolmentStatus.ENROLLED:
        session.enrolled_count -= 1
        session.save(update_fields=["enrolled_count"])
        _promote_first_waiting(session)
    return enrolment


def _promote_first_waiting(session) -> Enrolment | None:
    """Give the freed seat (session locked by the caller) to the first person waiting, and tell them."""
    if session.enrolled_count >= session.capacity:
        return None
    if isinstance(session, PlatformSession):
        # The first waiting learner may belong to another association: found by id, promoted in
        # that association's own scope.
        waiting = selectors.first_waiting_on_platform_session(platform_session_id=session.pk)
        if waiting is None:
            return None
        association_id, enrolment_id = waiting
        with association_scope(association_id):
            return _promote(session, enrolment_id)
    first = (
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED)
        .order_by("position")
        .values_list("pk", flat=True)
        .first()
    )
    return None if first is None else _promote(session, first)


def _promote(session, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("member", "participant")
        .get(pk=enrolment_id)
    )
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.save(update_fields=["status", "updated_at"])
    session.enrolled_count += 1
    session.save(update_fields=["enrolled_count"])
    _record_status(enrolment, from_status=EnrolmentStatus.WAITLISTED, actor=None, reason="promoted")
    audit_record(actor=None, action="training.enrolment.promoted", target=enrolment, changes={})
    _tell_member(
        enrolment.learner,
        template_key="training.promoted",
        dedup_key=f"training:promoted:{enrolment.pk}",
        context={"course_title_ar": session.course.title_ar, "course_title_fr": session.course.title_fr},
    )
    return enrolment


def _tell_member(member: Member | Participant, *, template_key: str, dedup_key: str, context: dict) -> None:
    """Queue a message to a member through the outbox: by e-mail, else by SMS, else not at all."""
    from notifications.services import message_enqueue

    if not (member.email or member.phone):
        return
    association = Association.objects.get(pk=member.association_id)
    message_enqueue(
        channel="email" if member.email else "sms",
        to_address=member.email or member.phone,
        template_key=template_key,
        dedup_key=dedup_key,
        context={
            "association_name_ar": association.name_ar,
            "association_name_fr": association.name_fr,
            **context,
        },
        language=translation.get_language() or settings.LANGUAGE_CODE,
        recipient_name=member.display_name,
    )


# --- Attendance, completion and certificates ----------------------------------------------------


@transaction.atomic
def attendance_status_save(
    *, actor, code: str, label_ar: str, label_fr: str, counts_as_attended: bool, is_active: bool = True
) -> AttendanceStatusOption:
    """Add or change one of the association's attendance statuses. The first change writes the four
    defaults first, so the association's list starts from them. A status is retired, never deleted,
    and at least one offered status must count as attended."""
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9_-]{1,20}", code):
        raise WaslError(_("A code is 1 to 20 letters, digits, - or _ (no spaces)."), field="code")
    label_ar, label_fr = (
        strip_bidi_controls(label_ar or "").strip(),
        strip_bidi_controls(label_fr or "").strip(),
    )
    if not (label_ar and label_fr):
        raise WaslError(_("A status needs a label in Arabic and in French."), field="label_fr")
    if not AttendanceStatusOption.objects.exists():
        with translation.override("ar"):
            arabic = [str(label) for _code, label in AttendanceStatus.choices]
        with translation.override("fr"):
            french = [str(label) for _code, label in AttendanceStatus.choices]
        AttendanceStatusOption.objects.bulk_create(
            AttendanceStatusOption(
                code=value, label_ar=ar, label_fr=fr, counts_as_attended=value in ATTENDED, position=i
            )
            for i, ((value, _label), ar, fr) in enumerate(
                zip(AttendanceStatus.choices, arabic, french, strict=True)
            )
        )
    option = AttendanceStatusOption.objects.select_for_update().filter(code=code).first()
    if option is None:
        option = AttendanceStatusOption(code=code, position=AttendanceStatusOption.objects.count())
    option.label_ar, option.label_fr = label_ar[:60], label_fr[:60]
    option.counts_as_attended, option.is_active = counts_as_attended, is_active
    option.save()
    if not AttendanceStatusOption.objects.filter(is_active=True, counts_as_attended=True).exists():
        raise WaslError(
            _("At least one status offered at check-in must count as attended."), field="counts_as_attended"
        )
    audit_record(
        actor=actor,
        action="training.attendance_status.saved",
        target=option,
        changes={"code": code, "counts": counts_as_attended, "active": is_active},
    )
    return option


def session_days(session) -> list:
    return sorted({timezone.localtime(d.starts_at).date() for d in session.dates.all()})


@transaction.atomic
def attendance_record(*, actor, enrolment_id: int, day, status: str) -> Attendance:
    """Record (or correct) whether an enrolled learner was there on one day of the session."""
    if status not in {s.code for s in selectors.attendance_statuses()}:
        raise WaslError(
            _("This attendance status is not configured in the association."),
            field="status",
            code="status_not_configured",
        )
    enrolment = (
        Enrolment.objects.select_related("session", "platform_session", "payment")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound()
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
        raise WaslError(_("Only an enrolled learner's attendance can be taken."), code="not_enrolled")
    if not enrolment.seat_confirmed:
        raise WaslError(_("This seat is confirmed only once paid: record the payment first."), code="unpaid")
    if day not in session_days(enrolment.the_session):
        raise WaslError(_("The session does not meet on that day."), field="day")
    attendance, _created = Attendance.objects.update_or_create(
        enrolment=enrolment, day=day, defaults={"status": status, "taken_by": actor}
    )
    audit_record(
        actor=actor,
        action="training.attendance.recorded",
        target=enrolment,
        changes={"day": day.isoformat(), "status": status},
    )
    # Once every day of the session is recorded, the completion rule is applied at once: the
    # certificate is issued without anyone having to ask for it.
    if Attendance.objects.filter(enrolment=enrolment).count() >= len(session_days(enrolment.the_session)):
        enrolment_complete_if_due(actor=actor, enrolment_id=enrolment.pk)
    return attendance


def attendance_rate(enrolment: Enrolment) -> int:
    """Percentage of the session's days the learner attended (the statuses that count as attended:
    present and late, unless the association configured otherwise)."""
    days = session_days(enrolment.the_session)
    if not days:
        return 0
    attended = Attendance.objects.filter(
        enrolment=enrolment, status__in=selectors.attended_codes(), day__in=days
    ).count()
    return round(100 * attended / len(days))


def completion_rule_met(enrolment: Enrolment, course) -> bool:
    """The course's rule: enough attendance, and (self-paced parts) every lesson done and every quiz
    passed when the course asks for them."""
    if course.min_attendance_percent and attendance_rate(enrolment) < course.min_attendance_percent:
        return False
    if not (course.lessons_required or course.quizzes_required):
        return True
    from training.models import Lesson, LessonKind, LessonProgress, PlatformLesson

    lesson_model, lesson_field = (
        (PlatformLesson, "platform_lesson_id") if enrolment.is_platform else (Lesson, "lesson_id")
    )
    lessons = dict(lesson_model.objects.filter(module__course=course).values_list("pk", "kind"))
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).values_list(
            lesson_field, flat=True
        )
    )
    for lesson_id, kind in lessons.items():
        required = course.quizzes_required if kind == LessonKind.QUIZ else course.lessons_required
        if required and lesson_id not in done:
            return False
    return True


@transaction.atomic
def enrolment_complete_if_due(*, actor, enrolment_id: int) -> Certificate | None:
    """Apply the course's completion rule; when met, mark the enrolment completed and issue the
    certificate (once per learner and course). Returns the certificate, or None if not due."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("member", "participant", "session__course", "platform_session__course", "payment")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound()
    if not enrolment.seat_confirmed:  # not seated, or a seat confirmed only once paid
        return None
    course = enrolment.the_session.course
    if not completion_rule_met(enrolment, course):
        return None
    if enrolment.status != EnrolmentStatus.COMPLETED:
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.save(update_fields=["status", "updated_at"])
        _record_status(enrolment, from_status=EnrolmentStatus.ENROLLED, actor=actor)
    return certificate_issue(actor=actor, enrolment=enrolment)


def certificate_issue(*, actor, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment, unless the learner already has one for the
    course (the unique constraints make a concurrent second issue fail, not duplicate)."""
    from documents.services import document_issue

    course = enrolment.the_session.course
    course_kwargs = {"platform_course": course} if enrolment.is_platform else {"course": course}
    learner_kwargs = (
        {"member": enrolment.member} if enrolment.member_id else {"participant": enrolment.participant}
    )
    existing = Certificate.objects.filter(**learner_kwargs, **course_kwargs).first()
    if existing is not None:
        return existing
    member = enrolment.learner
    association = Association.objects.get(pk=current_association_id())
    dates = [timezone.localtime(d.starts_at).date().isoformat() for d in enrolment.the_session.dates.all()]
    snapshot = {
        "learner_ar": member.name_ar,
        "learner_latin": member.name_latin,
        "course_title_ar": course.title_ar,
        "course_title_fr": course.title_fr,
        "duration_hours": course.duration_hours,
        "dates": dates,
        "provider": "platform" if enrolment.is_platform else "association",
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
        },
        "issued_on": timezone.localdate().isoformat(),
    }
    document = document_issue(
        actor=actor, kind="training_certificate", title=f"{course.title_fr}"[:200], snapshot=snapshot
    )
    certificate = Certificate.objects.create(
        **learner_kwargs, enrolment=enrolment, document=document, **course_kwargs
    )
    audit_record(actor=actor, action="training.certificate.issued", target=certificate, changes={})
    if enrolment.participant_id:  # an outside participant has no account: their page's link
        participant_page_send(actor=actor, participant_id=enrolment.participant_id)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor, certificate_id: int, reason: str) -> Certificate:
    """Revoke a certificate: recorded on the row and on its document (cancelled), never deleted."""
    from documents.services import document_cancel

    reason = (reason or "").strip()
    if not reason:
        raise WaslError(_("Say why the certificate is revoked."), field="reason")
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound()
    if certificate.revoked_at is not None:
        raise WaslError(_("This certificate is already revoked."), code="revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    document_cancel(actor=actor, document_id=certificate.document_id, reason=reason)
    audit_record(actor=actor, action="training.certificate.revoked", target=certificate, changes={})
    return certificate


@transaction.atomic
def evaluation_submit(*, actor, enrolment_id: int, rating: int, comment: str = "") -> Evaluation:
    """A learner's satisfaction with their session, once."""
    enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound()
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
        raise WaslError(_("Only a learner of the session can evaluate it."), code="not_enrolled")
    if not 1 <= int(rating) <= 5:
        raise WaslError(_("Give a rating from 1 to 5."), field="rating")
    if Evaluation.objects.filter(enrolment=enrolment).exists():
        raise WaslError(_("You have already evaluated this session."), code="duplicate")
    return Evaluation.objects.create(enrolment=enrolment, rating=int(rating), comment=comment.strip()[:2000])


# --- Paid sessions: the seat's payment through finance, with its receipt -------------------------


@transaction.atomic
def enrolment_payment_record(
    *,
    actor,
    enrolment_id: int,
    method: str,
    date,
    treasury_account_id: int | None = None,
    cheque_number: str = "",
    bank_name: str = "",
    reference: str = "",
    payer_email: str = "",
    payer_phone: str = "",
):
    """Record the payment of a priced session's seat: the session's price, paid by the learner (a
    member, or the outside participant by name), through finance's `payment_record` — its entry
    posted to the training income account (71243, "paid service or training") and its receipt
    numbered in the "other" series and sent to the payer. In one transaction with the link on the
    enrolment: refused (nothing written) for a free or platform session, a place not seated, an
    enrolment already paid. A receipt cancelled in finance makes the enrolment unpaid again."""
    from finance.models import ReceiptSeries
    from finance.services.payments import payment_record
    from finance.services.simple import category_account, category_by_key

    found = Enrolment.objects.filter(pk=enrolment_id).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__course", "member", "participant", "payment")
        .get(pk=found)
    )
    if enrolment.is_platform:
        raise WaslError(_("A platform session is not paid to the association."), code="platform")
    session = enrolment.session
    if session.price <= 0:
        raise WaslError(_("This session is free: there is nothing to pay."), code="free")
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED):
        raise WaslError(
            _("Only a seated learner pays: a place on the waiting list is paid once a seat is given."),
            code="not_seated",
        )
    if enrolment.is_paid:
        raise WaslError(_("This enrolment is already paid."), code="paid")
    learner = enrolment.learner
    title = session.course.title[:150]
    payment = payment_record(
        actor=actor,
        amount=session.price,
        method=method,
        date=date,
        payer_member_id=enrolment.member_id,
        payer_name="" if enrolment.member_id else learner.full_name,
        payer_email=payer_email or learner.email or "",
        payer_phone=payer_phone or learner.phone or "",
        purpose=_("Training “%(title)s”") % {"title": title},
        credit_account_id=category_account(category_by_key("service")).pk,
        series=ReceiptSeries.OTHER,
        treasury_account_id=treasury_account_id,
        cheque_number=cheque_number,
        bank_name=bank_name,
        reference=reference,
    )
    enrolment.payment = payment
    enrolment.save(update_fields=["payment", "updated_at"])
    receipt = payment.receipts.first()
    audit_record(
        actor=actor,
        action="training.enrolment.paid",
        target=enrolment,
        changes={"amount": f"{payment.amount:.2f}", "receipt": receipt.label if receipt else ""},
    )
    return payment
