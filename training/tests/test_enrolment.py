"""Enrolment: seats, waiting list in arrival order, promotion told through the outbox, history,
the refusals (deadline, twice, full without a waiting list) that change nothing, and capacity under
concurrency on PostgreSQL, for an association's sessions and for the platform's across associations."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from associations.errors import WaslError
from associations.tenancy import association_scope
from notifications.models import Message
from training import services
from training.models import Enrolment, EnrolmentStatus, EnrolmentStatusChange, PlatformSession, Session
from training.tests.helpers import course_with_session, enrol, members, platform_course_with_session


def statuses(tenant, **kwargs):
    with association_scope(tenant.association):
        return list(Enrolment.objects.filter(**kwargs).order_by("position").values_list("position", "status"))


def test_seats_then_waiting_list_in_arrival_order(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=2)
    people = members(tenant_a, 4)
    for person in people:
        enrol(tenant_a, person, session=session)
    assert statuses(tenant_a, session=session) == [
        (1, "enrolled"),
        (2, "enrolled"),
        (3, "waitlisted"),
        (4, "waitlisted"),
    ]
    with association_scope(tenant_a.association):
        assert Session.objects.get(pk=session.pk).enrolled_count == 2


def test_a_cancellation_promotes_the_first_waiting_and_tells_them(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=2)
    people = members(tenant_a, 4)
    enrolments = [enrol(tenant_a, person, session=session) for person in people]
    with association_scope(tenant_a.association):
        services.enrolment_cancel(actor=tenant_a.president, enrolment_id=enrolments[0].pk)
    assert statuses(tenant_a, session=session) == [
        (1, "cancelled"),
        (2, "enrolled"),
        (3, "enrolled"),
        (4, "waitlisted"),
    ]
    with association_scope(tenant_a.association):
        promoted = Enrolment.objects.get(pk=enrolments[2].pk)
        history = list(
            EnrolmentStatusChange.objects.filter(enrolment=promoted).values_list("from_status", "to_status")
        )
        assert history == [("", "waitlisted"), ("waitlisted", "enrolled")]
        message = Message.objects.get(dedup_key=f"training:promoted:{promoted.pk}")
        assert message.to_address == people[2].email
        assert Message.objects.filter(template_key="training.promoted").count() == 1
        assert Session.objects.get(pk=session.pk).enrolled_count == 2


def test_cancelling_a_waiting_place_promotes_nobody(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=1)
    _first, waiting = (enrol(tenant_a, p, session=session) for p in members(tenant_a, 2))
    with association_scope(tenant_a.association):
        services.enrolment_cancel(actor=tenant_a.president, enrolment_id=waiting.pk)
    assert statuses(tenant_a, session=session) == [(1, "enrolled"), (2, "cancelled")]


def _refused(tenant, session, member, code):
    before = statuses(tenant, session=session)
    with association_scope(tenant.association):
        count = Session.objects.get(pk=session.pk).enrolled_count
    with pytest.raises(WaslError) as caught:
        enrol(tenant, member, session=session)
    assert caught.value.code == code
    assert caught.value.message  # a translated sentence, not a code
    assert statuses(tenant, session=session) == before
    with association_scope(tenant.association):
        assert Session.objects.get(pk=session.pk).enrolled_count == count


def test_enrolling_twice_is_refused_and_changes_nothing(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    person = members(tenant_a, 1)[0]
    enrol(tenant_a, person, session=session)
    _refused(tenant_a, session, person, "duplicate")


def test_a_full_session_without_waiting_list_refuses(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=1, waitlist=False)
    first, second = members(tenant_a, 2)
    enrol(tenant_a, first, session=session)
    _refused(tenant_a, session, second, "full")


def test_enrolling_after_the_deadline_is_refused(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=5)
    with association_scope(tenant_a.association):
        Session.objects.filter(pk=session.pk).update(enrolment_deadline=timezone.now() - timedelta(hours=1))
    _refused(tenant_a, session, members(tenant_a, 1)[0], "deadline")


def test_an_unpublished_course_takes_no_enrolment(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=5, published=False)
    _refused(tenant_a, session, members(tenant_a, 1)[0], "closed")


def test_enrolling_again_after_cancelling_takes_a_new_place(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=5)
    person = members(tenant_a, 1)[0]
    first = enrol(tenant_a, person, session=session)
    with association_scope(tenant_a.association):
        services.enrolment_cancel(actor=tenant_a.president, enrolment_id=first.pk)
    again = enrol(tenant_a, person, session=session)
    assert (again.position, again.status) == (2, "enrolled")


def test_a_platform_seat_freed_in_a_goes_to_the_first_waiting_in_b(tenant_a, tenant_b):
    """Platform sessions take learners of every association; each enrolment stays in its own."""
    _course, session = platform_course_with_session(capacity=1)
    seated = enrol(tenant_a, members(tenant_a, 1)[0], platform_session=session)
    waiting_b = enrol(tenant_b, members(tenant_b, 1)[0], platform_session=session)
    waiting_a = enrol(tenant_a, members(tenant_a, 1, prefix="Late")[0], platform_session=session)
    assert (seated.status, waiting_b.status, waiting_a.status) == ("enrolled", "waitlisted", "waitlisted")
    with association_scope(tenant_a.association):
        assert not Enrolment.objects.filter(pk=waiting_b.pk).exists()  # B's row is not A's to see
        services.enrolment_cancel(actor=tenant_a.president, enrolment_id=seated.pk)
    with association_scope(tenant_b.association):
        assert Enrolment.objects.get(pk=waiting_b.pk).status == EnrolmentStatus.ENROLLED
        assert Message.objects.filter(dedup_key=f"training:promoted:{waiting_b.pk}").exists()
    with association_scope(tenant_a.association):
        assert Enrolment.objects.get(pk=waiting_a.pk).status == EnrolmentStatus.WAITLISTED
    assert PlatformSession.objects.get(pk=session.pk).enrolled_count == 1


def _enrol_concurrently(tenant, people, **session):
    barrier = threading.Barrier(len(people))
    errors = []

    def learner(person):
        try:
            barrier.wait(timeout=10)
            enrol(tenant, person, **session)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=learner, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_at_once_for_ten_seats_then_one_cancellation():
    from conftest import build_tenant

    tenant = build_tenant("cc")
    _course, session = course_with_session(tenant, capacity=10)
    _enrol_concurrently(tenant, members(tenant, 20), session=session)
    rows = statuses(tenant, session=session)
    # Arrival order is the order in which they reached the session's lock: positions 1-20, the
    # first ten seated, the next ten waiting.
    assert [p for p, _ in rows] == list(range(1, 21))
    assert [s for _, s in rows] == ["enrolled"] * 10 + ["waitlisted"] * 10
    with association_scope(tenant.association):
        first = Enrolment.objects.get(session=session, position=4)
        services.enrolment_cancel(actor=tenant.president, enrolment_id=first.pk)
    after = dict(statuses(tenant, session=session))
    assert after[4] == "cancelled" and after[11] == "enrolled"
    assert [after[p] for p in range(12, 21)] == ["waitlisted"] * 9
    assert sum(1 for s in after.values() if s == "enrolled") == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_platform_session_holds_its_capacity_across_associations():
    from conftest import build_tenant

    first, second = build_tenant("pa"), build_tenant("pb")
    _course, session = platform_course_with_session(capacity=10)
    people_a, people_b = members(first, 10), members(second, 10)
    threads = [
        threading.Thread(
            target=_enrol_concurrently, args=(tenant, people), kwargs={"platform_session": session}
        )
        for tenant, people in ((first, people_a), (second, people_b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = statuses(first, platform_session=session) + statuses(second, platform_session=session)
    assert sorted(p for p, _ in rows) == list(range(1, 21))
    assert sorted(rows) == [(p, "enrolled") for p in range(1, 11)] + [
        (p, "waitlisted") for p in range(11, 21)
    ]
    assert PlatformSession.objects.get(pk=session.pk).enrolled_count == 10
