"""Two-factor login rule: officers, ministry reviewers and platform staff need a TOTP device when
WASL_REQUIRE_MFA is on. Read by the HTML middleware and by the API permission alike."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from associations.selectors import user_is_officer_anywhere


def mfa_required_for(user) -> bool:
    return bool(user.is_ministry_reviewer or user.is_staff or user_is_officer_anywhere(user=user))


def mfa_missing(user) -> bool:
    """True when the rule applies to this signed-in user and they have not set up TOTP."""
    return bool(
        settings.WASL_REQUIRE_MFA
        and user.is_authenticated
        and mfa_required_for(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


class MFASatisfied(BasePermission):
    """API side of the rule; also covers personal access tokens, which the middleware cannot see."""

    message = _("Set up two-factor login before using the API.")
    code = "mfa_required"

    def has_permission(self, request, view) -> bool:
        return not mfa_missing(request.user)
