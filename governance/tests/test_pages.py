"""Every governance page renders for who may see it; the door, the quorum counter, the ballot on
the member's phone and the API's vote follow the same rules as the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from governance import services
from governance.models import AgendaItem, Attendance, Ballot, Participation
from governance.tests.conftest import build_hall, convened_assembly, open_assembly

pytestmark = pytest.mark.django_db


def url(hall, name, **kwargs):
    return reverse(f"governance:{name}", kwargs={"association_slug": hall.association.slug, **kwargs})


def _client(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
def test_officer_pages_render(hall, language):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=6, items=(("resolution", "Budget"), ("election", "Treasurer")))
        resolution = AgendaItem.objects.get(assembly=assembly, kind="resolution")
        poll = services.poll_create(actor=hall.president, agenda_item_id=resolution.pk)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
    client = _client(hall.president, language)
    for name, kwargs in [
        ("assemblies", {}),
        ("rules", {}),
        ("assembly_new", {}),
        ("assembly", {"assembly_id": assembly.pk}),
        ("door", {"assembly_id": assembly.pk}),
        ("quorum", {"assembly_id": assembly.pk}),
        ("proxy_new", {"assembly_id": assembly.pk}),
        ("assembly_step", {"assembly_id": assembly.pk, "step": "quorum"}),
        ("poll", {"poll_id": poll.pk}),
        ("poll_close", {"poll_id": poll.pk}),
        ("receipt", {"poll_id": poll.pk}),
    ]:
        response = client.get(url(hall, name, **kwargs))
        assert response.status_code == 200, (name, response.status_code)


def test_a_plain_member_sees_no_officer_page(hall):
    with association_scope(hall.association):
        assembly = convened_assembly(hall)
    client = _client(hall.voter_user)
    for name, kwargs in [
        ("assemblies", {}),
        ("door", {"assembly_id": assembly.pk}),
        ("assembly_convene", {"assembly_id": assembly.pk}),
    ]:
        assert client.get(url(hall, name, **kwargs)).status_code == 403


def test_convening_from_the_confirmation_page(hall):
    from governance.tests.conftest import in_days

    with association_scope(hall.association):
        assembly = services.assembly_create(
            actor=hall.president, values={"title": "AGO", "first_call_at": in_days(5)}
        )
        services.agenda_item_add(
            actor=hall.president, assembly_id=assembly.pk, kind="information", title="Report"
        )
    client = _client(hall.president)
    response = client.post(url(hall, "assembly_convene", assembly_id=assembly.pk))
    assert response.status_code == 400  # 5 days is short of the 15 days' notice
    assert "15 days" in response.content.decode()
    with association_scope(hall.association):
        assembly.refresh_from_db()
        assert assembly.status == "draft"


def test_the_door_searches_and_checks_in(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=0)
    client = _client(hall.president)
    response = client.get(
        url(hall, "door", assembly_id=assembly.pk), {"q": "رقم3"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Membre3" in response.content.decode()
    client.post(url(hall, "door", assembly_id=assembly.pk), {"member": hall.members[2].pk})
    with association_scope(hall.association):
        assert Attendance.objects.filter(assembly=assembly, member=hall.members[2]).exists()
    quorum = client.get(url(hall, "quorum", assembly_id=assembly.pk)).content.decode()
    assert "hx-trigger" in quorum and "<bdi>1</bdi> / <bdi>10</bdi>" in quorum


def test_the_member_votes_on_their_phone_and_gets_a_receipt_once(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=6)
        item = AgendaItem.objects.get(assembly=assembly)
        poll = services.poll_create(actor=hall.president, agenda_item_id=item.pk)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
    client = _client(hall.voter_user, "ar")
    my = client.get(
        reverse("members:my", kwargs={"association_slug": hall.association.slug})
    ).content.decode()
    assert url(hall, "vote", poll_id=poll.pk) in my
    response = client.post(url(hall, "vote", poll_id=poll.pk), {"choice": "for"})
    assert response.status_code == 200
    with association_scope(hall.association):
        code = Ballot.objects.get(poll=poll).receipt_code
    assert code in response.content.decode()
    again = client.post(url(hall, "vote", poll_id=poll.pk), {"choice": "against"})
    assert again.status_code == 400 and code not in again.content.decode()
    with association_scope(hall.association):
        assert (
            Ballot.objects.filter(poll=poll).count() == Participation.objects.filter(poll=poll).count() == 1
        )


def test_voting_through_the_api_follows_the_same_rules(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=6)
        item = AgendaItem.objects.get(assembly=assembly)
        poll = services.poll_create(actor=hall.president, agenda_item_id=item.pk)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
    client = _client(hall.voter_user)
    api = f"/api/v1/associations/{hall.association.slug}/governance/polls/{poll.pk}/ballots/"
    assert client.post(api, {"choice": "maybe"}, content_type="application/json").status_code == 400
    first = client.post(api, {"choice": "for"}, content_type="application/json")
    assert first.status_code == 201 and len(first.json()["receipt"]) == 10
    second = client.post(api, {"choice": "for"}, content_type="application/json")
    assert second.status_code == 400
    polls = client.get(
        f"/api/v1/associations/{hall.association.slug}/governance/assemblies/{assembly.pk}/polls/"
    )
    assert polls.status_code == 200 and polls.json()[0]["result"] is None  # no count while open
    with association_scope(hall.association):
        assert Ballot.objects.filter(poll=poll).count() == 1


def test_the_api_refuses_another_associations_poll(hall):
    other = build_hall("other", members=8)
    with association_scope(other.association):
        assembly = open_assembly(other, present=6)
        poll = services.poll_create(
            actor=other.president, agenda_item_id=AgendaItem.objects.get(assembly=assembly).pk
        )
        services.poll_open(actor=other.president, poll_id=poll.pk)
    client = _client(hall.voter_user)
    api = f"/api/v1/associations/{hall.association.slug}/governance/polls/{poll.pk}/ballots/"
    assert client.post(api, {"choice": "for"}, content_type="application/json").status_code == 404
    with association_scope(other.association):
        assert not Ballot.objects.filter(poll=poll).exists()


def test_the_api_checks_in_and_refuses_proxies_past_the_cap(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=1)
    client = _client(hall.president)
    base = f"/api/v1/associations/{hall.association.slug}/governance/assemblies/{assembly.pk}/"
    assert (
        client.post(
            f"{base}checkins/", {"member": hall.members[1].pk}, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{base}checkins/", {"member": hall.members[1].pk}, content_type="application/json"
        ).status_code
        == 200
    )
    ok = client.post(
        f"{base}proxies/",
        {"grantor": hall.members[5].pk, "holder": hall.members[0].pk},
        content_type="application/json",
    )
    assert ok.status_code == 201
    refused = client.post(
        f"{base}proxies/",
        {"grantor": hall.members[6].pk, "holder": hall.members[0].pk},
        content_type="application/json",
    )
    assert refused.status_code == 400
    detail = client.get(base).json()
    assert detail["quorum"]["present"] == 2 and detail["quorum"]["represented"] == 1


def test_the_api_refuses_an_assembly_dated_before_the_dahir_and_creates_nothing(hall):
    """Year 60 passed as a date-time once: Morocco's clock then was UTC-0:30:20, which the answer
    could not state in ISO 8601. Such a date is a typing slip; it is refused with a reason."""
    from governance.models import Assembly

    client = _client(hall.president)
    api = f"/api/v1/associations/{hall.association.slug}/governance/assemblies/"
    with association_scope(hall.association):
        before = Assembly.objects.count()
    refused = client.post(
        api,
        {"kind": "ordinary", "title": "AG", "first_call_at": "0060-05-29T12:49:53Z"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    # The message, in the caller's language (its words vary; the bounds do not).
    (message,) = refused.json()["error"]["fields"]["first_call_at"]
    assert "1958" in message and "2200" in message
    accepted = client.post(
        api,
        {"kind": "ordinary", "title": "AG", "first_call_at": "2031-05-29T12:49:53Z"},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["first_call_at"].startswith("2031-05-29T")
    with association_scope(hall.association):
        assert Assembly.objects.count() == before + 1
