"""Text normalisation for search in Arabic and Latin scripts, and directional control characters."""

import re
import unicodedata

from django.utils.translation import gettext as _

from associations.errors import WaslError

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat + tatweel
_ARABIC_FOLDS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
)
_SPACES = re.compile(r"\s+")


def normalise_for_search(text: str) -> str:
    """Fold case, Latin accents, Arabic diacritics and letter variants so that 'Fès' finds 'fes'
    and 'جمعية الأمل' finds 'جمعيه الامل'."""
    text = _ARABIC_DIACRITICS.sub("", text or "")
    text = text.translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    # Drop combining marks of Latin letters only; Arabic marks were handled above.
    text = "".join(c for c in decomposed if not (unicodedata.combining(c) and ord(c) < 0x0600))
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip()


# Words every association name carries ("association", articles, "for", "and"): two names that
# differ only by these are the same name to a reader.
_GENERIC_NAME_WORDS = frozenset(
    {
        "association", "asso", "ass", "assoc", "جمعيه",
        "l", "d", "de", "des", "du", "la", "le", "les", "pour", "et", "a", "au", "aux", "en",
        "al", "el", "the", "of", "for", "and",
        "ال", "و", "ل", "ب", "في", "من",
    }
)  # fmt: skip
# Arabic article, alone or after a one-letter proclitic (و and, ب with, ف so, ك as, ل for).
_ARABIC_ARTICLE = re.compile(r"^(?:[وبفك]?ال|لل)(?=..)")
_NON_WORD = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A comparison key for association names: the normalised words without generic ones and
    the Arabic article, in sorted order. "Association AL-AMAL pour le Développement" and
    "association al amal, développement" share a key; so do "جمعية الأمل للتنمية" and "جمعيه امل
    التنميه". Used to warn of look-alike names (an exact match of keys, not a fuzzy one)."""
    words = _NON_WORD.sub(" ", normalise_for_search(text)).split()
    words = [_ARABIC_ARTICLE.sub("", word) for word in words]
    return " ".join(sorted(word for word in words if word not in _GENERIC_NAME_WORDS))[:250]


# Unicode's explicit directional formatting characters (UAX #9): embeddings and overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069). An unterminated RIGHT-TO-LEFT OVERRIDE in a name
# reverses whatever follows it on the page, in a CSV cell or in an e-mail ("Ahmed\u202egnp.exe").
# No name or address needs them: input refuses them; output strips them from older data.
BIDI_FORMATTING = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Directional marks (LRM, RLM, ALM) are invisible and only nudge their neighbours; some Arabic
# keyboards insert them. They are dropped from names (they make look-alike duplicates and defeat
# search) rather than refused.
BIDI_MARKS = "\u200e\u200f\u061c"
_BIDI_FORMATTING = re.compile(f"[{BIDI_FORMATTING}]")
_BIDI_ANY = re.compile(f"[{BIDI_FORMATTING}{BIDI_MARKS}]")


def has_bidi_formatting(text: str | None) -> bool:
    return bool(text) and _BIDI_FORMATTING.search(text) is not None


def refuse_bidi_formatting(text: str | None, *, field: str) -> None:
    """Raise the application's error, on `field`, when the text holds a directional formatting
    character."""
    if has_bidi_formatting(text):
        raise WaslError(
            _(
                "This field contains invisible characters that reverse or change the direction of "
                "the text that follows. Type it again without them."
            ),
            field=field,
            code="bidi_formatting",
        )


def strip_bidi_marks(text: str) -> str:
    return re.sub(f"[{BIDI_MARKS}]", "", text or "")


def strip_bidi_controls(text: str) -> str:
    """The text without any directional formatting character or mark: safe to print anywhere
    (a CSV cell, a plain-text e-mail) where it cannot be isolated from what follows."""
    if not text or text.isascii():  # the common case, and cheap: exports call this for every cell
        return text or ""
    return _BIDI_ANY.sub("", text)
