"""Seams: how the modules above the tenant core plug into the platform.

The tenant core is the lowest tenant layer: every module may import this file, and the core imports
none of them. A module declares what it brings — workspace navigation, sections of the member
portal, cards and next actions on the association's home page, API routes, demo data, checks run
before a resignation, the sentences of its audit events — as small frozen records, registered once
from its `AppConfig.ready()` (by convention in its `contributions.py`). Pages read them back
through the readers at the end of this file: sorted by `order`, filtered by the capability of the
person's role in the association, so no template and no core view names a module.

    # members/contributions.py, imported from MembersConfig.ready()
    from django.utils.translation import gettext_lazy as _
    from associations import seams

    seams.register_nav_entry(seams.NavEntry(
        key="members.list", label=_("Members"), url_name="members:list",
        capability="members.view", order=10))
    seams.register_home_card(seams.HomeCard(
        key="members.by_status", title=_("Members by status"), capability="members.view",
        figures=members_by_status, url_name="members:list", order=10))
    seams.register_api_routes(seams.ApiRoutes(key="members", module="members.api_urls"))

A module that offers a hook of its own to the modules above it uses the same `Registry` class for
its records (see `RESIGNATION_CHECKS`, offered by the member register to finance).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from associations.capabilities import CAPABILITIES, has_capability

Text = str | Promise  # a plain or a lazily translated string


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


E = TypeVar("E", bound=_Keyed)


class Registry(Generic[E]):
    """The records of one seam, by key: register in `ready()`, read sorted by (order, key).

    Registering the same key twice with a different record is a configuration error (two modules
    claiming one name); registering the very same record again is harmless.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, E] = {}

    def register(self, entry: E) -> E:
        capability = getattr(entry, "capability", None)
        if capability is not None and capability not in CAPABILITIES:
            raise ImproperlyConfigured(f"{self.name}: {entry.key!r} needs unknown capability {capability!r}")
        existing = self._entries.get(entry.key)
        if existing is not None and existing != entry:
            raise ImproperlyConfigured(f"{self.name}: {entry.key!r} is registered twice")
        self._entries[entry.key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def get(self, key: str) -> E | None:
        return self._entries.get(key)

    def entries(self) -> list[E]:
        return sorted(self._entries.values(), key=lambda entry: (entry.order, entry.key))

    @contextlib.contextmanager
    def temporarily(self, entry: E) -> Iterator[E]:
        """Register `entry` for the duration of a block (tests)."""
        self.register(entry)
        try:
            yield entry
        finally:
            self.unregister(entry.key)


# --- Records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """A link in the association's workspace menu, reversed with `association_slug` (or without
    any argument when `in_workspace` is False, e.g. the API documentation), shown in its `group`:
    "main" (the menu bar itself: the association's everyday work, the default), "manage" (the
    board's administration), "settings" (the association's settings) or "developer" (API tokens,
    background jobs: inside the settings menu, away from the everyday items); see NAV_GROUPS."""

    key: str
    label: Text
    url_name: str
    capability: str  # the person's role in the association must carry it
    order: int = 100
    # An extra condition beyond the capability, e.g. "has a member row here".
    visible: Callable[[HttpRequest], bool] | None = None
    group: str = "main"
    in_workspace: bool = True


@dataclass(frozen=True)
class NavGroup:
    """A group of the workspace menu. Without a label its entries stand in the menu bar; with one,
    they open from a menu of that name; with a `parent`, they are a headed section of the parent's
    menu."""

    key: str
    label: Text = ""
    order: int = 100
    parent: str = ""


@dataclass(frozen=True)
class Fragment:
    """A piece of a page: rendered with `{% include template with section=context %}`, inside the
    page's own context (request, user, csrf_token, current_association, can)."""

    template: Any  # a template name, or a compiled template (anything with render(context))
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortalSection:
    """A module's part of the member portal.

    `inside(request)` renders the section of /a/<slug>/my/ for the signed-in person in the current
    association (None: nothing to show). `across(request, association_ids)` renders, in one go, a
    fragment per association for the rows of /me/ (associations with nothing to show are left out);
    those fragments sit inside the row's link, so they hold inline content (badges), not links.
    """

    key: str
    order: int = 100
    inside: Callable[[HttpRequest], Fragment | None] | None = None
    across: Callable[[HttpRequest, Sequence[int]], Mapping[int, Fragment]] | None = None


