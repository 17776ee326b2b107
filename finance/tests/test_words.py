"""Golden amounts in words (Arabic and French, MAD) for receipts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance.words import amount_in_words

GOLDEN = [
    ("0.01", "سنتيم واحد", "un centime"),
    ("1", "درهم واحد", "un dirham"),
    ("2", "درهمان", "deux dirhams"),
    ("3", "ثلاثة دراهم", "trois dirhams"),
    ("10", "عشرة دراهم", "dix dirhams"),
    ("11", "أحد عشر درهماً", "onze dirhams"),
    ("100", "مائة درهم", "cent dirhams"),
    ("101", "مائة وواحد درهم", "cent un dirhams"),
    ("1000", "ألف درهم", "mille dirhams"),
    ("2000", "ألفا درهم", "deux mille dirhams"),
    ("1000000", "مليون درهم", "un million de dirhams"),
    ("2000000.05", "مليونا درهم وخمسة سنتيمات", "deux millions de dirhams et cinq centimes"),
    (
        "1250.50",
        "ألف ومئتان وخمسون درهماً وخمسون سنتيماً",
        "mille deux cent cinquante dirhams et cinquante centimes",
    ),
]


@pytest.mark.parametrize(("amount", "arabic", "french"), GOLDEN)
def test_amount_in_words(amount, arabic, french):
    assert amount_in_words(Decimal(amount), "ar") == arabic
    assert amount_in_words(Decimal(amount), "fr") == french


def test_an_int_is_whole_dirhams_not_centimes():
    # num2words' French currency path reads a Python int as cents; the wrapper does not.
    assert amount_in_words(1000000, "fr") == "un million de dirhams"


@pytest.mark.parametrize("bad", ["-1", "1.005", "abc", "NaN"])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad, "fr")
