"""Text normalisation for search in Arabic and Latin scripts."""

import re
import unicodedata

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