@dataclass(frozen=True)
class Figure:
    """One number on a home-page card; `url` makes it one tap away (e.g. the filtered list)."""

    label: Text
    value: int | str
    url: str = ""


@dataclass(frozen=True)
class HomeCard:
    """A card of figures on the association's home page. `figures(request)` runs in the scope."""

    key: str
    title: Text
    capability: str
    figures: Callable[[HttpRequest], Sequence[Figure]]
    order: int = 100
    url_name: str = ""  # the card's own link ("see all"), reversed with association_slug
    link_label: Text = ""


@dataclass(frozen=True)
class NextAction:
    """Something waiting for the board on the home page: shown when `count(request)` is above 0,
    as `label(count)` (use ngettext), linking to `url_name` (+ `?query`)."""

    key: str
    capability: str
    count: Callable[[HttpRequest], int]
    label: Callable[[int], str]
    url_name: str
    query: str = ""
    order: int = 100


@dataclass(frozen=True)
class ApiRoutes:
    """A module's REST routes: the dotted name of its `api_urls` module, mounted under /api/v1/."""

    key: str
    module: str
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    """Demo data of one module for `manage.py seed_demo`: run after the seeders it depends on, in
    the command's transaction. It must be idempotent; it returns lines for the printed summary."""

    key: str
    seed: Callable[[], Iterable[str] | None]
    depends_on: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class AuditAction:
    """How the audit page tells one kind of event in the reader's language.

    Events store language-neutral facts (the action code, ids, the names of the changed fields,
    plain JSON values); the sentence is made when the page is read, in the reader's language.
    `sentence` is a translated format string with named placeholders, or a function of the
    event's facts (`associations.audit_text.AuditFacts`) returning one, e.g.
    `_("%(actor)s admitted member %(number)s")`. Placeholders: `actor`, `target`, every key of the
    event's `changes` (a from/to change also gives `<key>_before` and `<key>_after`), and what
    `placeholders(facts)` adds; each value is escaped and isolated (<bdi>) when shown. `field_labels`
    names the fields listed in `changes["fields"]` and the keys of `changes`; `values` turns a
    stored code into words (a mapping, such as dict(Status.choices), or a function of the value).
    """

    key: str  # the action code stored on the events, e.g. "members.member.admitted"
    sentence: Text | Callable[[Any], Text]
    label: Text = ""  # short name of the action, for the filter
    field_labels: Mapping[str, Text] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Text] | Callable[[Any], Any]] = field(default_factory=dict)
    placeholders: Callable[[Any], Mapping[str, Any]] | None = None
    hidden: tuple[str, ...] = ()  # keys of `changes` not listed under the sentence (internal ids)
    order: int = 100


@dataclass(frozen=True)
class ResignationCheck:
    """Run before a member resigns (Dahir 1958, art. 4): `check(member)` raises the application's
    error (`associations.errors.WaslError`) with a translated reason to refuse."""

    key: str
    check: Callable[[Any], None]
    order: int = 100


@dataclass(frozen=True)
class AudienceSegment:
    """A part of the members an announcement may be sent to, offered by the module that knows it
    (members: status, category, board; finance: owes dues; governance: attended an assembly;
    training: enrolled in a training). `members(value)` returns, in the current scope, a queryset
    of the primary keys of the members in the segment (`.values("pk")`); `value` is one of
    `choices()`'s values, or "" for a segment without choices. Chosen segments are combined with
    AND, and the audience never leaves the current association."""

    key: str
    label: Text
    members: Callable[[str], Any]
    choices: Callable[[], Sequence[tuple[str, Text]]] | None = None
    order: int = 100


@dataclass(frozen=True)
class PublicPage:
    """Where the public directory's card of an association leads: a URL name reversed with
    `association_slug` (the communication module's public page)."""

    key: str
    url_name: str
    order: int = 100


