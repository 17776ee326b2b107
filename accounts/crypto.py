"""Encryption of the two-factor secrets allauth stores: TOTP keys and recovery-code seeds.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key derived from WASL_MFA_KEY by
HKDF-SHA256, so any long random string serves as the setting. Stored values carry a prefix: it tells
an encrypted value from a clear one (migration accounts 0002 encrypted the rows written before) and
leaves room for another scheme later.

The derivation is copied, frozen, into that migration: change it here only with a migration that
re-encrypts what is stored.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"


@functools.lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wasl mfa secrets").derive(
        key_material.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def secret_encrypt(text: str) -> str:
    return PREFIX + _fernet(settings.WASL_MFA_KEY).encrypt(text.encode("utf-8")).decode("ascii")


def secret_decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        # Never fall back to a clear value: a row written around the adapter is a bug to see.
        raise ImproperlyConfigured("A two-factor secret is stored unencrypted: run `manage.py migrate`.")
    try:
        return _fernet(settings.WASL_MFA_KEY).decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "WASL_MFA_KEY does not decrypt the stored two-factor secrets: was the key changed?"
        ) from exc
