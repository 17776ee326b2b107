"""Existing associations: fill their name keys, and mark them verified.

Every association on the platform before verification existed was onboarded by an operator (the
CLI `association_create`, or the demo), who saw its papers: they migrate as verified, with
`verified_by` empty (no operator is recorded for them) and `verified_at` the migration's time.
Associations registered from now on start unverified.

The name-key function is frozen here (migrations never import app code): it is a copy of
`associations.text.name_key` as it stood when this migration was written.
"""

import re
import unicodedata

from django.db import migrations
from django.utils import timezone

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLDS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
)
_SPACES = re.compile(r"\s+")
_GENERIC_NAME_WORDS = frozenset(
    {
        "association", "asso", "ass", "assoc", "جمعيه",
        "l", "d", "de", "des", "du", "la", "le", "les", "pour", "et", "a", "au", "aux", "en",
        "al", "el", "the", "of", "for", "and",
        "ال", "و", "ل", "ب", "في", "من",
    }
)
_ARABIC_ARTICLE = re.compile(r"^(?:[وبفك]?ال|لل)(?=..)")
_NON_WORD = re.compile(r"[\W_]+")


def _normalise(text):
    text = _ARABIC_DIACRITICS.sub("", text or "")
    text = text.translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not (unicodedata.combining(c) and ord(c) < 0x0600))
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip()


def _name_key(text):
    words = _NON_WORD.sub(" ", _normalise(text)).split()
    words = [_ARABIC_ARTICLE.sub("", word) for word in words]
    return " ".join(sorted(word for word in words if word not in _GENERIC_NAME_WORDS))[:250]


def forwards(apps, schema_editor):
    Association = apps.get_model("associations", "Association")
    now = timezone.now()
    for association in Association.objects.all().only("pk", "name_ar", "name_fr").iterator(chunk_size=2000):
        Association.objects.filter(pk=association.pk).update(
            name_ar_key=_name_key(association.name_ar),
            name_fr_key=_name_key(association.name_fr),
            verified_at=now,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("associations", "0005_association_verification_and_name_keys"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
