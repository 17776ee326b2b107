"""Two-factor login for officers and ministry reviewers when WASL_REQUIRE_MFA is on."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from associations.selectors import user_is_officer_anywhere
from config.errors import json_error

# Paths a person must reach to set two-factor up (and to leave).
_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")


def mfa_required_for(user) -> bool:
    return bool(user.is_ministry_reviewer or user.is_staff or user_is_officer_anywhere(user=user))


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.WASL_REQUIRE_MFA
            and user.is_authenticated
            and not request.path_info.startswith(_EXEMPT_PREFIXES)
            and mfa_required_for(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            if request.path_info.startswith("/api/"):
                return json_error(403, "mfa_required", _("Set up two-factor login before using the API."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
