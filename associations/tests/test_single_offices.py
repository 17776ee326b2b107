"""The invitation form preselects the least powerful role, and a normally single office
(president, secretary-general, treasurer) given to a second person needs a confirmation, in the
web forms and in the API."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from associations import services
from associations.capabilities import ROLES_BY_POWER, RoleKind
from associations.errors import WaslError
from associations.models import AuditEvent, Invitation, Role
from associations.tenancy import association_scope


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def invitations(tenant, **filters):
    with association_scope(tenant.association):
        return list(Invitation.objects.filter(**filters))


def test_the_invitation_form_preselects_member_and_lists_least_powerful_first(client, tenant_a):
    client.force_login(tenant_a.president)
    body = client.get(url(tenant_a, "associations:roles")).content.decode()
    select = re.search(r'<select name="kind"[^>]*id="id_kind"[^>]*>(.*?)</select>', body, re.S).group(1)
    values = re.findall(r'<option value="([a-z_]+)"', select)
    assert values == [kind.value for kind in ROLES_BY_POWER]
    assert values[0] == "member" and values[-1] == "president"
    selected = re.findall(r'<option value="([a-z_]+)"[^>]*selected', select)
    assert selected == ["member"]


def test_an_invitation_posted_without_a_role_is_refused_not_made_president(client, tenant_a):
    client.force_login(tenant_a.president)
    response = client.post(url(tenant_a, "associations:invitation_create"), {"email": "new@example.ma"})
    assert response.status_code == 400
    assert invitations(tenant_a, email="new@example.ma") == []


def test_inviting_a_second_treasurer_asks_for_a_confirmation_first(client, tenant_a):
    client.force_login(tenant_a.president)
    path = url(tenant_a, "associations:invitation_create")
    response = client.post(path, {"email": "second@example.ma", "kind": "treasurer"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "already held by or offered to" in body
    assert "<bdi>Treasurer A Hiddenname</bdi>" in body  # the holder
    assert "<bdi>invitee-a@example.ma</bdi> (invitation pending)" in body  # the fixture's invitation
    assert "Invite <bdi>second@example.ma</bdi> as a second Treasurer?" in body
    assert invitations(tenant_a, email="second@example.ma") == []

    response = client.post(
        path, {"email": "second@example.ma", "kind": "treasurer", "confirm_second_holder": "on"}
    )
    assert response.status_code == 302
    assert [i.kind for i in invitations(tenant_a, email="second@example.ma")] == ["treasurer"]


def test_a_pending_invitation_counts_as_a_holder(tenant_a):
    with association_scope(tenant_a.association):
        services.invitation_create(actor=tenant_a.president, email="sg1@example.ma", kind="secretary_general")
        with pytest.raises(WaslError) as refused:
            services.invitation_create(
                actor=tenant_a.president, email="sg2@example.ma", kind="secretary_general"
            )
    assert refused.value.code == "second_holder" and "sg1@example.ma (invited)" in refused.value.message


@pytest.mark.parametrize("kind", ["board_member", "deputy", "vice_president", "staff", "member"])
def test_offices_that_may_be_shared_need_no_confirmation(client, tenant_a, kind):
    with association_scope(tenant_a.association):
        services.invitation_create(actor=tenant_a.president, email="first@example.ma", kind=kind)
    client.force_login(tenant_a.president)
    response = client.post(
        url(tenant_a, "associations:invitation_create"), {"email": "x@example.ma", "kind": kind}
    )
    assert response.status_code == 302


def test_changing_a_role_to_an_occupied_single_office_asks_first(client, tenant_a):
    client.force_login(tenant_a.president)
    member_role = tenant_a.roles["member"]
    path = url(tenant_a, "associations:role_change", role_id=member_role.pk)
    response = client.post(path, {"kind": "president"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<bdi>President A Secretname</bdi>" in body
    assert f"Make <bdi>{tenant_a.member.display_name}</bdi> a second President?" in body
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=member_role.pk).kind == RoleKind.MEMBER
        assert not AuditEvent.objects.filter(action="associations.role.changed").exists()

    assert client.post(path, {"kind": "president", "confirm_second_holder": "on"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=member_role.pk).kind == RoleKind.PRESIDENT


def test_the_holder_is_not_counted_against_themselves(tenant_a):
    """The one treasurer, made secretary-general and back, never meets "a second treasurer"."""
    role_id = tenant_a.roles["treasurer"].pk
    with association_scope(tenant_a.association):
        services.role_change(actor=tenant_a.president, role_id=role_id, kind="secretary_general")
        Invitation.objects.filter(kind="treasurer").update(revoked_at="2026-01-01T00:00:00Z")
        assert (
            services.role_change(actor=tenant_a.president, role_id=role_id, kind="treasurer").kind
            == "treasurer"
        )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_refuses_a_second_treasurer_unless_confirmed(tenant_a):
    path = f"/api/v1/associations/{tenant_a.association.slug}/invitations/"
    response = api(tenant_a.president).post(
        path, {"email": "api@example.ma", "kind": "treasurer"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "second_holder" and "Treasurer A Hiddenname" in error["fields"]["kind"][0]
    assert invitations(tenant_a, email="api@example.ma") == []

    response = api(tenant_a.president).post(
        path, {"email": "api@example.ma", "kind": "treasurer", "confirm_second_holder": True}, format="json"
    )
    assert response.status_code == 201
    assert "confirm_second_holder" not in response.json()  # write-only
    assert len(invitations(tenant_a, email="api@example.ma")) == 1


def test_the_api_refuses_a_second_president_by_role_change_unless_confirmed(tenant_a):
    role = tenant_a.roles["member"]
    path = f"/api/v1/associations/{tenant_a.association.slug}/roles/{role.pk}/"
    response = api(tenant_a.president).patch(path, {"kind": "president"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "second_holder"
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=role.pk).kind == RoleKind.MEMBER
    response = api(tenant_a.president).patch(
        path, {"kind": "president", "confirm_second_holder": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["kind"] == "president"


def test_the_schema_documents_the_confirmation_flag(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    invitation = schema["components"]["schemas"]["InvitationRequest"]["properties"]
    assert invitation["confirm_second_holder"]["type"] == "boolean"
    assert "second_holder" in invitation["confirm_second_holder"]["description"]
    post = schema["paths"]["/api/v1/associations/{association_slug}/invitations/"]["post"]
    assert "400" in post["responses"] and "second_holder" in post["responses"]["400"]["description"]
