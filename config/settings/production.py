"""Production: PostgreSQL, Redis, HTTPS only, two-factor for officers. Passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLAUTH_TRUSTED_CLIENT_IP_HEADER, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# No silent fallback to SQLite (no row-level security) or to eager tasks and a per-process cache.
if not env("DATABASE_URL", default="").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL (the application role).")
if not env("REDIS_URL", default=""):
    raise ImproperlyConfigured("Production needs REDIS_URL (Celery broker, cache and login rate limits).")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Encrypts the two-factor secrets in the database; no default derived from anything else.
WASL_MFA_KEY = env("WASL_MFA_KEY", default="")
if len(WASL_MFA_KEY) < 32:
    raise ImproperlyConfigured(
        "Production needs WASL_MFA_KEY, 32 characters or more (it encrypts the two-factor secrets), "
        "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
    )
WASL_REQUIRE_MFA = env.bool("WASL_REQUIRE_MFA", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Trusting X-Forwarded-Proto means a TLS proxy is in front: without counting it, every client would
# share the proxy's address, and ten failed logins from anyone would lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("WASL_TRUSTED_PROXY_COUNT", default=1)
if ALLAUTH_TRUSTED_PROXY_COUNT < 1 and not ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured(
        "Production runs behind a TLS proxy: set WASL_TRUSTED_PROXY_COUNT (1 or more) "
        "or WASL_TRUSTED_CLIENT_IP_HEADER, so rate limits apply per client, not per proxy."
    )
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405 - private storage as configured in base
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
