"""Seams: a module registered here (as a module's AppConfig.ready() would) shows up in the workspace
menu, the member portal (/me/ and /a/<slug>/my/), the home page, the API and the demo data, for the
roles its capability allows — without the tenant core knowing it."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.template import Template
from django.test import Client
from django.urls import clear_url_caches, include, path, reverse

from associations import seams
from associations.tenancy import association_scope


def url(tenant, name):
    return reverse(name, kwargs={"association_slug": tenant.association.slug})


@pytest.fixture
def client_of():
    def make(user):
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(user)
        return client

    return make


# --- The registry -----------------------------------------------------------------------------


def entry(key, order=100, capability="association.view"):
    return seams.NavEntry(
        key=key, label=key, url_name="associations:dashboard", capability=capability, order=order
    )


def test_entries_come_back_sorted_by_order_then_key():
    registry = seams.Registry("test")
    for key, order in (("c", 5), ("b", 10), ("a", 10)):
        registry.register(entry(key, order))
    assert [e.key for e in registry.entries()] == ["c", "a", "b"]


def test_a_key_registered_twice_is_refused_unless_it_is_the_same_record():
    registry = seams.Registry("test")
    registry.register(entry("x"))
    registry.register(entry("x"))  # ready() run again: harmless
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.register(entry("x", order=1))


def test_an_unknown_capability_is_refused_at_registration():
    with pytest.raises(ImproperlyConfigured, match="unknown capability"):
        seams.Registry("test").register(entry("x", capability="nothing.such"))


def test_temporarily_removes_the_record_afterwards():
    with seams.NAVIGATION.temporarily(entry("tests.temporary")):
        assert "tests.temporary" in [e.key for e in seams.NAVIGATION.entries()]
    assert "tests.temporary" not in [e.key for e in seams.NAVIGATION.entries()]


def test_the_modules_register_their_own_entries():
    """What used to be hard-coded in the core now comes from each module's contributions.py, in
    the menu's former order (modules added later slot in by their own order)."""
    today = [
        "associations.overview",
        "members.list",
        "members.my",
        "associations.roles",
        "associations.audit",
        "documents.list",
        "notifications.outbox",
        "jobs.list",
        "associations.tokens",
        "associations.settings",
    ]
    assert [e.key for e in seams.NAVIGATION.entries() if e.key in today] == today
    assert "members" in [e.key for e in seams.PORTAL_SECTIONS.entries()]
    assert "members.by_status" in [e.key for e in seams.HOME_CARDS.entries()]
    assert {e.key for e in seams.NEXT_ACTIONS.entries()} >= {
        "members.applications",
        "members.corrections",
        "members.imports",
        "notifications.failed",
    }
    modules = [e.module for e in seams.API_ROUTES.entries()]
    assert modules.index("associations.api_urls") < modules.index("members.api_urls")


# --- Navigation -------------------------------------------------------------------------------


def test_a_registered_entry_appears_in_the_menu_for_the_roles_allowed(tenant_a, client_of):
    probe = seams.NavEntry(
        key="tests.probe",
        label="Probe module",
        url_name="associations:roles",
        capability="roles.manage",
        order=35,
        group="manage",
    )
    with seams.NAVIGATION.temporarily(probe):
        president_page = client_of(tenant_a.president).get(url(tenant_a, "associations:dashboard"))
        member_page = client_of(tenant_a.member).get(url(tenant_a, "associations:dashboard"))
    assert "Probe module" in president_page.content.decode()
    assert "Probe module" not in member_page.content.decode()
    # In its group and order: after "Board and roles" (30), before "Audit trail" (40).
    body = president_page.content.decode()
    assert body.index("Board and roles") < body.index("Probe module") < body.index("Audit trail")
    after = client_of(tenant_a.president).get(url(tenant_a, "associations:dashboard")).content.decode()
    assert "Probe module" not in after


def test_an_entry_with_a_condition_shows_only_when_it_holds(tenant_a, client_of):
    """The register's "My membership" link: only for a person with a member row here."""
    my = url(tenant_a, "members:my")
    assert (
        f'href="{my}"'
        not in client_of(tenant_a.member).get(url(tenant_a, "associations:dashboard")).content.decode()
    )
    with association_scope(tenant_a.association):
        from members.models import Member

        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=tenant_a.member)
    assert (
        f'href="{my}"'
        in client_of(tenant_a.member).get(url(tenant_a, "associations:dashboard")).content.decode()
    )


