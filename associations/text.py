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
