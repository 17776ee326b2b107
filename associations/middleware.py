"""Entry point for HTML: opens the association scope for every URL under /a/<slug>/."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve

from associations.capabilities import CapabilityFlags
from associations.selectors import role_of
from associations.tenancy import association_scope_of_slug

WORKSPACE_PREFIX = "/a/"


class AssociationScopeMiddleware:
    """Resolves /a/<slug>/, checks the user's role there and runs the view inside the scope.

    A person without a role gets the same 404 as for an association that does not exist, except
    on views marked `allow_non_members` (an invitation link), which still run in the scope.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(WORKSPACE_PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get("association_slug")
        if slug is None:
            return self.get_response(request)
        with association_scope_of_slug(slug) as association:
            if association is None:
                raise Http404
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = role_of(user=request.user)
            if role is None and not getattr(match.func, "allow_non_members", False):
                raise Http404
            request.association = association
            request.role = role
            request.can = CapabilityFlags(role.kind if role else None)
            return self.get_response(request)
