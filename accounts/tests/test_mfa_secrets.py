"""Two-factor secrets are stored encrypted (accounts.MFAAdapter), never shown in the admin, and the
rows stored in clear before are encrypted by migration accounts 0002; TOTP login still works."""

import base64
import hashlib
import hmac
import importlib
import json
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.crypto import secret_decrypt
from accounts.tests.factories import UserFactory

encryption_migration = importlib.import_module("accounts.migrations.0002_encrypt_two_factor_secrets")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # rate limits, and the codes allauth remembers as used
    yield
    cache.clear()


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 (30-second steps, 6 digits, SHA-1), computed here rather than by allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def stored_data(authenticator_id: int) -> str:
    """The data column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        (raw,) = cursor.fetchone()
    return raw if isinstance(raw, str) else json.dumps(raw)


def _log_in_with_password(client: Client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": "correct-horse-battery"})


def test_totp_set_up_on_the_site_is_stored_encrypted_and_logs_in(db, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30-second step still counts
    user = UserFactory(email="officer@example.ma")
    client = Client(headers={"Accept-Language": "en"})
    assert _log_in_with_password(client, user.email).status_code == 302
    # A reauthentication (what the site asks when the login is older than a few minutes) is accepted.
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert activated.status_code == 302

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    seeds = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert secret not in stored_data(totp.pk)
    assert totp.data["secret"].startswith("fernet:") and secret_decrypt(totp.data["secret"]) == secret
    assert seeds.data["seed"].startswith("fernet:")
    assert secret_decrypt(seeds.data["seed"]) not in stored_data(seeds.pk)

    client.post(reverse("account_logout"))
    cache.clear()  # the activation code counts as used; a person would wait for the next one
    second_step = _log_in_with_password(client, user.email)
    assert second_step.status_code == 302 and second_step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": f"{(int(totp_code(secret)) + 7) % 10**6:06d}"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_recovery_code_from_the_encrypted_seed_logs_in(db):
    user = UserFactory(email="traveller@example.ma")
    TOTP.activate(user, generate_totp_secret())
    codes = RecoveryCodes.activate(user).get_unused_codes()
    client = Client(headers={"Accept-Language": "en"})
    assert _log_in_with_password(client, user.email)["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_admin_never_shows_the_secrets(db):
    admin_user = UserFactory(email="operator@example.ma", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    totp = TOTP.activate(UserFactory(), secret).instance
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(admin_user)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert secret not in body and totp.data["secret"] not in body and "fernet:" not in body
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    assert secret not in client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()


def test_migration_encrypts_clear_secrets_once_and_can_be_reversed(db):
    secret = generate_totp_secret()
    seed, migrated = "ab" * 40, ["12345678", "87654321"]
    user = UserFactory()
    totp = Authenticator.objects.create(user=user, type="totp", data={"secret": secret})
    codes = Authenticator.objects.create(
        user=user, type="recovery_codes", data={"seed": seed, "used_mask": 0, "migrated_codes": migrated}
    )

    encryption_migration.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert secret not in stored_data(totp.pk) and seed not in stored_data(codes.pk)
    assert secret_decrypt(totp.data["secret"]) == secret  # the migration and the adapter agree
    assert secret_decrypt(codes.data["seed"]) == seed
    assert [secret_decrypt(c) for c in codes.data["migrated_codes"]] == migrated
    assert totp.wrap().validate_code(totp_code(secret))

    encrypted = (totp.data, codes.data)
    encryption_migration.encrypt_secrets(apps, None)  # idempotent
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert (totp.data, codes.data) == encrypted

    encryption_migration.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data == {"secret": secret}
    assert codes.data == {"seed": seed, "used_mask": 0, "migrated_codes": migrated}


def test_a_clear_or_foreign_secret_is_refused_not_used(db, settings):
    with pytest.raises(ImproperlyConfigured):
        secret_decrypt(generate_totp_secret())
    user = UserFactory()
    stored = TOTP.activate(user, generate_totp_secret()).instance.data["secret"]
    settings.WASL_MFA_KEY = "another-key-" + "y" * 40
    with pytest.raises(ImproperlyConfigured, match="WASL_MFA_KEY"):
        secret_decrypt(stored)
