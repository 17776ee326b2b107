"""Encrypt the TOTP keys and recovery-code seeds allauth stored in clear before accounts.MFAAdapter.

Idempotent: values already encrypted (prefixed) are left alone. Reversible: backwards decrypts.
The derivation below is a frozen copy of accounts/crypto.py (migrations import no app code); a test
checks that both agree.
"""

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations

PREFIX = "fernet:"


def _fernet():
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wasl mfa secrets").derive(
        settings.WASL_MFA_KEY.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _encrypt(fernet, value):
    if value.startswith(PREFIX):
        return value
    return PREFIX + fernet.encrypt(value.encode("utf-8")).decode("ascii")


def _decrypt(fernet, value):
    if not value.startswith(PREFIX):
        return value
    return fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")


def _convert(apps, convert):
    Authenticator = apps.get_model("mfa", "Authenticator")
    fernet = _fernet()
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).iterator():
        data = dict(authenticator.data)
        for name in ("secret", "seed"):
            if isinstance(data.get(name), str):
                data[name] = convert(fernet, data[name])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [convert(fernet, code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    _convert(apps, _encrypt)


def decrypt_secrets(apps, schema_editor):
    _convert(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False)]
