"""Revoking a role, withdrawing an invitation and revoking an API token take a confirmation step
that says what will happen, and work without JavaScript: a POST without the confirmation changes
nothing and answers with that step."""

import pytest
from django.test import Client
from django.urls import reverse

from associations import services
from associations.capabilities import RoleKind
from associations.models import AccessToken, AuditEvent, Invitation, Role
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def audit_actions(tenant):
    with association_scope(tenant.association):
        return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


@pytest.mark.parametrize("method", ["get", "post"])
def test_revoking_a_role_without_confirmation_changes_nothing_and_says_what_would_happen(
    client, tenant_a, method
):
    client.force_login(tenant_a.president)
    treasurer_role = tenant_a.roles["treasurer"]
    before = audit_actions(tenant_a)
    response = getattr(client, method)(url(tenant_a, "associations:role_revoke", role_id=treasurer_role.pk))
    assert response.status_code == 200
    body = response.content.decode()
    # Names the person, the role and the association, and what they lose.
    assert "Remove <bdi>Treasurer A Hiddenname</bdi> as Treasurer of <bdi>" in body
    assert "Record payments, issue receipts and post entries." in body
    assert "will then have no Treasurer" in body
    assert 'name="confirm" value="yes"' in body
    with association_scope(tenant_a.association):
        assert Role.objects.filter(pk=treasurer_role.pk).exists()
    assert audit_actions(tenant_a) == before


def test_revoking_a_role_with_confirmation_revokes_it(client, tenant_a):
    client.force_login(tenant_a.president)
    treasurer_role = tenant_a.roles["treasurer"]
    response = client.post(
        url(tenant_a, "associations:role_revoke", role_id=treasurer_role.pk), {"confirm": "yes"}
    )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert not Role.objects.filter(pk=treasurer_role.pk).exists()
    assert audit_actions(tenant_a)[-1] == "associations.role.revoked"


def test_the_roles_page_offers_no_one_click_revoke(client, tenant_a):
    """The list links to the confirmation step; it carries no form that revokes on submit."""
    client.force_login(tenant_a.president)
    body = client.get(url(tenant_a, "associations:roles")).content.decode()
    revoke = url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["treasurer"].pk)
    withdraw = url(tenant_a, "associations:invitation_revoke", invitation_id=tenant_a.invitation.pk)
    assert f'href="{revoke}"' in body and f'action="{revoke}"' not in body
    assert f'href="{withdraw}"' in body and f'action="{withdraw}"' not in body


def test_the_confirmation_names_the_tokens_that_die_with_the_role(client, tenant_a):
    with association_scope(tenant_a.association):
        services.access_token_create(actor=tenant_a.treasurer, name="books script")
    client.force_login(tenant_a.president)
    body = client.get(
        url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["treasurer"].pk)
    ).content.decode()
    assert "API token in this association stops working (<bdi>1</bdi> token)" in body


def test_the_last_president_gets_no_confirm_button(client, tenant_a):
    client.force_login(tenant_a.president)
    response = client.get(url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["president"].pk))
    body = response.content.decode()
    assert "at least one president" in body
    assert 'name="confirm"' not in body


def test_a_second_treasurer_leaves_the_office_filled(client, tenant_a):
    RoleFactory(association=tenant_a.association, kind=RoleKind.TREASURER)
    client.force_login(tenant_a.president)
    body = client.get(
        url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["treasurer"].pk)
    ).content.decode()
    assert "will then have no" not in body


def test_the_confirmation_isolates_names_in_arabic(tenant_a):
    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(tenant_a.president)
    response = client.get(url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["treasurer"].pk))
    body = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in body
    assert "<bdi>Treasurer A Hiddenname</bdi>" in body


def test_another_association_cannot_see_the_confirmation(client, tenant_a, tenant_b):
    client.force_login(tenant_b.president)
    path = url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["treasurer"].pk)
    assert client.get(path).status_code == 404
    own_url = reverse(
        "associations:role_revoke",
        kwargs={"association_slug": tenant_b.association.slug, "role_id": tenant_a.roles["treasurer"].pk},
    )
    assert client.get(own_url).status_code == 404
    assert client.post(own_url, {"confirm": "yes"}).status_code == 404
    with association_scope(tenant_a.association):
        assert Role.objects.filter(pk=tenant_a.roles["treasurer"].pk).exists()


def test_withdrawing_an_invitation_needs_a_confirmation(client, tenant_a):
    client.force_login(tenant_a.president)
    path = url(tenant_a, "associations:invitation_revoke", invitation_id=tenant_a.invitation.pk)
    body = client.post(path).content.decode()
    assert "Withdraw the invitation sent to <bdi>invitee-a@example.ma</bdi> to become Treasurer" in body
    with association_scope(tenant_a.association):
        assert Invitation.objects.get(pk=tenant_a.invitation.pk).revoked_at is None
    assert client.post(path, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Invitation.objects.get(pk=tenant_a.invitation.pk).revoked_at is not None


def test_revoking_a_token_needs_a_confirmation(client, tenant_a):
    client.force_login(tenant_a.president)
    path = url(tenant_a, "associations:token_revoke", token_id=tenant_a.access_token.pk)
    body = client.post(path).content.decode()
    assert "Revoke the API token <bdi>token-of-a</bdi>" in body
    assert "Every program that uses it is refused from now on." in body
    with association_scope(tenant_a.association):
        assert AccessToken.objects.get(pk=tenant_a.access_token.pk).revoked_at is None
    assert client.post(path, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert AccessToken.objects.get(pk=tenant_a.access_token.pk).revoked_at is not None


def test_someone_elses_token_is_not_found(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    path = url(tenant_a, "associations:token_revoke", token_id=tenant_a.access_token.pk)
    assert client.get(path).status_code == 404
    assert client.post(path, {"confirm": "yes"}).status_code == 404
    with association_scope(tenant_a.association):
        assert AccessToken.objects.get(pk=tenant_a.access_token.pk).revoked_at is None


def test_a_member_cannot_reach_the_confirmation(client, tenant_a):
    client.force_login(tenant_a.treasurer)  # sees roles, may not manage them
    path = url(tenant_a, "associations:role_revoke", role_id=tenant_a.roles["member"].pk)
    assert client.get(path).status_code == 403
    assert client.post(path, {"confirm": "yes"}).status_code == 403
