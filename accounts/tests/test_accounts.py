"""Accounts: e-mail login, verification, login by code, rate limits, two-factor for officers."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_login_by_email_and_password(client, db):
    UserFactory(email="amina@example.ma")
    response = client.post(
        reverse("account_login"), {"login": "amina@example.ma", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("associations:me")).status_code == 200


def test_failed_logins_are_rate_limited_per_account(client, db):
    UserFactory(email="target@example.ma")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.ma", "password": "wrong-password"})
    response = client.post(
        reverse("account_login"), {"login": "target@example.ma", "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_signup_requires_email_verification(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nouveau@example.ma",
            "password1": "a-Long-passphrase-42",
            "password2": "a-Long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouveau@example.ma").exists()
    assert "_auth_user_id" not in client.session  # not logged in before verifying
    assert any("nouveau@example.ma" in m.to for m in mail.outbox)


def test_login_by_code_and_password_reset_pages(client, db):
    assert client.get(reverse("account_request_login_code")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code == 200


@pytest.mark.parametrize(
    ("who", "must_set_up_mfa"),
    [("president", True), ("treasurer", True), ("member", False), ("reviewer", True)],
)
def test_two_factor_required_for_officers_and_reviewers(client, tenant_a, settings, who, must_set_up_mfa):
    settings.WASL_REQUIRE_MFA = True
    user = UserFactory(is_ministry_reviewer=True) if who == "reviewer" else getattr(tenant_a, who)
    client.force_login(user)
    response = client.get(reverse("associations:me"))
    if must_set_up_mfa:
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
        api = client.get("/api/v1/me/associations/")
        assert api.status_code == 403 and api.json()["error"]["code"] == "mfa_required"
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        assert client.get(reverse("associations:me")).status_code == 200
    else:
        assert response.status_code == 200


def test_two_factor_not_required_in_the_demo(client, tenant_a, settings):
    settings.WASL_REQUIRE_MFA = False
    client.force_login(tenant_a.president)
    assert client.get(reverse("associations:me")).status_code == 200
