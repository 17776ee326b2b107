"""Phone numbers: validated with libphonenumber and stored in E.164 (+212…)."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

from associations.errors import WaslError

DEFAULT_REGION = "MA"


def phone_to_e164(raw: str, *, field: str = "phone") -> str:
    """'06 12 34 56 78' → '+212612345678'; raises WaslError for anything that is not a valid number."""
    try:
        number = phonenumbers.parse((raw or "").strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise WaslError(_("Enter a valid phone number, e.g. 06 12 34 56 78."), field=field) from exc
    if not phonenumbers.is_valid_number(number):
        raise WaslError(_("Enter a valid phone number, e.g. 06 12 34 56 78."), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
