"""The training managers' cross-association page of a platform session's learners: every
association's learners of that session (association, name, status, days attended, certificate) and
nothing else; association officers cannot reach it, and a training manager gets no workspace."""

from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from members.models import Member
from training import services
from training.tests.helpers import (
    course_with_session,
    days,
    enrol,
    members,
    platform_course_with_session,
    training_manager,
)


def page(session):
    return reverse("training_public:manage_session_learners", kwargs={"platform_session_id": session.pk})


def test_the_manager_sees_each_associations_learners_of_this_session_only(
    tenant_a, tenant_b, django_assert_max_num_queries
):
    _course, session = platform_course_with_session(capacity=10, dates=days(-1, 1))
    _other_course, other_session = platform_course_with_session(capacity=10, title_fr="Autre")
    a_person = members(tenant_a, 1, prefix="Alpha")[0]
    b_person = members(tenant_b, 1, prefix="Bravo")[0]
    a_enrolment = enrol(tenant_a, a_person, session=None, platform_session=session)
    enrol(tenant_b, b_person, platform_session=session)
    enrol(tenant_a, members(tenant_a, 1, prefix="Elsewhere")[0], platform_session=other_session)
    _own_course, own_session = course_with_session(tenant_a, capacity=3)
    enrol(tenant_a, members(tenant_a, 1, prefix="Ownclass")[0], session=own_session)
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=a_person.pk).update(phone="0611223344", birth_date="1990-01-01")
        day = services.session_days(session)[0]
        services.attendance_record(
            actor=tenant_a.president, enrolment_id=a_enrolment.pk, day=day, status="present"
        )
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(training_manager())
    # Sign-in, session and the page frame (18 on SQLite, 22 on PostgreSQL with its scope settings),
    # then the five reads of training.platform_learners (their number does not grow with the learners).
    with django_assert_max_num_queries(24):
        response = client.get(page(session))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alpha0 Test" in body and "Bravo0 Test" in body
    assert tenant_a.association.display_name in body and tenant_b.association.display_name in body
    assert "1 / 1" in body and "Issued" in body  # A's learner attended the one day and completed
    # Nothing else: no other session's or association course's learner, no address, phone or birth date.
    hidden_values = ("Elsewhere0", "Ownclass0", "0611223344", "1990", tenant_a.member_row.display_name)
    addresses = (f"@{tenant_a.association.slug}.example.ma", f"@{tenant_b.association.slug}.example.ma")
    for hidden in (*hidden_values, *addresses):
        assert hidden not in body, hidden


def test_association_officers_and_members_cannot_reach_it(tenant_a):
    _course, session = platform_course_with_session(capacity=10)
    enrol(tenant_a, members(tenant_a, 1)[0], platform_session=session)
    for user in (tenant_a.president, tenant_a.member):
        client = Client()
        client.force_login(user)
        assert client.get(page(session)).status_code == 404
    assert Client().get(page(session)).status_code == 302  # to sign in


def test_a_training_manager_has_no_workspace_of_an_association(tenant_a):
    client = Client()
    client.force_login(training_manager())
    for name, kwargs in (("courses", {}), ("session", {"session_id": tenant_a.session.pk})):
        url = reverse(f"training:{name}", kwargs={"association_slug": tenant_a.association.slug, **kwargs})
        assert client.get(url).status_code == 404
