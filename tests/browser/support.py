"""What the browser suite's tests share: the browser, the page checks, a visit in one language and size.

No browser is downloaded: Playwright launches Debian's Chromium (`WASL_CHROMIUM`, by default
/usr/bin/chromium; `.ci/run` installs it). Without it the suite is skipped with the reason, except
under CI (CI=true), where a missing browser fails the run instead of passing it silently.

Every page a test visits goes through `Visit.check`, which saves a screenshot under var/browser/
and asserts, computed in the page: the `lang` and `dir` of the document, no horizontal scroll, text
contrast (WCAG 2.2, 1.4.3), target size (2.5.8) and no untranslated string (see `Untranslated`).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

BROWSER_DIR = Path(__file__).parent
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "browser"
CHROMIUM = os.environ.get("WASL_CHROMIUM", "/usr/bin/chromium")
AUDIT_JS = (BROWSER_DIR / "page_audit.js").read_text(encoding="utf-8")
PASSWORD = "browser-suite-password-1"  # a test account's
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 800}}
# Every language and size. A task is done once per language (Arabic on a phone, French on a
# desktop) and each of its pages is checked at both sizes (`Visit.check`): half the run time of
# doing every task four times, every page still seen four ways.
COMBINATIONS = [
    pytest.param(lang, size, id=f"{lang}-{size}") for lang in ("ar", "fr") for size in ("phone", "desktop")
]
TASK_COMBINATIONS = [
    pytest.param("ar", "phone", id="ar-phone"),
    pytest.param("fr", "desktop", id="fr-desktop"),
]


def chromium_unavailable() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install '.[dev]')"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set WASL_CHROMIUM)"
    return ""


class _Chromium:
    """One browser for the whole run, started by the first browser test and stopped after the last.

    Playwright's synchronous API keeps an asyncio loop running on this thread while it is alive,
    and Django refuses database calls while a loop runs (SynchronousOnlyOperation). The browser
    tests allow them (they are plain synchronous code); the browser is stopped, and the guard put
    back, as soon as the next test is not a browser test, so no other test runs without it.
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.allowed_before: str | None = None

    def start(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.allowed_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
            )
        return self.browser

    def stop(self):
        if self.browser is not None:
            self.browser.close()
            self.playwright.stop()
            self.browser = self.playwright = None
            if self.allowed_before is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.allowed_before


CHROMIUM_SESSION = _Chromium()


# --- Untranslated strings ----------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}|<[^>]+>")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
_ENGLISH_ONLY = {
    "the",
    "and",
    "your",
    "you",
    "with",
    "this",
    "that",
    "is",
    "are",
    "will",
    "has",
    "have",
    "from",
    "which",
    "their",
    "when",
    "what",
    "there",
    "been",
    "of",
    "to",
    "for",
    "by",
}
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/\S*")


class Untranslated:
    """What "an untranslated string" means on an Arabic or French page.

    1. Phrases: every English source text (msgid, split at its placeholders) of the project's and
       the apps' catalogues, with a word of four letters or more, whose translation differs from
       it. Such a phrase, found whole (word boundaries) in the page's text, is English that should
       have been translated. A phrase that the language's own translations contain (a French word
       spelt as in English, "PDF" in Arabic) is left out, so a correct page never matches.
    2. Words, for English text that was never marked for translation at all: in Arabic, a Latin
       word of the English catalogue; in French, an English word that French does not use ("the",
       "your", "with"...) and no French translation of the catalogues contains.
    The page's text is read by page_audit.js, without elements marked `lang` as another language.
    An English page (the source language) has nothing to look for.
    """

    def __init__(self, lang: str):
        import polib

        self.lang = lang
        self.phrases, self.words = None, set()
        if lang == "en":  # the source language: its texts are the msgids, nothing to translate
            return
        base = Path(settings.BASE_DIR)
        catalogues = [base / "locale" / lang / "LC_MESSAGES" / "django.po"]
        catalogues += sorted(base.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))
        sources, translations = set(), []
        for path in catalogues:
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                texts = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
                translations.extend(texts)
                for source in filter(None, (entry.msgid, entry.msgid_plural)):
                    if any(text and text.strip() != source.strip() for text in texts):
                        sources.add(source)
        translated = "\n".join(translations)
        phrases = set()
        for source in sources:
            for fragment in _PLACEHOLDER.split(source):
                fragment = " ".join(fragment.split()).strip(" .,:;!?…·—-()«»\"'")
                if not re.search(r"[A-Za-z]{4,}", fragment):
                    continue
                if fragment in translated and re.search(
                    rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", translated
                ):
                    continue
                phrases.add(fragment)
        ordered = sorted(phrases, key=len, reverse=True)
        self.phrases = re.compile("|".join(rf"(?<![\w-]){re.escape(p)}(?![\w-])" for p in ordered))
        self.words: set[str] = set()
        if lang == "ar":
            seen_in_arabic = set(_WORD.findall(translated))
            self.words = {
                word
                for source in sources
                for word in _WORD.findall(_PLACEHOLDER.sub(" ", source))
                if len(word) >= 4 and word not in seen_in_arabic
            }
        else:
            seen_in_french = {word.lower() for word in _WORD.findall(translated)}
            self.words = {word for word in _ENGLISH_ONLY if word not in seen_in_french}

    def find(self, texts: list[str]) -> list[str]:
        if self.phrases is None:
            return []
        found = []
        for text in texts:
            found += [f"{m.group(0)!r} in {text[:80]!r}" for m in self.phrases.finditer(text)]
            if self.words:
                plain = _EMAIL_OR_URL.sub(" ", text)
                words = _WORD.findall(plain) if self.lang == "ar" else _WORD.findall(plain.lower())
                found += [f"{w!r} in {text[:80]!r}" for w in words if w in self.words]
        return sorted(set(found))


