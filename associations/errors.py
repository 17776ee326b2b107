"""The application's one error type, mapped once to HTTP (config/errors.py) and to forms."""

from __future__ import annotations


class WaslError(Exception):
    """A business rule said no. `message` is already translated; `field` names the input at fault;
    `code` and `params` say the same without words, for what is stored and read later in another
    language (an import's report keeps the code and the values, and translates when shown)."""

    status_code = 400

    def __init__(
        self, message: str, *, field: str | None = None, code: str = "invalid", params: dict | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.params = params or {}


class NotFound(WaslError):
    """Missing or not yours: both answer alike, so a stranger learns nothing."""

    status_code = 404

    def __init__(self, message: str = "", *, code: str = "not_found") -> None:
        from django.utils.translation import gettext

        super().__init__(message or gettext("Not found."), code=code)
