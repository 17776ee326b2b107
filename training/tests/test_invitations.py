"""Outside participants by invitation: an officer invites a person who is not a member to a session
of the association's own course; the person takes a place through a random, expiring, single-use
link, in the association's scope, counted in the seats and the waiting list like a member."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.errors import WaslError
from associations.services import hash_secret
from associations.tenancy import association_scope
from notifications.models import Message
from training import services
from training.models import CourseInvitation, Enrolment, Participant, Session
from training.tests.helpers import course_with_session, enrol, members


def invite(tenant, session, name="Outside Person", **kwargs):
    kwargs.setdefault("email", "outside@example.ma")
    with association_scope(tenant.association):
        return services.course_invitation_create(
            actor=tenant.president, session_id=session.pk, full_name=name, **kwargs
        )


def join_url(tenant, raw):
    return reverse(
        "training_public:join", kwargs={"association_slug": tenant.association.slug, "invitation_token": raw}
    )


def test_the_link_takes_a_place_once_and_counts_like_a_member(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=1)
    enrol(tenant_a, members(tenant_a, 1)[0], session=session)  # the only seat goes to a member
    invitation, raw = invite(tenant_a, session)
    assert len(raw) >= 40 and invitation.token_hash == hash_secret(raw) and raw not in invitation.token_hash
    anonymous = Client(headers={"Accept-Language": "en"})
    page = anonymous.get(join_url(tenant_a, raw))
    assert page.status_code == 200 and b"Outside Person" in page.content
    assert b"outside@example.ma" not in page.content
    done = anonymous.post(join_url(tenant_a, raw), {"confirm": "on"})
    assert done.status_code == 200 and b"waiting list" in done.content
    with association_scope(tenant_a.association):
        enrolment = Enrolment.objects.get(participant__full_name="Outside Person")
        assert enrolment.status == "waitlisted" and enrolment.member_id is None and enrolment.position == 2
        assert Session.objects.get(pk=session.pk).enrolled_count == 1
        assert CourseInvitation.objects.get(pk=invitation.pk).used_at is not None
        assert Message.objects.filter(
            template_key="training.invited", to_address="outside@example.ma"
        ).exists()
    again = anonymous.post(join_url(tenant_a, raw), {"confirm": "on"})
    assert again.status_code == 410 and b"already been used" in again.content
    with association_scope(tenant_a.association):
        assert Enrolment.objects.filter(participant__isnull=False).count() == 1


def test_a_freed_seat_promotes_the_invited_person_like_a_member(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=1)
    first = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    _invitation, raw = invite(tenant_a, session)
    with association_scope(tenant_a.association):
        services.course_invitation_accept(raw_token=raw)
        services.enrolment_cancel(actor=tenant_a.president, enrolment_id=first.pk)
        promoted = Enrolment.objects.get(participant__isnull=False)
        assert promoted.status == "enrolled"
        assert Message.objects.filter(
            template_key="training.promoted", to_address="outside@example.ma"
        ).exists()


def test_an_expired_link_is_refused_and_changes_nothing(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    invitation, raw = invite(tenant_a, session)
    with association_scope(tenant_a.association):
        CourseInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    client = Client(headers={"Accept-Language": "fr"})
    response = client.post(join_url(tenant_a, raw), {"confirm": "on"})
    assert response.status_code == 410 and "expiré".encode() in response.content
    with association_scope(tenant_a.association):
        assert not Enrolment.objects.filter(participant__isnull=False).exists()
        assert Session.objects.get(pk=session.pk).last_position == 0


def test_an_unknown_token_or_another_associations_slug_is_404(tenant_a, tenant_b):
    _course, session = course_with_session(tenant_a, capacity=3)
    _invitation, raw = invite(tenant_a, session)
    client = Client()
    assert client.get(join_url(tenant_a, raw + "x")).status_code == 404
    assert client.get(join_url(tenant_b, raw)).status_code == 404  # A's token is not B's
    assert client.post(join_url(tenant_b, raw), {"confirm": "on"}).status_code == 404
    with association_scope(tenant_a.association):
        assert not Enrolment.objects.filter(participant__isnull=False).exists()


def test_without_confirmation_nothing_is_taken(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    _invitation, raw = invite(tenant_a, session)
    response = Client().post(join_url(tenant_a, raw), {})
    assert response.status_code == 400
    with association_scope(tenant_a.association):
        assert not Enrolment.objects.filter(participant__isnull=False).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [({"full_name": " ", "email": "x@example.ma"}, "full_name"), ({"full_name": "X", "email": ""}, "phone")],
)
def test_an_invitation_needs_a_name_and_an_address(tenant_a, values, field):
    _course, session = course_with_session(tenant_a, capacity=3)
    with association_scope(tenant_a.association):
        before = (Participant.objects.count(), CourseInvitation.objects.count())
    with association_scope(tenant_a.association), pytest.raises(WaslError) as caught:
        services.course_invitation_create(actor=tenant_a.president, session_id=session.pk, **values)
    assert caught.value.field == field
    with association_scope(tenant_a.association):
        assert (Participant.objects.count(), CourseInvitation.objects.count()) == before


def test_officers_invite_from_the_page_and_see_the_link_once(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(tenant_a.president)
    url = reverse(
        "training:session_invite",
        kwargs={"association_slug": tenant_a.association.slug, "session_id": session.pk},
    )
    response = client.post(url, {"full_name": "ضيف", "phone": "0612345678", "days_valid": 7})
    assert response.status_code == 200 and b"/training/join/" in response.content
    assert b"/training/join/" not in client.get(url).content  # only the hash is kept
    refused = client.post(url, {"full_name": "ضيف", "days_valid": 7})
    assert refused.status_code == 400
    member_client = Client()
    member_client.force_login(tenant_a.member)
    assert member_client.get(url).status_code in (403, 404)


def test_the_participants_certificate_is_issued_once(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3, min_attendance_percent=0)
    _invitation, raw = invite(tenant_a, session)
    with association_scope(tenant_a.association):
        enrolment = services.course_invitation_accept(raw_token=raw)
        first = services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk)
        second = services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk)
        assert (
            first is not None and first.pk == second.pk and first.participant_id == enrolment.participant_id
        )
