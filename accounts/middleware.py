"""Two-factor login for officers and ministry reviewers when WASL_REQUIRE_MFA is on (HTML side)."""

from __future__ import annotations

from django.shortcuts import redirect

from accounts.mfa import mfa_missing

# Paths a person must reach to set two-factor up (and to leave); the API has its own permission.
_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(_EXEMPT_PREFIXES) and mfa_missing(request.user):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
