"""How values read on pages and in PDFs, in the reader's language: money, phone numbers, and the
direction of free text inside right-to-left pages.

The tenant core is the lowest tenant layer, so every module (finance included) formats amounts and
phones the same way. Templates use the filters of `associations/templatetags/wasl_tags.py`.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

# The currency word after an amount, per language. Kept here rather than in the catalogues: it is
# locale data (as CLDR's), and "MAD" inside Arabic text reads as an untranslated code.
CURRENCY_WORDS = {"ar": "درهم", "fr": "MAD", "en": "MAD"}


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "ar").split("-")[0]


def format_amount(amount, *, language: str | None = None) -> str:
    """12345.5 → '12345,50' (ar), '12 345,50' (fr), '12,345.50' (en): two decimals, the
    language's separators. Anything that is not a number comes back as it is."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return str(amount)
    with translation.override(_language(language)):
        return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def currency_word(language: str | None = None) -> str:
    return CURRENCY_WORDS.get(_language(language), "MAD")


def format_money(amount, *, language: str | None = None) -> str:
    """'120,00 درهم' / '120,00 MAD' as plain text (CSV, e-mail, SMS). In an HTML page or a PDF use
    `money_html`, which keeps the figure in one left-to-right run inside Arabic text."""
    language = _language(language)
    return f"{format_amount(amount, language=language)}\u00a0{currency_word(language)}"


def money_html(amount, *, language: str | None = None) -> SafeString:
    language = _language(language)
    return format_html(
        '<bdi dir="ltr">{}</bdi>\u00a0{}', format_amount(amount, language=language), currency_word(language)
    )


def format_phone(e164: str) -> str:
    """'+212612345678' → '06 12 34 56 78' (Moroccan numbers as people write them at home),
    '+33612345678' → '+33 6 12 34 56 78'. Anything else comes back as it is."""
    value = (e164 or "").strip()
    if not value.startswith("+"):
        return value
    # The common case without libphonenumber's cost: a Moroccan number is +212 and nine digits.
    if value.startswith("+212") and len(value) == 13 and value[1:].isdigit():
        national = "0" + value[4:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def text_direction(text: str) -> str:
    """'rtl' or 'ltr' from the first strongly directional character, as `dir="auto"` decides in a
    browser. WeasyPrint ignores `dir="auto"`, so PDFs set the direction of free text (an address,
    a name) with this; text with no letter at all (a number, a date) is left to right."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


# Plain-text isolates (Unicode TR 9): the equivalent of <bdi dir="ltr"> in a message that is not
# HTML (an error returned by a service, shown on a page and in the API alike).
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def ltr_isolate(text: str) -> str:
    """Keep `text` (a phone number, a reference) in one left-to-right run inside any sentence."""
    return f"{LRI}{text}{PDI}"
