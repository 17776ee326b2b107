"""The audit trail told to people: each event as a sentence in the reader's language.

Events store language-neutral facts (`associations.audit.audit_record`): an action code, ids, the
names of the changed fields and plain JSON values. Each module registers how its actions read
(`seams.register_audit_action`); this module turns an event into a sentence at read time, names
and numbers isolated in <bdi> so that they keep their order inside Arabic text. An action nobody
registered (an old event of a removed feature) still reads as a neutral line, never as Python.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from associations.formatting import text_direction
from associations.seams import AuditAction, audit_action

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_TARGET_NUMBER = re.compile(r"^#(\d+)\b")
SYSTEM_ACTOR = "system"  # audit_record's actor_label when no person acted


def _list_separator() -> str:
    # Translators: between the items of a list in a sentence (Arabic: "، ").
    return pgettext("list separator", ", ")


def humanise(code: str) -> str:
    """'queued_suppressed' → 'Queued suppressed': the last resort for a key nobody labelled."""
    return capfirst(str(code).replace("_", " ").replace(".", " ").strip())


def format_plain(value: Any) -> str:
    """A stored JSON value as words: no None, True, brackets or braces; ISO dates and timestamps
    in the reader's date format."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return _list_separator().join(format_plain(item) for item in value) if value else "—"
    if isinstance(value, dict):
        if set(value) == {"from", "to"}:
            return _("from %(before)s to %(after)s") % {
                "before": format_plain(value["from"]),
                "after": format_plain(value["to"]),
            }
        return "; ".join(f"{humanise(k)}: {format_plain(v)}" for k, v in value.items())
    text = str(value)
    if _ISO_DATE.match(text):
        try:
            return formats.date_format(datetime.date.fromisoformat(text), "DATE_FORMAT")
        except ValueError:
            return text
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    return text


def isolated(text: str) -> SafeString:
    """Escape and isolate: a value inside a sentence keeps its own direction. Text with no letter
    (a number, a date, a reference) is set left to right; words follow their own script."""
    if text_direction(text) == "ltr" and not re.search(r"[^\W\d_]", text):
        return format_html('<bdi dir="ltr">{}</bdi>', text)
    return format_html("<bdi>{}</bdi>", text)


@dataclass
class AuditFacts:
    """What a registered sentence function sees of one event."""

    event: Any
    action: AuditAction | None

    @property
    def changes(self) -> Mapping[str, Any]:
        return self.event.changes if isinstance(self.event.changes, dict) else {}

    @property
    def actor(self) -> str:
        user = getattr(self.event, "actor", None) if self.event.actor_id else None
        if user is not None:
            return user.display_name
        if not self.event.actor_label or self.event.actor_label == SYSTEM_ACTOR:
            return _("Wasl (automatic)")
        return self.event.actor_label

    @property
    def target(self) -> str:
        return self.event.target_label or ""

    def target_number(self) -> str:
        """The number in a target label such as '#41 (id 41)' (members), or ''."""
        found = _TARGET_NUMBER.match(self.target)
        return found.group(1) if found else ""

    def field_label(self, name: str) -> str:
        labels = self.action.field_labels if self.action else {}
        return capfirst(str(labels.get(name) or humanise(name)))

    def show(self, key: str, value: Any) -> str:
        """A value of `changes[key]` in words: the action's own wording for its codes first."""
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            return _("from %(before)s to %(after)s") % {
                "before": self.show(key, value["from"]),
                "after": self.show(key, value["to"]),
            }
        if key == "fields" and isinstance(value, list):
            # In the order of the form (the order the labels were given in), not alphabetical.
            known = list(self.action.field_labels) if self.action else []
            names = sorted(map(str, value), key=lambda n: (known.index(n) if n in known else len(known), n))
            return _list_separator().join(self.field_label(name) for name in names) or "—"
        wording = self.action.values.get(key) if self.action else None
        if wording is not None and value is not None and value != "":
            if isinstance(value, list):
                return _list_separator().join(self.show(key, item) for item in value) or "—"
            value = wording(value) if callable(wording) else wording.get(str(value), value)
        return format_plain(value)


@dataclass(frozen=True)
class AuditLine:
    """One event as the audit page shows it."""

    event: Any
    sentence: SafeString
    details: list[tuple[str, SafeString]]
    action_label: str

    @property
    def text(self) -> str:
        """The sentence as plain text (CSV)."""
        return html.unescape(strip_tags(self.sentence))

    @property
    def details_text(self) -> str:
        return "; ".join(f"{label}: {html.unescape(strip_tags(value))}" for label, value in self.details)


def _values(facts: AuditFacts, names: set[str]) -> dict[str, str]:
    values: dict[str, str] = {"actor": facts.actor, "target": facts.target or "—"}
    for key, value in facts.changes.items():
        values[key] = facts.show(key, value)
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            values[f"{key}_before"] = facts.show(key, value["from"])
            values[f"{key}_after"] = facts.show(key, value["to"])
    if facts.action is not None and facts.action.placeholders is not None:
        values.update({k: format_plain(v) for k, v in facts.action.placeholders(facts).items()})
    return {name: values.get(name, "—") for name in names}


def action_label(code: str) -> str:
    action = audit_action(code)
    if action is not None and action.label:
        return str(action.label)
    # 'members.member.admitted' → 'Member admitted': readable, if not translated.
    return humanise(" ".join(code.split(".")[1:]) or code)


def describe(event) -> AuditLine:
    """The event as a sentence in the active language, with what the sentence does not say."""
    action = audit_action(event.action)
    facts = AuditFacts(event=event, action=action)
    if action is None:
        template = _("%(actor)s: %(action)s (%(target)s)") if facts.target else _("%(actor)s: %(action)s")
    else:
        template = action.sentence(facts) if callable(action.sentence) else action.sentence
    template = str(template)
    names = set(_PLACEHOLDER.findall(template))
    values = _values(facts, names - {"action"})
    values["action"] = action_label(event.action)
    try:
        sentence = mark_safe(escape(template) % {name: isolated(values[name]) for name in names})  # noqa: S308
    except (KeyError, ValueError, TypeError):  # a translation that broke its placeholders
        sentence = format_html("{}: {}", isolated(facts.actor), action_label(event.action))
    used = {name.removesuffix("_before").removesuffix("_after") for name in names}
    used |= set(action.hidden) if action is not None else set()
    details = [
        (facts.field_label(key), isolated(facts.show(key, value)))
        for key, value in facts.changes.items()
        if key not in used and value not in (None, "", [], {})
    ]
    return AuditLine(event=event, sentence=sentence, details=details, action_label=action_label(event.action))


def describe_all(events: Iterable) -> list[AuditLine]:
    return [describe(event) for event in events]
