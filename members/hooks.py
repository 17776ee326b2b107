"""Hooks the member register offers to the modules above it (registered from their
contributions.py, read by the member pages), with the seams' `Registry`:

- `MEMBER_LIST_FILTERS`: a filter of the member list (e.g. finance's "owes dues"): `members()`
  returns, in the current scope, a subquery of member primary keys.
- `MEMBER_PANELS`: a panel of a member's page (e.g. finance's standing and receipts):
  `panel(request, member)` returns a `seams.Fragment`, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from associations.capabilities import has_capability
from associations.seams import Fragment, Registry, Text


@dataclass(frozen=True)
class MemberListFilter:
    key: str  # the value of the list's "only" parameter
    label: Text
    capability: str
    members: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class MemberPanel:
    key: str
    capability: str
    panel: Callable[[Any, Any], Fragment | None]
    order: int = 100


MEMBER_LIST_FILTERS: Registry[MemberListFilter] = Registry("member list filters")
MEMBER_PANELS: Registry[MemberPanel] = Registry("member page panels")
register_member_list_filter = MEMBER_LIST_FILTERS.register
register_member_panel = MEMBER_PANELS.register


def _role_kind(request) -> str | None:
    role = getattr(request, "role", None)
    return role.kind if role else None


def list_filters(request) -> list[MemberListFilter]:
    kind = _role_kind(request)
    return [entry for entry in MEMBER_LIST_FILTERS.entries() if has_capability(kind, entry.capability)]


def member_panels(request, member) -> list[Fragment]:
    kind = _role_kind(request)
    fragments = []
    for entry in MEMBER_PANELS.entries():
        if has_capability(kind, entry.capability) and (fragment := entry.panel(request, member)) is not None:
            fragments.append(fragment)
    return fragments
