"""The audit trail: an append-only, per-association hash chain.

Each event stores the previous event's hash; `audit_verify` recomputes every chain and names the
first broken link. On PostgreSQL a trigger refuses UPDATE and DELETE on the events table.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save
from django.utils import timezone, translation

from associations.models import Association, AuditChainHead, AuditEvent
from associations.tenancy import association_scope, current_association_id

GENESIS_HASH = "0" * 64


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def event_hash(
    *,
    association_id: int,
    seq: int,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    changes: dict,
    created_at: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [association_id, seq, actor_id, action, target_type, target_id, changes, created_at, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _timestamp(value) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class _Batch:
    """Events recorded inside `audit_batch()`, appended together when it ends."""

    def __init__(self, association_id: int) -> None:
        self.association_id = association_id
        self.events: list[AuditEvent] = []


_batch: ContextVar[_Batch | None] = ContextVar("wasl_audit_batch", default=None)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Append the events recorded inside this block to the chain together, at its end: the chain's
    head (one lock per association, held until commit) is taken once, last, for one insert.
    Use inside the service's transaction, around a service that records several events (a payment:
    its entry posted, its receipt's document issued, the payment itself). The events keep their
    order; each is saved (has its pk, seq and hash) only once the block has ended. On an error
    nothing is appended (the transaction is rolled back anyway)."""
    if _batch.get() is not None:  # nested: the outer block appends
        yield
        return
    batch = _Batch(current_association_id())
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.events:
        _append(batch.association_id, batch.events)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event to the current association's chain. Call inside the service's transaction.
    Inside `audit_batch()` the event is appended when the block ends."""
    association_id = current_association_id()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    # The label is written once and read in every language: render it with no translation active.
    with translation.override(None):
        target_label = str(target)[:200] if target is not None else ""
    event = AuditEvent(
        association_id=association_id,
        actor_id=actor_id,
        actor_label=getattr(actor, "email", "") if actor_id else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label,
        changes=_json_safe(changes or {}),
    )
    batch = _batch.get()
    if batch is not None and batch.association_id == association_id:
        batch.events.append(event)
    else:
        _append(association_id, [event])
    return event


_LOCK_HEAD = (
    "SELECT last_seq, last_hash FROM associations_auditchainhead WHERE association_id = %s FOR UPDATE"
)


def _append(association_id: int, events: list[AuditEvent]) -> None:
    """Lock the chain's head (the lock serialises appends within one association, never across
    associations), chain the events after it, insert them and move the head."""
    postgresql = connection.vendor == "postgresql"
    head = None
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_HEAD, [association_id])
            row = cursor.fetchone()
        if row is not None:
            last_seq, last_hash = row
    if not postgresql or row is None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(association_id=association_id)
        last_seq, last_hash = head.last_seq, head.last_hash
    created_at = timezone.now()
    stamp = _timestamp(created_at)
    prev_hash = last_hash or GENESIS_HASH
    for event in events:
        last_seq += 1
        event.seq, event.created_at, event.prev_hash = last_seq, created_at, prev_hash
        event.hash = prev_hash = event_hash(
            association_id=association_id,
            seq=event.seq,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            changes=event.changes,
            created_at=stamp,
            prev_hash=event.prev_hash,
        )
    if head is None:  # PostgreSQL: the events and the head in one statement
        _insert_and_move_head(association_id, events)
    else:
        for event in events:
            event.save(force_insert=True)
        head.last_seq, head.last_hash = last_seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        return
    for event in events:  # as a save would (the ministry's dirty mark listens)
        post_save.send(
            sender=AuditEvent, instance=event, created=True, update_fields=None, raw=False,
            using=connection.alias,
        )  # fmt: skip


_COLUMNS = (
    "association_id, seq, actor_id, actor_label, action, target_type, target_id, target_label, changes, "
    "created_at, prev_hash, hash"
)


def _insert_and_move_head(association_id: int, events: list[AuditEvent]) -> None:
    values, params = [], []
    for event in events:
        values.append("(%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s)")
        params += [
            association_id, event.seq, event.actor_id, event.actor_label, event.action, event.target_type,
            event.target_id, event.target_label, json.dumps(event.changes, ensure_ascii=False),
            event.created_at, event.prev_hash, event.hash,
        ]  # fmt: skip
    last = events[-1]
    sql = (
        f"WITH ins AS (INSERT INTO associations_auditevent ({_COLUMNS}) VALUES {', '.join(values)} "  # noqa: S608
        "RETURNING id, seq), head AS (UPDATE associations_auditchainhead SET last_seq = %s, last_hash = %s "
        "WHERE association_id = %s) SELECT id FROM ins ORDER BY seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, last.seq, last.hash, association_id])
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias


@dataclass(frozen=True)
class ChainBreak:
    association_slug: str
    seq: int
    reason: str


def audit_verify_association(association: Association) -> ChainBreak | None:
    """Recompute one association's chain; return the first broken link, or None if intact."""
    with association_scope(association):
        expected_prev = GENESIS_HASH
        expected_seq = 1
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
            if event.seq != expected_seq:
                return ChainBreak(association.slug, expected_seq, "missing event")
            if event.prev_hash != expected_prev:
                return ChainBreak(association.slug, event.seq, "previous hash does not match")
            recomputed = event_hash(
                association_id=event.association_id,
                seq=event.seq,
                actor_id=event.actor_id,
                action=event.action,
                target_type=event.target_type,
                target_id=event.target_id,
                changes=event.changes,
                created_at=_timestamp(event.created_at),
                prev_hash=event.prev_hash,
            )
            if recomputed != event.hash:
                return ChainBreak(association.slug, event.seq, "content does not match its hash")
            expected_prev = event.hash
            expected_seq += 1
        head = AuditChainHead.objects.filter().first()
        if head is not None and head.last_seq != expected_seq - 1:
            return ChainBreak(association.slug, expected_seq, "events after this point are missing")
    return None
