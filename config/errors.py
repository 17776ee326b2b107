"""One error format for every failure.

API (`/api/`): `{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {...}}}`.
HTML: a translated page. Both for Django's own failures (404, 403, 400 for oversized or malformed
requests, CSRF, 500) and for the application's `WaslError`.
"""

from __future__ import annotations

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from associations.errors import WaslError


def json_error(http_status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    body: dict = {"status": http_status, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return JsonResponse({"error": body}, status=http_status, json_dumps_params={"ensure_ascii": False})


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def api_exception_handler(exc, context):
    if isinstance(exc, WaslError):
        set_rollback()  # nothing the request wrote before the refusal is kept
        fields = {exc.field: [exc.message]} if exc.field else None
        return json_error(exc.status_code, exc.code, exc.message, fields)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers (in JSON for /api/)
    if isinstance(exc, exceptions.ValidationError):
        return json_error(
            response.status_code, "invalid", _("Some fields are not valid."), _flatten(exc.detail)
        )
    if isinstance(exc, exceptions.NotFound) or response.status_code == status.HTTP_404_NOT_FOUND:
        return json_error(404, "not_found", _("Not found."))
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", "")
    message = str(detail) if not isinstance(detail, dict | list) else _("The request could not be processed.")
    error = json_error(response.status_code, code, message)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            error[header] = response[header]
    return error


def _error_page(request, status: int, title: str, message: str):
    return render(request, "errors/page.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error(400, "bad_request", _("The request is malformed or too large."))
    return _error_page(
        request, 400, _("Bad request"), _("The request was malformed or too large. Nothing was saved.")
    )


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error(403, "permission_denied", _("You do not have permission to do this."))
    return _error_page(
        request, 403, _("Not allowed"), _("Your role in this association does not allow this.")
    )


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error(404, "not_found", _("Not found."))
    return _error_page(
        request, 404, _("Page not found"), _("This page does not exist, or you do not have access to it.")
    )


def server_error(request):
    if _is_api(request):
        return json_error(500, "server_error", _("Something went wrong on our side. Nothing was saved."))
    # Rendered without the request: the failure may be the database the context processors read.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))


def csrf_failure(request, reason=""):
    if _is_api(request):
        return json_error(
            403, "csrf_failed", _("Your session's security check failed. Reload the page and try again.")
        )
    return _error_page(
        request,
        403,
        _("Security check failed"),
        _(
            "The form expired or was sent from another site. "
            "Reload the page and try again. Nothing was saved."
        ),
    )


def too_many_requests(request):
    """allauth's rate limits (logins, sign-ups, codes, password resets) answer with this handler:
    the root URLconf's `handler429`, which allauth looks up."""
    return _error_page(
        request,
        429,
        _("Too many attempts"),
        _("Too many attempts from your connection in a short time. Wait a few minutes, then try again."),
    )
