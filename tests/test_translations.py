"""The ar and fr catalogues cover every string the code marks for translation, and are compiled."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
LANGUAGES = ("ar", "fr")
# The project catalogue, plus one per app that keeps its own strings in `<app>/locale/` (makemessages
# puts a file's strings in the nearest locale directory, so a new module translates itself).
APP_LOCALE_DIRS = sorted(
    path for path in BASE.glob("*/locale") if path.is_dir() and path.parent.name not in {".venv", "var"}
)
LOCALE_DIRS = [BASE / "locale", *APP_LOCALE_DIRS]
CATALOGUES = [(locale_dir, language) for locale_dir in LOCALE_DIRS for language in LANGUAGES]
CATALOGUE_IDS = [f"{locale_dir.relative_to(BASE)}-{language}" for locale_dir, language in CATALOGUES]


def _po(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def test_every_locale_directory_has_both_catalogues():
    for locale_dir, language in CATALOGUES:
        assert (locale_dir / language / "LC_MESSAGES" / "django.po").is_file(), f"{locale_dir}: no {language}"


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=CATALOGUE_IDS)
def test_catalogue_is_complete_and_not_fuzzy(locale_dir, language):
    catalogue = _po(locale_dir, language)
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{language}: untranslated {untranslated[:10]}"
    assert fuzzy == [], f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=CATALOGUE_IDS)
def test_catalogue_is_compiled_and_current(locale_dir, language):
    po = _po(locale_dir, language)
    mo = polib.mofile(str(locale_dir / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        ), f"{language}: {entry.msgid!r} changed since the last compilemessages"


@pytest.mark.parametrize("locale_dir", LOCALE_DIRS, ids=[str(d.relative_to(BASE)) for d in LOCALE_DIRS])
def test_arabic_has_six_plural_forms(locale_dir):
    catalogue = _po(locale_dir, "ar")
    assert "nplurals=6" in catalogue.metadata["Plural-Forms"]
    for entry in catalogue:
        if entry.msgid_plural:
            assert len([v for v in entry.msgstr_plural.values() if v]) == 6, entry.msgid


# A translation that drops, renames or adds a placeholder breaks the page (KeyError) or shows
# the wrong value; a lost <bdi>/<code> tag breaks bidirectional text. Named (%(x)s), positional
# (%s, %d), brace ({x}) placeholders and HTML tags must match the msgid, in every plural form.
_PLACEHOLDER = re.compile(
    r"%%|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[A-Za-z_]\w*\}|</?[a-zA-Z][^>]*>"
)


def _placeholders(text: str) -> Counter:
    return Counter(p for p in _PLACEHOLDER.findall(text) if p != "%%")


def placeholder_mismatches(catalogue) -> list[str]:
    problems = []
    for entry in catalogue.translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = [_placeholders(source) for source in sources]
        translations = sorted(entry.msgstr_plural.items()) if entry.msgid_plural else [(None, entry.msgstr)]
        for form, text in translations:
            found = _placeholders(text)
            if found not in expected:
                problems.append(f"{entry.msgid!r} form {form}: {dict(found)} instead of {dict(expected[-1])}")
    return problems


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=CATALOGUE_IDS)
def test_translations_keep_the_placeholders_of_their_msgid(locale_dir, language):
    catalogue = _po(locale_dir, language)
    problems = placeholder_mismatches(catalogue)
    assert problems == [], f"{language}: {problems[:10]}"


def test_placeholder_check_catches_a_dropped_renamed_or_lost_placeholder():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Join %(name)s", msgstr="Rejoindre"))
    catalogue.append(polib.POEntry(msgid="Join %(name)s", msgctxt="renamed", msgstr="Rejoindre %(nom)s"))
    catalogue.append(polib.POEntry(msgid="Row <bdi>%(row)s</bdi>", msgstr="Ligne %(row)s"))
    catalogue.append(
        polib.POEntry(
            msgid="%(counter)s row",
            msgid_plural="%(counter)s rows",
            msgstr_plural={0: "%(counter)s ligne", 1: "des lignes"},
        )
    )
    catalogue.append(polib.POEntry(msgid="Hello {name}", msgstr="Bonjour {nom}"))
    catalogue.append(polib.POEntry(msgid="Welcome, %(name)s", msgstr="Bienvenue, %(name)s"))
    assert len(placeholder_mismatches(catalogue)) == 5
