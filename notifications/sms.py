"""SMS backends: a small interface, a console backend for the demo and a generic HTTP gateway.

Choose with WASL_SMS_BACKEND; the HTTP gateway is configured with WASL_SMS_GATEWAY_URL,
WASL_SMS_GATEWAY_TOKEN and WASL_SMS_SENDER (see .env.example).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; the outbox retries with backoff."""


class SmsBackend:
    def send(self, *, to: str, body: str) -> str:
        """Send one SMS to an E.164 number; return the gateway's message id (or "")."""
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Writes the SMS to the log (the demo's stand-in, like the console e-mail backend)."""

    def send(self, *, to: str, body: str) -> str:
        logger.warning("SMS to %s: %s", to, body)
        return ""


class HttpGatewaySmsBackend(SmsBackend):
    """POSTs JSON {"to", "from", "text"} with a bearer token; any 2xx is success."""

    def __init__(
        self, *, url: str | None = None, token: str | None = None, sender: str | None = None
    ) -> None:
        self.url = url or settings.WASL_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.WASL_SMS_GATEWAY_TOKEN
        self.sender = sender if sender is not None else settings.WASL_SMS_SENDER
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("WASL_SMS_GATEWAY_URL is not set to an http(s) URL.")

    def send(self, *, to: str, body: str) -> str:
        payload = json.dumps({"to": to, "from": self.sender, "text": body}).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's configured gateway
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise SmsError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(answer or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            return ""


def get_sms_backend() -> SmsBackend:
    return import_string(settings.WASL_SMS_BACKEND)()
