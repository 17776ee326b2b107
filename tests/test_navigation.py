"""The workspace menu (issue 9, item 5): the page shown is marked (aria-current), the items are
grouped (everyday work in the bar; administration and settings in menus; developer tools in the
settings menu, out of the bar and out of the footer), the join-form settings are linked, and the
menu wraps or folds instead of being cut."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from associations import seams


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def page(user, path: str) -> str:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def workspace_menu(body: str) -> str:
    return re.search(r'<nav class="navbar[^"]*workspace-bar".*?</nav>', body, re.DOTALL).group(0)


def bar_links(menu: str) -> list[str]:
    """The links standing in the bar itself (not inside a group's menu)."""
    return re.findall(r'<li class="nav-item"><a class="nav-link[^"]*" href="[^"]*"[^>]*>([^<]+)</a>', menu)


def current_links(body: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="page"', body)


def test_the_page_shown_is_marked_in_the_menu(tenant_a):
    president = tenant_a.president
    members = url(tenant_a, "members:list")
    assert current_links(workspace_menu(page(president, members))) == [members]
    # A page inside a section marks the section, not the overview whose address it starts with.
    with_member = url(tenant_a, "members:detail", member_id=tenant_a.member_row.pk)
    assert current_links(workspace_menu(page(president, with_member))) == [members]
    overview = url(tenant_a, "associations:dashboard")
    assert current_links(workspace_menu(page(president, overview))) == [overview]
    # In a group's menu: the item is marked and its menu's toggle looks active.
    jobs = url(tenant_a, "jobs:list")
    menu = workspace_menu(page(president, jobs))
    assert current_links(menu) == [jobs]
    assert 'class="nav-link dropdown-toggle active"' in menu and 'id="workspace-group-settings"' in menu
    # The phone's menu button says where one is.
    assert "Association menu · <span" in menu
    # The site's own menu marks its pages too.
    assert current_links(page(president, reverse("associations:me"))) == [reverse("associations:me")]


def test_developer_tools_leave_the_bar_and_the_footer_for_the_settings_menu(tenant_a):
    body = page(tenant_a.president, url(tenant_a, "associations:dashboard"))
    menu = workspace_menu(body)
    bar = bar_links(menu)
    assert bar == ["Overview", "Members", "Assemblies", "Planning", "Training", "Documents"]
    assert 'id="workspace-group-finance"' in menu and "Financial reports" in menu
    settings_menu = menu[menu.index('id="workspace-group-settings"') :]
    developer = settings_menu[settings_menu.index("For developers") :]
    for label, target in (
        ("Background jobs", url(tenant_a, "jobs:list")),
        ("API tokens", url(tenant_a, "associations:tokens")),
        ("API documentation", reverse("api-docs")),
    ):
        assert f'href="{target}">{label}</a>' in developer
        assert label not in bar
    footer = body[body.index("<footer") :]
    assert reverse("api-docs") not in footer
    administration = menu[
        menu.index('id="workspace-group-manage"') : menu.index('id="workspace-group-settings"')
    ]
    for label in ("Board and roles", "Audit trail", "Outbox"):
        assert label in administration


def test_the_join_form_settings_are_linked_for_those_who_manage_the_association(tenant_a):
    target = f'href="{url(tenant_a, "members:settings")}"'
    assert target in workspace_menu(page(tenant_a.president, url(tenant_a, "associations:dashboard")))
    member_menu = workspace_menu(page(tenant_a.member, url(tenant_a, "associations:dashboard")))
    assert target not in member_menu
    assert "For developers" not in member_menu and "API documentation" not in member_menu


def test_a_module_entry_without_a_group_stands_in_the_bar_and_groups_are_open_to_modules(tenant_a):
    """The seam stays backward compatible: a NavEntry made as before lands in the bar; an entry
    naming a group nobody registered shows there too, rather than being lost."""
    old_style = seams.NavEntry(
        key="tests.dues", label="Probe dues", url_name="associations:roles", capability="roles.view", order=15
    )
    stray = seams.NavEntry(
        key="tests.stray", label="Probe stray", url_name="associations:audit", capability="audit.view",
        order=16, group="nothing-such",
    )  # fmt: skip
    with seams.NAVIGATION.temporarily(old_style), seams.NAVIGATION.temporarily(stray):
        bar = bar_links(workspace_menu(page(tenant_a.president, url(tenant_a, "associations:dashboard"))))
    assert bar == [
        "Overview", "Members", "Probe dues", "Probe stray", "Assemblies", "Planning", "Training", "Documents"
    ]  # fmt: skip
    group = seams.NavGroup(key="tests.finance", label="Probe money", order=60)
    entry = seams.NavEntry(
        key="tests.ledger", label="Probe ledger", url_name="associations:roles", capability="roles.view",
        group="tests.finance",
    )  # fmt: skip
    with seams.NAV_GROUPS.temporarily(group), seams.NAVIGATION.temporarily(entry):
        menu = workspace_menu(page(tenant_a.president, url(tenant_a, "associations:dashboard")))
    assert "Probe money" in menu and "Probe ledger" not in bar_links(menu)


def test_the_menu_wraps_or_folds_and_is_never_cut():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "wasl.css").read_text()
    rules = {selector.strip(): body for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)}
    assert "flex-wrap: wrap" in rules[".workspace-nav"]
    assert not any(
        "workspace-nav" in selector and ("nowrap" in body or "overflow-x" in body)
        for selector, body in rules.items()
    )
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert 'data-bs-target="#workspace-nav"' in base  # on a phone: one button opens the whole menu
