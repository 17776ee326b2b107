"""Amounts in words, in Arabic and in French, in Moroccan dirhams (MAD), for receipts.

num2words has no dirham: its Arabic converter falls back to the Saudi riyal for an unknown code
and its French one refuses it. Both are subclassed here with a MAD currency (dirham / centime,
درهم / سنتيم), and the parts are put together by the rules of each language: in Arabic the counted
noun follows the number (درهم واحد، درهمان، ثلاثة دراهم، أحد عشر درهماً، مائة درهم), in French
"un million de dirhams" and no "et zéro centime". Amounts are Decimal with two places, never float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from num2words.lang_AR import Num2Word_AR
from num2words.lang_FR import Num2Word_FR

DIRHAM_AR = ("درهم", "درهمان", "دراهم", "درهماً")
CENTIME_AR = ("سنتيم", "سنتيمان", "سنتيمات", "سنتيماً")


class Num2WordMAD_AR(Num2Word_AR):
    """The Arabic converter, knowing the dirham (both nouns are masculine)."""

    def set_currency_prefer(self, currency):
        if currency == "MAD":
            self.currency_unit = DIRHAM_AR
            self.currency_subunit = CENTIME_AR
            self.partPrecision = 2
            self.isCurrencyPartNameFeminine = False
            return
        super().set_currency_prefer(currency)

    def counted(self, number: int, forms: tuple[str, str, str, str]) -> str:
        """A whole number of dirhams (or centimes) with its noun, e.g. "ثلاثة دراهم"."""
        if number == 1:
            return f"{forms[0]} واحد"
        if number == 2:
            return forms[1]
        self.set_currency_prefer("MAD")
        self.currency_unit = forms
        self.isCurrencyNameFeminine = False
        self.separator = "و"
        self.arabicPrefixText = self.arabicSuffixText = ""
        return self.convert(value=Decimal(number))


class Num2WordMAD_FR(Num2Word_FR):
    CURRENCY_FORMS = {**Num2Word_FR.CURRENCY_FORMS, "MAD": (("dirham", "dirhams"), ("centime", "centimes"))}

    def counted(self, number: int, forms: tuple[str, str]) -> str:
        if number == 1:
            return f"un {forms[0]}"
        words = self.to_cardinal(number)
        # "un million de dirhams", "deux milliards de dirhams" (a noun of quantity takes "de").
        joiner = " de " if re.search(r"(million|milliard)s?$", words) else " "
        return f"{words}{joiner}{forms[1]}"


def _parts(amount) -> tuple[int, int]:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"not an amount in MAD with two decimals at most: {amount!r}")
    cents = int(value * 100)
    return cents // 100, cents % 100


def _attach_wa(text: str) -> str:
    """Arabic writes the conjunction و joined to the next word ("مائة وواحد")."""
    return re.sub(r"(^|\s)و\s+", r"\1و", " ".join(text.split()))


def amount_in_words(amount, language: str) -> str:
    """`amount` (a Decimal, or a str/int of one) in words in "ar" or "fr", in dirhams and centimes."""
    dirhams, centimes = _parts(amount)
    # A converter per call: num2words keeps the number being converted on the instance.
    if language.startswith("ar"):
        converter = Num2WordMAD_AR()
        parts = []
        if dirhams:
            parts.append(converter.counted(dirhams, DIRHAM_AR))
        if centimes:
            parts.append(converter.counted(centimes, CENTIME_AR))
        if not parts:
            return "صفر درهم"
        return _attach_wa(" و ".join(parts))
    if language.startswith("fr"):
        french = Num2WordMAD_FR()
        unit, subunit = Num2WordMAD_FR.CURRENCY_FORMS["MAD"]
        parts = []
        if dirhams:
            parts.append(french.counted(dirhams, unit))
        if centimes:
            parts.append(french.counted(centimes, subunit))
        return " et ".join(parts) if parts else "zéro dirham"
    raise ValueError(f"no amounts in words in {language!r}")
