"""The list of a person's associations (menu, /me/) is read once per request and kept in the
session until one of their roles, or one of their associations, changes."""

import re

from django.urls import reverse

from associations import services
from associations.models import Role
from associations.selectors import MEMBERSHIPS_SESSION_KEY
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory
from associations.tests.querycount import page_queries


def role_queries(captured) -> list[str]:
    return [s for s in captured.statements if re.search(r'FROM "associations_role"', s)]


def menu(client, path="/me/") -> str:
    return client.get(path).content.decode()


def test_memberships_are_read_once_then_kept_in_the_session(client, tenant_a):
    client.force_login(tenant_a.president)
    with page_queries() as first:
        assert "Association A" in menu(client)
    with page_queries() as second:
        assert "Association A" in menu(client)
    assert len(role_queries(first)) == 1  # the view and the menu share one read
    assert role_queries(second) == []
    assert client.session[MEMBERSHIPS_SESSION_KEY]["user"] == tenant_a.president.pk


def test_a_new_role_shows_at_once(client, tenant_a):
    client.force_login(tenant_a.member)
    menu(client)
    other = AssociationFactory(name_fr="Association Nouvelle")
    RoleFactory(association=other, user=tenant_a.member, kind="treasurer")
    with page_queries() as captured:
        assert "Association Nouvelle" in menu(client)
    assert len(role_queries(captured)) == 1


def test_a_revoked_role_disappears_at_once(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    assert "Association A" in menu(client)
    with association_scope(tenant_a.association):
        role = Role.objects.get(user=tenant_a.treasurer)
        services.role_revoke(actor=tenant_a.president, role_id=role.pk)
    assert "Association A" not in menu(client)


def test_a_renamed_or_closed_association_shows_as_it_is(client, tenant_a):
    client.force_login(tenant_a.member)
    assert "Association A" in menu(client)
    association = tenant_a.association
    association.name_fr = "Association Renommée"
    association.save()
    assert "Association Renommée" in menu(client)
    association.is_active = False
    association.save()
    assert "Association Renommée" not in menu(client)


def test_the_role_label_follows_the_reader_language(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    url = reverse("associations:me")
    assert "Treasurer" in client.get(url, headers={"Accept-Language": "en"}).content.decode()
    assert "Trésorier" in client.get(url, headers={"Accept-Language": "fr"}).content.decode()


def test_another_person_in_the_same_session_never_sees_the_first_one_s_list(client, tenant_a, tenant_b):
    client.force_login(tenant_a.president)
    menu(client)
    client.force_login(tenant_b.president)
    page = menu(client)
    assert "Association B" in page and "Association A" not in page
