"""Production settings and the production shape (docker-compose): what they trust and refuse.

Production settings are loaded in a child process (they read the environment at import time and
refuse to load without their secrets), with placeholder values that open no connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from associations.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "wasl.example.ma",
    "DATABASE_URL": "postgres://wasl_app:unused@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "WASL_MFA_KEY": "test-only-" + "k" * 40,
}


def load_production_settings(*names: str, **env: str) -> subprocess.CompletedProcess:
    """Import config.settings.production with PRODUCTION_ENV and `env` (an empty string counts as
    unset: it also masks a developer's .env) and print the named settings as JSON."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WASL_"))}
    child_env |= PRODUCTION_ENV | env
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=60
    )


def production_settings(*names: str, **env: str) -> dict:
    loaded = load_production_settings(*names, **env)
    assert loaded.returncode == 0, loaded.stderr
    return json.loads(loaded.stdout)


# --- Rate limits behind the proxy (issue 7, item 7) ------------------------------------------------


def test_production_trusts_one_proxy_for_the_client_address_by_default():
    assert production_settings("ALLAUTH_TRUSTED_PROXY_COUNT") == {"ALLAUTH_TRUSTED_PROXY_COUNT": 1}
    assert production_settings("ALLAUTH_TRUSTED_PROXY_COUNT", WASL_TRUSTED_PROXY_COUNT="2") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 2
    }


def test_production_refuses_to_key_rate_limits_on_the_proxy_address():
    refused = load_production_settings("ALLAUTH_TRUSTED_PROXY_COUNT", WASL_TRUSTED_PROXY_COUNT="0")
    assert refused.returncode != 0 and "WASL_TRUSTED_PROXY_COUNT" in refused.stderr
    by_header = production_settings(
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER",
        WASL_TRUSTED_PROXY_COUNT="0",
        WASL_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    )
    assert by_header == {"ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}


def test_docker_compose_counts_its_proxy_and_keeps_gunicorn_behind_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in ("web", "worker", "beat"):
        assert compose["services"][service]["environment"]["WASL_TRUSTED_PROXY_COUNT"] == (
            "${WASL_TRUSTED_PROXY_COUNT:-1}"
        )
    # Reached directly, gunicorn would take a client's own X-Forwarded-For at its word.
    assert all(port.startswith("127.0.0.1:") for port in compose["services"]["web"]["ports"])


@pytest.fixture
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _behind_proxy(forwarded_for: str) -> Client:
    # Every request reaches gunicorn from the proxy's address; the proxy appends the client's.
    return Client(
        headers={"Accept-Language": "en"}, REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded_for
    )


@pytest.mark.usefixtures("_empty_cache")
def test_failed_logins_lock_out_one_client_not_everyone_behind_the_proxy(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = production_settings("ALLAUTH_TRUSTED_PROXY_COUNT")[
        "ALLAUTH_TRUSTED_PROXY_COUNT"
    ]
    UserFactory(email="honest@example.ma")
    attacker = _behind_proxy("203.0.113.9")
    login = reverse("account_login")
    for attempt in range(10):  # the per-address limit: 10 failures a minute
        attacker.post(login, {"login": f"guess{attempt}@example.ma", "password": "wrong-password"})
    locked = attacker.post(login, {"login": "guess-more@example.ma", "password": "wrong-password"})
    assert "Too many failed login attempts" in locked.content.decode()
    # Claiming the honest client's address in a forged header does not help: the proxy appends the
    # real one, and only that entry is trusted.
    forged = _behind_proxy("198.51.100.20, 203.0.113.9").post(
        login, {"login": "guess-again@example.ma", "password": "wrong-password"}
    )
    assert "Too many failed login attempts" in forged.content.decode()

    honest = _behind_proxy("198.51.100.20")
    response = honest.post(login, {"login": "honest@example.ma", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert "_auth_user_id" in honest.session


# --- Two-factor secrets encrypted at rest (issue 7, item 13) --------------------------------------


def test_production_refuses_to_start_without_a_key_for_the_two_factor_secrets():
    for missing_or_short in ("", "too-short"):
        refused = load_production_settings("WASL_MFA_KEY", WASL_MFA_KEY=missing_or_short)
        assert refused.returncode != 0 and "Production needs WASL_MFA_KEY" in refused.stderr
    key = "k" * 48
    assert production_settings("WASL_MFA_KEY", "MFA_ADAPTER", WASL_MFA_KEY=key) == {
        "WASL_MFA_KEY": key,
        "MFA_ADAPTER": "accounts.adapters.MFAAdapter",
    }


def test_deploy_check_warns_when_workers_would_link_to_a_local_address(settings):
    from associations.checks import base_url_is_set_for_workers

    settings.WASL_BASE_URL = ""
    assert [w.id for w in base_url_is_set_for_workers()] == ["wasl.W002"]
    settings.WASL_BASE_URL = "http://127.0.0.1:8000"
    assert [w.id for w in base_url_is_set_for_workers()] == ["wasl.W002"]
    settings.WASL_BASE_URL = "https://wasl.example.ma"
    assert base_url_is_set_for_workers() == []