NAVIGATION: Registry[NavEntry] = Registry("navigation")
NAV_GROUPS: Registry[NavGroup] = Registry("navigation groups")
PORTAL_SECTIONS: Registry[PortalSection] = Registry("portal sections")
HOME_CARDS: Registry[HomeCard] = Registry("home cards")
NEXT_ACTIONS: Registry[NextAction] = Registry("next actions")
API_ROUTES: Registry[ApiRoutes] = Registry("API routes")
DEMO_SEEDERS: Registry[DemoSeeder] = Registry("demo seeders")
RESIGNATION_CHECKS: Registry[ResignationCheck] = Registry("resignation checks")
AUDIT_ACTIONS: Registry[AuditAction] = Registry("audit actions")
AUDIENCE_SEGMENTS: Registry[AudienceSegment] = Registry("audience segments")
PUBLIC_PAGES: Registry[PublicPage] = Registry("public pages")

register_nav_entry = NAVIGATION.register
register_nav_group = NAV_GROUPS.register
register_portal_section = PORTAL_SECTIONS.register
register_home_card = HOME_CARDS.register
register_next_action = NEXT_ACTIONS.register
register_api_routes = API_ROUTES.register
register_demo_seeder = DEMO_SEEDERS.register
register_resignation_check = RESIGNATION_CHECKS.register
register_audit_action = AUDIT_ACTIONS.register
register_audience_segment = AUDIENCE_SEGMENTS.register
register_public_page = PUBLIC_PAGES.register


# The groups every module may use (a module may register another).
for _group in (
    NavGroup(key="main", order=0),
    NavGroup(key="manage", label=_("Administration"), order=50),
    NavGroup(key="settings", label=_("Settings"), order=90),
    NavGroup(key="developer", label=_("For developers"), order=95, parent="settings"),
):
    register_nav_group(_group)


# --- Readers ----------------------------------------------------------------------------------


def _allowed(request: HttpRequest, capability: str) -> bool:
    role = getattr(request, "role", None)
    return role is not None and has_capability(role.kind, capability)


def _workspace_url(request: HttpRequest, url_name: str, query: str = "") -> str:
    url = reverse(url_name, kwargs={"association_slug": request.association.slug})
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class NavLink:
    label: Text
    url: str
    group: str = "main"
    current: bool = False  # the page shown is this link's (aria-current="page")


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: Text
    links: Sequence[NavLink]
    sections: Sequence[ShownGroup] = ()  # groups shown inside this one's menu, under a heading

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links) or any(section.current for section in self.sections)


def _current_url(path: str, urls: Iterable[str]) -> str:
    """The link the page at `path` belongs to: the longest link that is the path or a folder of
    it (/a/x/members/12/ belongs to /a/x/members/, not to the overview /a/x/)."""
    found = ""
    for url in urls:
        if (path == url or (url.endswith("/") and path.startswith(url))) and len(url) > len(found):
            found = url
    return found


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The workspace menu of the current association, as the person's role may see it, with the
    link of the page shown marked `current`."""
    if getattr(request, "association", None) is None:
        return []
    entries = [
        entry
        for entry in NAVIGATION.entries()
        if _allowed(request, entry.capability) and (entry.visible is None or entry.visible(request))
    ]
    urls = [
        _workspace_url(request, entry.url_name) if entry.in_workspace else reverse(entry.url_name)
        for entry in entries
    ]
    current = _current_url(request.path, urls)
    return [
        NavLink(entry.label, url, entry.group, current=url == current)
        for entry, url in zip(entries, urls, strict=True)
    ]


def nav_groups(request: HttpRequest, links: Sequence[NavLink] | None = None) -> list[ShownGroup]:
    """The workspace menu by group, in the groups' order, leaving out empty groups: the unlabelled
    groups' links stand in the bar, the others open from a menu, with their sub-groups' sections."""
    links = nav_links(request) if links is None else links
    groups = NAV_GROUPS.entries()
    known = {group.key for group in groups}

    def group_links(key: str) -> list[NavLink]:
        # An entry naming a group nobody registered still shows, in the bar.
        return [link for link in links if link.group == key or (key == "main" and link.group not in known)]

    def shown(group: NavGroup) -> ShownGroup:
        sections = [shown(child) for child in groups if child.parent == group.key]
        return ShownGroup(group.key, group.label, group_links(group.key), [s for s in sections if s.links])

    return [
        shown_group
        for group in groups
        if not group.parent and ((shown_group := shown(group)).links or shown_group.sections)
    ]


def portal_inside(request: HttpRequest) -> list[Fragment]:
    """The sections of /a/<slug>/my/ for the signed-in person, in order."""
    fragments = []
    for section in PORTAL_SECTIONS.entries():
        if section.inside is not None and (fragment := section.inside(request)) is not None:
            fragments.append(fragment)
    return fragments


def portal_across(request: HttpRequest, association_ids: Sequence[int]) -> dict[int, list[Fragment]]:
    """For /me/: each association's fragments, in section order (one call per section, not per row)."""
    found: dict[int, list[Fragment]] = {association_id: [] for association_id in association_ids}
    for section in PORTAL_SECTIONS.entries():
        if section.across is None:
            continue
        for association_id, fragment in section.across(request, association_ids).items():
            if association_id in found:
                found[association_id].append(fragment)
    return found


