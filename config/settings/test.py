"""Test settings: SQLite unless DATABASE_URL points at PostgreSQL (CI always does)."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WASL_REQUIRE_MFA = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}
# Tasks run in-process in tests; tests/test_celery_worker.py runs a real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
