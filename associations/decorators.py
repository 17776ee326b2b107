"""How a workspace view declares what it needs. tests/test_architecture.py requires one of these
on every view under /a/<slug>/."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS

from associations.capabilities import CAPABILITIES, has_capability


def requires(capability: str):
    """The user's role in the current association must carry `capability` (else 403)."""
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            role = getattr(request, "role", None)
            if role is None or not has_capability(role.kind, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        # The workspace middleware already runs the request in one transaction (the association's
        # scope, which rolls back on an error): ATOMIC_REQUESTS would only add a savepoint around
        # the view, two more round trips on every page.
        wrapped._non_atomic_requests = {DEFAULT_DB_ALIAS}  # type: ignore[attr-defined]
        return wrapped

    return decorator


def allow_non_members(view):
    """Runs in the association scope for any signed-in person (the view checks access itself)."""
    view.allow_non_members = True
    return view
