"""Training's reminder rules, swept hourly by beat through the notifications service (queue
`messages`): a session tomorrow, and a self-paced course left incomplete for 7 days. A waitlist
promotion is told at once (training.services), not by a rule."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from associations.models import Association
from notifications.reminders import Recipient, ReminderRule, register_reminder_rule
from training.models import Enrolment, EnrolmentStatus, Format


def _recipient(enrolment: Enrolment) -> Recipient:
    member = enrolment.learner
    return Recipient(
        address=member.email or member.phone,
        channel="email" if member.email else "sms",
        language=settings.LANGUAGE_CODE,
        name=member.display_name,
    )


def _context(enrolment: Enrolment) -> dict:
    association = Association.objects.get(pk=enrolment.association_id)
    course = enrolment.the_session.course
    return {
        "association_name_ar": association.name_ar,
        "association_name_fr": association.name_fr,
        "course_title_ar": course.title_ar,
        "course_title_fr": course.title_fr,
        "place": enrolment.the_session.place,
        "link": enrolment.the_session.link,
    }


def _reachable(enrolments):
    # Members and outside participants alike, when they left an address.
    return enrolments.filter(
        Q(member__isnull=False) & ~Q(member__email="", member__phone="")
        | Q(participant__isnull=False) & ~Q(participant__email="", participant__phone="")
    ).select_related("member", "participant", "session__course", "platform_session__course")


def _starting_soon():
    """Seated learners of sessions meeting within the next few days."""
    now = timezone.now()
    window = (now - timedelta(days=1), now + timedelta(days=3))
    soon = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).filter(
        Q(session__dates__starts_at__range=window) | Q(platform_session__dates__starts_at__range=window)
    )
    return _reachable(soon.distinct())


def _first_day(enrolment: Enrolment):
    return timezone.localdate(min(d.starts_at for d in enrolment.the_session.dates.all()))


def _self_paced_open():
    return _reachable(
        Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).filter(
            Q(session__course__format=Format.SELF_PACED)
            | Q(platform_session__course__format=Format.SELF_PACED)
        )
    )


SESSION_TOMORROW = register_reminder_rule(
    ReminderRule(
        key="training.session_tomorrow",
        default_offsets=(-1,),  # the day before the session's first day
        template_key="training.session_tomorrow",
        candidates=_starting_soon,
        anchor=_first_day,
        recipient=_recipient,
        context=_context,
    )
)
INCOMPLETE_AFTER_A_WEEK = register_reminder_rule(
    ReminderRule(
        key="training.incomplete",
        default_offsets=(7,),  # days after enrolling in a self-paced course not yet completed
        template_key="training.incomplete",
        candidates=_self_paced_open,
        anchor=lambda enrolment: timezone.localdate(enrolment.created_at),
        recipient=_recipient,
        context=_context,
    )
)