@dataclass(frozen=True)
class ShownCard:
    title: Text
    figures: Sequence[Figure]
    url: str
    link_label: Text


def home_cards(request: HttpRequest) -> list[ShownCard]:
    """The home page's cards the person's role may see, with their figures (inside the scope)."""
    return [
        ShownCard(
            title=card.title,
            figures=list(card.figures(request)),
            url=_workspace_url(request, card.url_name) if card.url_name else "",
            link_label=card.link_label,
        )
        for card in HOME_CARDS.entries()
        if _allowed(request, card.capability)
    ]


@dataclass(frozen=True)
class ShownAction:
    label: str
    count: int
    url: str


def next_actions(request: HttpRequest) -> list[ShownAction]:
    """What waits for the person's role in this association: only actions with something to do."""
    shown = []
    for action in NEXT_ACTIONS.entries():
        if not _allowed(request, action.capability):
            continue
        count = action.count(request)
        if count > 0:
            shown.append(
                ShownAction(
                    action.label(count), count, _workspace_url(request, action.url_name, action.query)
                )
            )
    return shown


def api_urlpatterns() -> list:
    """Every registered module's API routes, for config/urls.py to mount under /api/v1/ (the URL
    map is built after every app's ready(), so all modules have registered by then)."""
    return [path("", include(entry.module)) for entry in API_ROUTES.entries()]


def demo_seeders() -> list[DemoSeeder]:
    """The registered demo seeders, each after the ones it depends on (ties by order, then key)."""
    entries = {entry.key: entry for entry in DEMO_SEEDERS.entries()}
    for entry in entries.values():
        unknown = [name for name in entry.depends_on if name not in entries]
        if unknown:
            raise ImproperlyConfigured(f"Demo seeder {entry.key!r} depends on unknown {unknown}")
    ordered: list[DemoSeeder] = []
    done: set[str] = set()
    waiting = list(entries.values())  # already sorted by (order, key)
    while waiting:
        ready = next((entry for entry in waiting if set(entry.depends_on) <= done), None)
        if ready is None:
            names = sorted(entry.key for entry in waiting)
            raise ImproperlyConfigured(f"Demo seeders depend on each other in a cycle: {names}")
        ordered.append(ready)
        done.add(ready.key)
        waiting.remove(ready)
    return ordered


def resignation_checks() -> list[ResignationCheck]:
    return RESIGNATION_CHECKS.entries()


def audit_action(key: str) -> AuditAction | None:
    """The renderer registered for an action code (None: the audit page writes a neutral line)."""
    return AUDIT_ACTIONS.get(key)


def audience_segments() -> list[AudienceSegment]:
    return AUDIENCE_SEGMENTS.entries()


def public_page_url(slug: str) -> str:
    """The public page of an association, for its directory card ("" when no module offers one)."""
    entries = PUBLIC_PAGES.entries()
    return reverse(entries[0].url_name, kwargs={"association_slug": slug}) if entries else ""
