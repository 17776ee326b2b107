"""SMS backends: a small interface, a console backend for the demo and a generic HTTP gateway.

Choose with WASL_SMS_BACKEND; the HTTP gateway is configured with WASL_SMS_GATEWAY_URL,
WASL_SMS_GATEWAY_TOKEN and WASL_SMS_SENDER (see .env.example).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
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


# --- Segments: what an SMS costs ----------------------------------------------------------------

# The GSM 03.38 default alphabet (7-bit) and its extension table (each extension character takes
# two septets). Any other character (Arabic letters among them) makes the whole SMS UCS-2.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsCost:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # 0 for an empty text
    per_segment: int  # characters a segment holds at this length (160/153 or 70/67)


def sms_cost(text: str) -> SmsCost:
    """How many segments `text` takes: 160 GSM-7 characters (or 70 UCS-2 ones, e.g. Arabic) in one
    SMS; a longer text is split into segments of 153 (or 67), the rest carrying the joining header."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2  # characters outside the BMP take two units
        single, multi, encoding = 70, 67, "UCS-2"
    if units == 0:
        return SmsCost(encoding, 0, 0, single)
    if units <= single:
        return SmsCost(encoding, units, 1, single)
    return SmsCost(encoding, units, -(-units // multi), multi)


# --- Gateway rate limit ---------------------------------------------------------------------------


class SmsRateLimiter:
    """At most `per_second` SMS handed to the gateway each second, across every worker sharing the
    cache (Redis in production; with the in-memory cache, per process). `acquire()` waits for a
    free slot in the current or a following second."""

    def __init__(self, per_second: int, *, clock=time.time, sleep=time.sleep) -> None:
        self.per_second = per_second
        self.clock = clock
        self.sleep = sleep

    def acquire(self) -> None:
        if self.per_second <= 0:
            return  # no limit configured
        while True:
            now = self.clock()
            key = f"wasl:sms-rate:{int(now)}"
            cache.add(key, 0, timeout=5)
            try:
                used = cache.incr(key)
            except ValueError:  # the key expired between add and incr: try this second again
                continue
            if used <= self.per_second:
                return
            self.sleep(max(0.0, int(now) + 1 - now) + 0.001)


def sms_rate_limiter() -> SmsRateLimiter:
    return SmsRateLimiter(settings.WASL_SMS_RATE_PER_SECOND)