def test_pages_outside_an_association_have_no_workspace_menu(tenant_a, client_of):
    body = client_of(tenant_a.president).get("/me/").content.decode()
    assert 'aria-label="Association menu"' not in body


# --- Member portal ----------------------------------------------------------------------------


def _probe_section(seen):
    def inside(request):
        seen.append(request.association.slug)
        return seams.Fragment(Template("<p>Probe dues: {{ section.due }} MAD</p>"), {"due": "120.00"})

    def across(request, association_ids):
        return {
            aid: seams.Fragment(Template("<i>probe-{{ section.aid }}</i>"), {"aid": aid})
            for aid in association_ids
        }

    return seams.PortalSection(key="tests.dues", inside=inside, across=across, order=50)


def test_a_registered_section_appears_in_the_portal_inside_an_association(tenant_a, client_of):
    with association_scope(tenant_a.association):
        from members.models import Member

        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=tenant_a.member)
    seen = []
    with seams.PORTAL_SECTIONS.temporarily(_probe_section(seen)):
        body = client_of(tenant_a.member).get(url(tenant_a, "members:my")).content.decode()
    assert "Probe dues: 120.00 MAD" in body
    assert seen == [tenant_a.association.slug]
    # The register's own section comes first (order 10 < 50) and keeps its forms working.
    assert body.index("My consents") < body.index("Probe dues")
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_registered_section_appears_in_every_row_of_me(tenant_a, tenant_b, client_of):
    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory

    RoleFactory(association=tenant_b.association, user=tenant_a.treasurer, kind=RoleKind.MEMBER)
    with seams.PORTAL_SECTIONS.temporarily(_probe_section([])):
        body = client_of(tenant_a.treasurer).get("/me/").content.decode()
    assert f"<i>probe-{tenant_a.association.pk}</i>" in body
    assert f"<i>probe-{tenant_b.association.pk}</i>" in body


def test_me_asks_each_section_once_whatever_the_number_of_associations(tenant_a, tenant_b, client_of):
    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory

    RoleFactory(association=tenant_b.association, user=tenant_a.treasurer, kind=RoleKind.MEMBER)
    calls = []

    def across(request, association_ids):
        calls.append(sorted(association_ids))
        return {}

    with seams.PORTAL_SECTIONS.temporarily(seams.PortalSection(key="tests.count", across=across)):
        client_of(tenant_a.treasurer).get("/me/")
    assert calls == [sorted([tenant_a.association.pk, tenant_b.association.pk])]


# --- Home page --------------------------------------------------------------------------------


def test_a_registered_card_and_next_action_appear_on_the_home_page(tenant_a, client_of):
    card = seams.HomeCard(
        key="tests.card",
        title="Probe figures",
        capability="finance.view",
        figures=lambda request: [seams.Figure(label="Probe balance", value=4200, url="/probe/")],
        url_name="associations:audit",
        link_label="Probe details",
    )
    waiting = seams.NextAction(
        key="tests.waiting",
        capability="finance.post",
        count=lambda request: 3,
        label=lambda count: f"{count} probe receipts to issue",
        url_name="associations:audit",
        query="probe=1",
    )
    nothing = seams.NextAction(
        key="tests.nothing",
        capability="finance.post",
        count=lambda request: 0,
        label=lambda count: "Nothing to see",
        url_name="associations:audit",
    )
    with (
        seams.HOME_CARDS.temporarily(card),
        seams.NEXT_ACTIONS.temporarily(waiting),
        seams.NEXT_ACTIONS.temporarily(nothing),
    ):
        treasurer = (
            client_of(tenant_a.treasurer).get(url(tenant_a, "associations:dashboard")).content.decode()
        )
        member = client_of(tenant_a.member).get(url(tenant_a, "associations:dashboard")).content.decode()
    audit = url(tenant_a, "associations:audit")
    assert "Probe figures" in treasurer and 'href="/probe/"' in treasurer and "4200" in treasurer
    assert f'href="{audit}">Probe details' in treasurer
    assert "3 probe receipts to issue" in treasurer and f'href="{audit}?probe=1"' in treasurer
    assert "Nothing to see" not in treasurer  # a count of 0 is nothing to do
    assert "Probe figures" not in member and "probe receipts" not in member


# --- API --------------------------------------------------------------------------------------


