"""Two-factor login rule: officers, ministry reviewers and platform staff need a TOTP device when
WASL_REQUIRE_MFA is on. Read by the HTML middleware and by the API permission alike."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

# Who else needs two-factor login, decided by the layers above (accounts knows no association):
# the tenant core registers "holds an officer role somewhere" in AssociationsConfig.ready().
_MFA_RULES: list[Callable[..., bool]] = []


def register_mfa_rule(rule: Callable[..., bool]) -> Callable[..., bool]:
    """`rule(user)` is true when the user must use two-factor login."""
    if rule not in _MFA_RULES:
        _MFA_RULES.append(rule)
    return rule


def mfa_required_for(user) -> bool:
    return bool(
        user.is_ministry_reviewer
        or user.is_training_manager
        or user.is_staff
        or any(rule(user) for rule in _MFA_RULES)
    )


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
