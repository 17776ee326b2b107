"""Reminder rules: a module declares, in code, which records are due, at which offsets from a date,
with which template and deduplication key. A periodic sweep turns due rules into outbox rows.

Schedules live in the database (the records' own dates, and per-association offsets in
ReminderSetting); nothing waits in the broker. A reminder fires when its day has come and is at
most CATCH_UP_DAYS old, so a sweep that missed a day still sends it, but turning a rule on does
not flood people with every past offset. The dedup key makes each (record, offset) fire once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from notifications.models import ReminderSetting
from notifications.services import message_enqueue

CATCH_UP_DAYS = 2


@dataclass(frozen=True)
class Recipient:
    address: str
    channel: str
    language: str
    name: str = ""
    user: Any = None


@dataclass(frozen=True)
class ReminderRule:
    key: str
    default_offsets: tuple[int, ...]
    template_key: str
    candidates: Callable[[], QuerySet]  # the records that may be due (runs inside a scope)
    anchor: Callable[[Any], date]  # the date offsets count from
    recipient: Callable[[Any], Recipient]
    context: Callable[[Any], dict]

    def dedup_key(self, record, offset: int) -> str:
        return f"reminder:{self.key}:{record.pk}:{offset:+d}"


_RULES: dict[str, ReminderRule] = {}


def register_reminder_rule(rule: ReminderRule) -> ReminderRule:
    _RULES[rule.key] = rule
    return rule


def reminder_rules() -> list[ReminderRule]:
    return list(_RULES.values())


def offsets_for(rule: ReminderRule) -> tuple[int, ...] | None:
    """The current association's offsets for a rule (None when it turned the rule off)."""
    setting = ReminderSetting.objects.filter(rule_key=rule.key).first()
    if setting is None:
        return rule.default_offsets
    return tuple(int(o) for o in setting.offsets) if setting.enabled else None


def reminders_sweep(*, today: date | None = None) -> int:
    """Queue every reminder due today in the current association. Safe to run any number of times."""
    today = today or timezone.localdate()
    queued = 0
    for rule in reminder_rules():
        offsets = offsets_for(rule)
        if not offsets:
            continue
        for record in rule.candidates():
            anchor = rule.anchor(record)
            for offset in offsets:
                due = anchor + timedelta(days=offset)
                if not (today - timedelta(days=CATCH_UP_DAYS) <= due <= today):
                    continue
                recipient = rule.recipient(record)
                _message, created = message_enqueue(
                    channel=recipient.channel,
                    to_address=recipient.address,
                    template_key=rule.template_key,
                    dedup_key=rule.dedup_key(record, offset),
                    context={**rule.context(record), "offset_days": offset},
                    language=recipient.language,
                    recipient_user=recipient.user,
                    recipient_name=recipient.name,
                )
                queued += created
    return queued
