"""Roles, capabilities, invitations and the last-president rule."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from associations import services
from associations.capabilities import CAPABILITIES, ROLE_CAPABILITIES, RoleKind, has_capability
from associations.errors import WaslError
from associations.models import AuditEvent, Invitation, Role
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory, UserFactory


def test_every_role_maps_to_known_capabilities():
    assert set(ROLE_CAPABILITIES) == set(RoleKind.values)
    for capabilities in ROLE_CAPABILITIES.values():
        assert capabilities <= set(CAPABILITIES)
    assert has_capability(RoleKind.PRESIDENT, "roles.manage")
    assert not has_capability(RoleKind.MEMBER, "roles.view")
    assert has_capability(RoleKind.TREASURER, "finance.post")
    assert not has_capability(RoleKind.SECRETARY_GENERAL, "finance.post")
    with pytest.raises(KeyError):
        has_capability(RoleKind.PRESIDENT, "no.such")


def roles_url(tenant, name="associations:roles", **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def test_member_cannot_see_roles_page_and_nav_hides_it(client, tenant_a):
    client.force_login(tenant_a.member)
    assert client.get(roles_url(tenant_a)).status_code == 403
    page = client.get(roles_url(tenant_a, "associations:dashboard")).content.decode()
    assert roles_url(tenant_a) not in page
    client.force_login(tenant_a.president)
    page = client.get(roles_url(tenant_a, "associations:dashboard")).content.decode()
    assert roles_url(tenant_a) in page


def test_treasurer_sees_roles_but_cannot_change_them(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    assert client.get(roles_url(tenant_a)).status_code == 200
    member_role = tenant_a.roles["member"]
    response = client.post(
        roles_url(tenant_a, "associations:role_change", role_id=member_role.pk), {"kind": "president"}
    )
    assert response.status_code == 403
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=member_role.pk).kind == RoleKind.MEMBER


def test_president_changes_a_role_and_it_is_audited(client, tenant_a):
    client.force_login(tenant_a.president)
    member_role = tenant_a.roles["member"]
    response = client.post(
        roles_url(tenant_a, "associations:role_change", role_id=member_role.pk), {"kind": "deputy"}
    )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=member_role.pk).kind == RoleKind.DEPUTY
        event = AuditEvent.objects.filter(action="associations.role.changed").get()
        assert event.changes == {"kind": {"from": "member", "to": "deputy"}}
        assert event.actor_id == tenant_a.president.pk


def test_the_last_president_cannot_be_revoked_or_demoted(client, tenant_a):
    client.force_login(tenant_a.president)
    president_role = tenant_a.roles["president"]
    client.post(roles_url(tenant_a, "associations:role_revoke", role_id=president_role.pk), follow=True)
    response = client.post(
        roles_url(tenant_a, "associations:role_change", role_id=president_role.pk),
        {"kind": "member"},
        follow=True,
    )
    assert "at least one president" in response.content.decode()
    with association_scope(tenant_a.association):
        assert Role.objects.get(pk=president_role.pk).kind == RoleKind.PRESIDENT


def test_with_two_presidents_one_may_step_down(tenant_a):
    second = RoleFactory(association=tenant_a.association, kind=RoleKind.PRESIDENT)
    with association_scope(tenant_a.association):
        services.role_revoke(actor=tenant_a.president, role_id=second.pk)
        assert Role.objects.filter(kind=RoleKind.PRESIDENT).count() == 1
        with pytest.raises(WaslError):
            services.role_revoke(actor=tenant_a.president, role_id=tenant_a.roles["president"].pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_presidents_revoking_each_other_at_once_leave_one(django_db_blocker):
    """Concurrency: both removals run in parallel transactions; the row locks let only one win."""
    from conftest import build_tenant

    tenant = build_tenant("race")
    second = RoleFactory(association=tenant.association, kind=RoleKind.PRESIDENT)
    first = tenant.roles["president"]
    barrier = threading.Barrier(2)
    outcomes = []

    def revoke(role_id, actor):
        try:
            barrier.wait(timeout=5)
            with association_scope(tenant.association):
                services.role_revoke(actor=actor, role_id=role_id)
            outcomes.append("revoked")
        except WaslError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=revoke, args=(first.pk, second.user)),
        threading.Thread(target=revoke, args=(second.pk, first.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "revoked"]
    with association_scope(tenant.association):
        assert Role.objects.filter(kind=RoleKind.PRESIDENT).count() == 1


def test_invitation_is_emailed_and_accepted_by_its_addressee(
    client, tenant_a, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.president)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            roles_url(tenant_a, "associations:invitation_create"),
            {"email": "New@Example.ma", "kind": "secretary_general"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/invitations/accept/" in line)
    assert link.startswith("http://testserver/")  # the address the request came to
    path = link.removeprefix("http://testserver")

    stranger = UserFactory(email="someone-else@example.ma")
    client.force_login(stranger)
    assert client.get(path).status_code == 404  # the link is for new@example.ma only

    invitee = UserFactory(email="new@example.ma")
    client.force_login(invitee)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    with association_scope(tenant_a.association):
        assert Role.objects.get(user=invitee).kind == RoleKind.SECRETARY_GENERAL
        assert Invitation.objects.get(email="new@example.ma").accepted_by == invitee
    response = client.post(path)
    assert response.status_code == 410  # already used


def test_expired_invitation_gets_a_clear_page_and_changes_nothing(client, tenant_a):
    with association_scope(tenant_a.association):
        invitation, raw = services.invitation_create(
            actor=tenant_a.president, email="late@example.ma", kind="member"
        )
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    late = UserFactory(email="late@example.ma")
    client.force_login(late)
    path = roles_url(tenant_a, "associations:invitation_accept", token=raw)
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    with association_scope(tenant_a.association):
        assert not Role.objects.filter(user=late).exists()


def test_invitation_bad_input(client, tenant_a):
    client.force_login(tenant_a.president)
    url = roles_url(tenant_a, "associations:invitation_create")
    response = client.post(url, {"email": "not-an-email", "kind": "member"})
    assert response.status_code == 400
    response = client.post(url, {"email": tenant_a.treasurer.email, "kind": "member"})
    assert response.status_code == 400
    assert "already holds a role" in response.content.decode()
    with association_scope(tenant_a.association):
        assert Invitation.objects.count() == 1  # only the fixture's


def test_anonymous_is_sent_to_login_and_non_member_gets_404(client, tenant_a, tenant_b):
    url = roles_url(tenant_a, "associations:dashboard")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(tenant_b.president)
    assert client.get(url).status_code == 404
    assert client.get("/a/no-such-association/").status_code == 404
