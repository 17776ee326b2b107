"""Phone numbers: validated with libphonenumber and stored in E.164 (+212…)."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _

from associations.errors import WaslError
from associations.formatting import ltr_isolate

DEFAULT_REGION = "MA"


def invalid_phone_message() -> str:
    """The example number stays in one left-to-right run inside an Arabic sentence (Unicode
    isolates in the text; pages turn them into <bdi dir="ltr">): unisolated, "06 12 34 56 78"
    reads "78 56 34 12 06" from the right."""
    return _("Enter a valid phone number, e.g. %(example)s.") % {"example": ltr_isolate("06 12 34 56 78")}


def phone_to_e164(raw: str, *, field: str = "phone") -> str:
    """'06 12 34 56 78' → '+212612345678'; raises WaslError for anything that is not a valid number."""
    try:
        number = phonenumbers.parse((raw or "").strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise WaslError(invalid_phone_message(), field=field, code="phone_invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise WaslError(invalid_phone_message(), field=field, code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
