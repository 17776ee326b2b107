"""Reminders through the notifications rules: a session tomorrow, a self-paced course left for a week."""

from datetime import timedelta

from django.utils import timezone

from associations.tenancy import association_scope
from notifications.models import Message
from notifications.reminders import reminders_sweep
from training.tests.helpers import course_with_session, days, enrol, members


def test_the_day_before_a_session_its_seated_learners_are_reminded_once(tenant_a):
    _c, session = course_with_session(tenant_a, capacity=1, dates=days(1, 2))
    seated, waiting = members(tenant_a, 2)
    enrol(tenant_a, seated, session=session)
    enrol(tenant_a, waiting, session=session)
    with association_scope(tenant_a.association):
        reminders_sweep()
        reminders_sweep()  # a second sweep queues nothing more
        sent = list(
            Message.objects.filter(template_key="training.session_tomorrow").values_list(
                "to_address", flat=True
            )
        )
    assert sent == [seated.email]


def test_a_self_paced_course_left_for_a_week_is_reminded(tenant_a):
    _c, session = course_with_session(tenant_a, capacity=3, format="self_paced", dates=days(-10, 1))
    learner = members(tenant_a, 1)[0]
    enrolment = enrol(tenant_a, learner, session=session)
    with association_scope(tenant_a.association):
        reminders_sweep(today=timezone.localdate(enrolment.created_at) + timedelta(days=6))
        assert not Message.objects.filter(template_key="training.incomplete").exists()
        reminders_sweep(today=timezone.localdate(enrolment.created_at) + timedelta(days=7))
        assert Message.objects.get(template_key="training.incomplete").to_address == learner.email
