"""The OpenAPI schema tells the truth about errors: every operation lists the error answers it can
give, in the one error format of config/errors.py, so a client (or schemathesis) finds no
undocumented status code.

Which errors an operation documents follows from how the API is built, not from a list per view:
- 400 when it writes (a body to validate, or a business rule that may refuse, e.g. removing the last
  president) or takes query parameters (validated, never ignored);
- 401 and 403 when it needs an authenticated caller (no token or session; a role without the
  capability, or two-factor login not set up);
- 404 when its path names something (an association you hold no role in answers 404 too).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="A human-readable message in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages for each field at fault.",
    )


class ErrorSerializer(serializers.Serializer):
    """`{"error": {...}}`: what config.errors.json_error writes for every failure."""

    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": "The input is not valid; `error.fields` names each field at fault. Nothing was saved.",
    "401": "No valid credentials: send a personal access token (`Authorization: Bearer …`) or a session.",
    "403": "Your role in this association does not allow this, or two-factor login is not set up.",
    "404": "Not found, or not yours: an association you hold no role in answers the same.",
}


class WaslAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error_ref = self.resolve_serializer(ErrorSerializer, direction).ref
        error_content = {"application/json": {"schema": error_ref}}
        for code in self._error_codes():
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        for code, response in responses.items():
            # A view may describe an error answer in its own words (@extend_schema with an
            # OpenApiResponse and no body): its body is still the one error format.
            if code.startswith(("4", "5")) and "content" not in response:
                response["content"] = error_content
        return responses

    def _error_codes(self) -> list[str]:
        codes = []
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or has_query:
            codes.append("400")
        if not all(
            isinstance(permission, permissions.AllowAny) for permission in self.view.get_permissions()
        ):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        return codes
