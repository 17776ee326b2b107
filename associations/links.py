"""Absolute links (e-mailed links, QR codes, printed hints) on the address the site is served on.

`WASL_BASE_URL`, when set (production: the public HTTPS address), is the base of every absolute
link. When it is not set (`make run`, a developer's `runserver 0.0.0.0:8101`), links follow the
request being served: its scheme and host, already checked against ALLOWED_HOSTS by Django, as
`config.middleware.RequestOriginMiddleware` records them. Work done outside a request (a Celery
worker, a management command) uses `WASL_BASE_URL`, else the local default.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings

LOCAL_DEFAULT = "http://127.0.0.1:8000"
_request_origin: ContextVar[str | None] = ContextVar("wasl_request_origin", default=None)


def base_url() -> str:
    """Scheme and host (and port) that absolute links start with, without a trailing slash."""
    configured = (getattr(settings, "WASL_BASE_URL", "") or "").rstrip("/")
    return configured or _request_origin.get() or LOCAL_DEFAULT


def absolute_url(path: str) -> str:
    """`path` (starting with "/") as an absolute link."""
    return base_url() + path


@contextlib.contextmanager
def serving_origin(origin: str | None) -> Iterator[None]:
    """Links made inside the block follow `origin` (e.g. "http://127.0.0.1:8101"), unless
    WASL_BASE_URL is set."""
    token = _request_origin.set(origin.rstrip("/") if origin else None)
    try:
        yield
    finally:
        _request_origin.reset(token)