_UNTRANSLATED: dict[str, Untranslated] = {}


def untranslated_for(lang: str) -> Untranslated:
    if lang not in _UNTRANSLATED:
        _UNTRANSLATED[lang] = Untranslated(lang)
    return _UNTRANSLATED[lang]


# --- A page seen by one person in one language and size -----------------------------------------


@dataclass
class Visit:
    page: object
    base_url: str
    lang: str
    size: str
    name: str
    shots: list[Path] = field(default_factory=list)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def audit(self) -> dict:
        return self.page.evaluate(AUDIT_JS)

    def screenshot(self, step: str, size: str = "") -> Path:
        number = len(self.shots) + 1
        width = VIEWPORTS[size or self.size]["width"]
        path = ARTEFACTS / f"{self.name}-{self.lang}-{self.size}-{number:02d}-{step}-{width}px.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return path

    def check(self, step: str) -> None:
        """Check the page at the task's size, then at the other one (the viewport is resized and
        put back): screenshot, then assert what every page must satisfy."""
        self.page.wait_for_load_state("load")
        other = next(size for size in VIEWPORTS if size != self.size)
        try:
            for size in (self.size, other):
                self.page.set_viewport_size(VIEWPORTS[size])
                self._check_at(step, size)
        finally:
            self.page.set_viewport_size(VIEWPORTS[self.size])

    def _check_at(self, step: str, size: str) -> dict:
        shot = self.screenshot(step, size)
        report = self.audit()
        where = f"{step} at {size} ({self.page.url}, {shot.name})"
        assert report["lang"] == self.lang, f"{where}: <html lang={report['lang']!r}>"
        assert report["dir"] == ("rtl" if self.lang == "ar" else "ltr"), (
            f"{where}: <html dir={report['dir']!r}>"
        )
        assert report["scrollWidth"] <= report["clientWidth"] + 1, (
            f"{where}: scrolls sideways ({report['scrollWidth']} px of content in {report['clientWidth']} px)"
        )
        assert not report["contrast"], f"{where}: text below WCAG contrast: {report['contrast']}"
        assert not report["targets"], f"{where}: targets under 24×24 px and too close: {report['targets']}"
        untranslated = untranslated_for(self.lang).find(report["texts"])
        assert not untranslated, f"{where}: untranslated strings: {untranslated}"
        return report


def open_visit(browser, live_server, request, lang: str, size: str, *, session_user=None) -> Visit:
    """A fresh browser context (cookies, viewport) in `lang`, logged in as `session_user` if given."""
    # Reduced motion: Bootstrap then drops its transitions, so styles are read in their final state.
    context = browser.new_context(
        viewport=VIEWPORTS[size], locale=lang, accept_downloads=True, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
    if session_user is not None:
        from django.test import Client

        client = Client()
        client.force_login(session_user)
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "url": live_server.url}
        )  # fmt: skip
    context.add_cookies(cookies)
    request.addfinalizer(context.close)
    name = re.sub(r"\W+", "-", request.node.originalname).strip("-")
    return Visit(context.new_page(), live_server.url, lang, size, name)