@contextlib.contextmanager
def api_routes(routes):
    """Register routes, and mount /api/v1/ afresh as config/urls.py does at start-up; put the
    original mount back afterwards."""
    import config.urls

    index = next(i for i, p in enumerate(config.urls.urlpatterns) if str(p.pattern) == "api/v1/")
    original = config.urls.urlpatterns[index]
    with seams.API_ROUTES.temporarily(routes):
        config.urls.urlpatterns[index] = path("api/v1/", include(seams.api_urlpatterns()))
        clear_url_caches()
        try:
            yield
        finally:
            config.urls.urlpatterns[index] = original
            clear_url_caches()


def test_registered_api_routes_are_served_under_api_v1_with_the_scope(tenant_a, tenant_b, client_of):
    path = f"/api/v1/associations/{tenant_a.association.slug}/seam-probe/"
    routes = seams.ApiRoutes(key="tests.probe", module="tests.seam_api_urls")
    assert client_of(tenant_a.member).get(path).status_code == 404
    with api_routes(routes):
        response = client_of(tenant_a.member).get(path)
        assert response.status_code == 200
        assert response.json() == {"association": tenant_a.association.slug, "module": "seam-probe"}
        assert client_of(tenant_b.president).get(path).status_code == 404  # B holds no role in A
        assert (
            reverse("api-seam-probe", kwargs={"association_slug": "x"})
            == "/api/v1/associations/x/seam-probe/"
        )
    assert client_of(tenant_a.member).get(path).status_code == 404


def test_member_api_keeps_its_paths_and_names():
    assert reverse("api-members", kwargs={"association_slug": "s"}) == "/api/v1/associations/s/members/"
    assert reverse("api-member-import", kwargs={"association_slug": "s", "import_id": 1}) == (
        "/api/v1/associations/s/member-imports/1/"
    )
    assert reverse("api-roles", kwargs={"association_slug": "s"}) == "/api/v1/associations/s/roles/"


# --- Demo data --------------------------------------------------------------------------------


def seeder(key, *depends_on, order=100, ran=None):
    def seed():
        if ran is not None:
            ran.append(key)
        return [f"  seeded {key}"]

    return seams.DemoSeeder(key=key, seed=seed, depends_on=depends_on, order=order)


def test_demo_seeders_run_after_what_they_depend_on():
    ordered_keys = [
        s.key
        for s in _with_seeders(
            seeder("tests.late", "tests.middle", order=-10),
            seeder("tests.middle", "members", order=-5),
        )
    ]
    assert ordered_keys.index("associations") < ordered_keys.index("members")
    assert (
        ordered_keys.index("members") < ordered_keys.index("tests.middle") < ordered_keys.index("tests.late")
    )


def test_a_missing_dependency_or_a_cycle_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="unknown"):
        _with_seeders(seeder("tests.orphan", "tests.nobody"))
    with pytest.raises(ImproperlyConfigured, match="cycle"):
        _with_seeders(seeder("tests.x", "tests.y"), seeder("tests.y", "tests.x"))


def _with_seeders(*extra):
    with contextlib.ExitStack() as stack:
        for item in extra:
            stack.enter_context(seams.DEMO_SEEDERS.temporarily(item))
        return seams.demo_seeders()


def test_seed_demo_runs_the_registered_seeders_in_order(db, capsys):
    ran = []
    with seams.DEMO_SEEDERS.temporarily(seeder("tests.extra", "members", ran=ran)):
        call_command("seed_demo")
    assert ran == ["tests.extra"]
    out = capsys.readouterr().out
    assert "  seeded tests.extra" in out and "president@demo.wasl.ma" in out
    from associations.models import Association
    from members.models import Member

    with association_scope(Association.objects.get(acronym="AADE")):
        assert Member.objects.count() == 41  # the register's seeder ran before ours


def test_demo_logins_work_after_seeding_twice(db, settings):
    call_command("seed_demo")
    call_command("seed_demo")
    member = Client(headers={"Accept-Language": "en"})
    assert member.login(email="member@demo.wasl.ma", password=settings.WASL_DEMO_PASSWORD)
    my = member.get("/a/aade/my/")
    assert my.status_code == 200 and "My consents" in my.content.decode()
    president = Client(headers={"Accept-Language": "en"})
    assert president.login(email="president@demo.wasl.ma", password=settings.WASL_DEMO_PASSWORD)
    home = president.get("/a/aade/").content.decode()
    assert "Members by status" in home and '<bdi class="figure-value">41</bdi>' in home
