"""Who may open /ministry/: ministry reviewers, signed in with two-factor login (accounts.mfa)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect

from accounts.mfa import mfa_missing
from ministry.models import ExportRecord


def is_reviewer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_ministry_reviewer)


def reviewer_required(view):
    """Anonymous → login; not a reviewer → 404 (the view does not exist for them); a reviewer
    without two-factor login → its set-up page, as the middleware does, even if the middleware
    is left out of a deployment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_reviewer(request.user):
            raise Http404
        if mfa_missing(request.user):
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


def record_export(user, kind: str, params: dict) -> ExportRecord:
    """Every export a reviewer makes is recorded (who, what, with which filters, when)."""
    return ExportRecord.objects.create(user=user, kind=kind, params=params)
