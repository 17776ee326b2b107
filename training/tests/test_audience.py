"""Training offers announcements an audience: the members seated in (or done with) a course."""

import pytest

from associations.errors import WaslError
from associations.tenancy import association_scope
from communication.services import audience_members
from training.tests.helpers import course_with_session, enrol, members, platform_course_with_session


def _pks(tenant, audience):
    with association_scope(tenant.association):
        return set(audience_members(audience).values_list("pk", flat=True))


def test_learners_of_one_course_exclude_the_waiting_list_and_other_courses(tenant_a, tenant_b):
    course, session = course_with_session(tenant_a, capacity=2, title_fr="Comptabilité")
    _other, other_session = course_with_session(tenant_a, capacity=5, title_fr="Plaidoyer")
    first, second, waiting, elsewhere = members(tenant_a, 4)
    for person in (first, second, waiting):
        enrol(tenant_a, person, session=session)
    enrol(tenant_a, elsewhere, session=other_session)
    platform, platform_session = platform_course_with_session(capacity=5)
    enrol(tenant_a, elsewhere, platform_session=platform_session)
    b_person = members(tenant_b, 1, prefix="Other")[0]
    enrol(tenant_b, b_person, platform_session=platform_session)

    assert _pks(tenant_a, {"training.learners": f"course:{course.pk}"}) == {first.pk, second.pk}
    assert _pks(tenant_a, {"training.learners": f"platform:{platform.pk}"}) == {elsewhere.pk}
    every = _pks(tenant_a, {"training.learners": "any"})
    assert {first.pk, second.pk, elsewhere.pk} <= every
    assert waiting.pk not in every and b_person.pk not in every  # never another association's


def test_a_course_of_another_association_is_not_an_offered_value(tenant_a, tenant_b):
    course_b, _session = course_with_session(tenant_b, title_fr="Chez B")
    with association_scope(tenant_a.association), pytest.raises(WaslError):
        audience_members({"training.learners": f"course:{course_b.pk}"})
