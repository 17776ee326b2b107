"""The audit trail: an append-only, per-association hash chain.

Each event stores the previous event's hash; `audit_verify` recomputes every chain and names the
first broken link. On PostgreSQL a trigger refuses UPDATE and DELETE on the events table.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save
from django.utils import timezone, translation

from associations.hot_sql import hot_cursor
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
        self.head: tuple[int, str] | None = None  # (last_seq, last_hash): the head, locked already
        self.deferred: _Deferred | None = None  # a write to run with the events' insert


@dataclass
class _Deferred:
    """A write of the caller's, run in the statement that appends the batch's events (PostgreSQL):
    `ctes`, data-modifying CTEs with named parameters `params`, the last one named `done` and
    returning a row when the write took effect; else `failure()` is raised (nothing appended)."""

    ctes: str
    params: dict
    failure: Callable[[], Exception]


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
        _append(batch.association_id, batch.events, batch)
    elif batch.deferred is not None:
        _run_deferred(batch)


def audit_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """One event of the current association, built and not yet chained nor saved."""
    association_id = current_association_id()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    # The label is written once and read in every language: render it with no translation active.
    with translation.override(None):
        target_label = str(target)[:200] if target is not None else ""
    return AuditEvent(
        association_id=association_id,
        actor_id=actor_id,
        actor_label=getattr(actor, "email", "") if actor_id else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label,
        changes=_json_safe(changes or {}),
    )


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event to the current association's chain. Call inside the service's transaction.
    Inside `audit_batch()` the event is appended when the block ends."""
    event = audit_event(actor=actor, action=action, target=target, changes=changes)
    batch = _batch.get()
    if batch is not None and batch.association_id == event.association_id:
        batch.events.append(event)
    else:
        _append(event.association_id, [event])
    return event


def audit_batch_open(association_id: int) -> bool:
    """True inside an `audit_batch()` of this association (its events are appended at its end)."""
    batch = _batch.get()
    return batch is not None and batch.association_id == association_id


def audit_batch_head_locked(association_id: int, last_seq: int, last_hash: str) -> None:
    """The caller locked the chain's head (`FOR UPDATE`, in one of its own statements) and read it:
    the batch of this association appends after it without locking it again."""
    batch = _batch.get()
    if batch is None or batch.association_id != association_id:
        raise RuntimeError("audit_batch_head_locked() runs inside an audit_batch() of its association.")
    batch.head = (last_seq, last_hash)


def audit_batch_defer(
    association_id: int, *, ctes: str, params: dict, failure: Callable[[], Exception]
) -> bool:
    """Inside an `audit_batch()` of this association on PostgreSQL: run the caller's write (see
    `_Deferred`) in the statement that appends the batch's events, one round trip fewer. False
    (the caller writes it itself) outside a batch, or when a write is deferred already."""
    batch = _batch.get()
    if batch is None or batch.association_id != association_id or batch.deferred is not None:
        return False
    batch.deferred = _Deferred(ctes, params, failure)
    return True


def audit_batch_flush() -> None:
    """Run the write deferred in the current batch now (a statement about to read what it writes)."""
    batch = _batch.get()
    if batch is not None and batch.deferred is not None:
        _run_deferred(batch)


def _run_deferred(batch: _Batch) -> None:
    deferred, batch.deferred = batch.deferred, None
    with hot_cursor() as cursor:
        cursor.execute(f"WITH {deferred.ctes} SELECT 1 FROM done", deferred.params)  # noqa: S608 (fixed SQL)
        row = cursor.fetchone()
    if row is None:
        raise deferred.failure()


_LOCK_HEAD = (
    "SELECT last_seq, last_hash FROM associations_auditchainhead WHERE association_id = %s FOR UPDATE"
)


def _append(association_id: int, events: list[AuditEvent], batch: _Batch | None = None) -> None:
    """Lock the chain's head (the lock serialises appends within one association, never across
    associations), chain the events after it, insert them and move the head. `batch`: the batch
    appended (its head may be locked already, a write may be deferred to this statement)."""
    postgresql = connection.vendor == "postgresql"
    head = None
    row = None
    if batch is not None and batch.head is not None:
        row = last_seq, last_hash = batch.head
    elif postgresql:
        with hot_cursor() as cursor:
            cursor.execute(_LOCK_HEAD, [association_id])
            row = cursor.fetchone()
        if row is not None:
            last_seq, last_hash = row
    if not postgresql or row is None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(association_id=association_id)
        last_seq, last_hash = head.last_seq, head.last_hash
    chain_events(association_id, events, last_seq=last_seq, last_hash=last_hash, created_at=timezone.now())
    last_seq, prev_hash = events[-1].seq, events[-1].hash
    if head is None:  # PostgreSQL: the events and the head in one statement
        deferred = batch.deferred if batch is not None else None
        if deferred is not None:
            batch.deferred = None
        _insert_and_move_head(association_id, events, deferred)
    else:
        if batch is not None and batch.deferred is not None:
            _run_deferred(batch)
        for event in events:
            event.save(force_insert=True)
        head.last_seq, head.last_hash = last_seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
        return
    events_saved(events)


def chain_events(association_id: int, events: list[AuditEvent], *, last_seq: int, last_hash: str | None,
                 created_at) -> None:  # fmt: skip
    """Number and hash `events` after a head at (`last_seq`, `last_hash`), whose lock the caller
    holds: each gets its seq, created_at, prev_hash and hash (as `audit_verify` recomputes them)."""
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


def events_saved(events: list[AuditEvent], pks: list[int] | None = None) -> None:
    """Events inserted by raw SQL become saved instances, and `post_save` is sent for each as a save
    would."""
    for index, event in enumerate(events):
        if pks is not None:
            event.pk = pks[index]
        event._state.adding, event._state.db = False, connection.alias
        post_save.send(
            sender=AuditEvent, instance=event, created=True, update_fields=None, raw=False,
            using=connection.alias,
        )  # fmt: skip


def audit_event_params(event: AuditEvent) -> dict:
    return {
        "ae_association": event.association_id, "ae_seq": event.seq, "ae_actor": event.actor_id,
        "ae_actor_label": event.actor_label, "ae_action": event.action, "ae_target_type": event.target_type,
        "ae_target_id": event.target_id, "ae_target_label": event.target_label,
        "ae_changes": json.dumps(event.changes, ensure_ascii=False), "ae_created_at": event.created_at,
        "ae_prev_hash": event.prev_hash, "ae_hash": event.hash,
    }  # fmt: skip


_COLUMNS = (
    "association_id, seq, actor_id, actor_label, action, target_type, target_id, target_label, changes, "
    "created_at, prev_hash, hash"
)


# One event appended and the chain's head moved, as CTEs of a caller's statement (the caller holds
# the head's lock and chained the event with `chain_events`); `condition`: an SQL boolean.
AUDIT_EVENT_CTES = f"""
audit_ins AS (
    INSERT INTO associations_auditevent ({_COLUMNS})
    SELECT %(ae_association)s::bigint, %(ae_seq)s::integer, %(ae_actor)s::bigint, %(ae_actor_label)s::text,
        %(ae_action)s::text, %(ae_target_type)s::text, %(ae_target_id)s::text, %(ae_target_label)s::text,
        %(ae_changes)s::jsonb, %(ae_created_at)s::timestamptz, %(ae_prev_hash)s::text, %(ae_hash)s::text
    WHERE {{condition}}
    RETURNING id
), audit_head AS (
    UPDATE associations_auditchainhead SET last_seq = %(ae_seq)s, last_hash = %(ae_hash)s
    WHERE association_id = %(ae_association)s AND {{condition}}
)"""  # noqa: S608 (fixed SQL)


_EVENT_VALUES = (
    "(%s::bigint, %s::integer, %s::bigint, %s::text, %s::text, %s::text, %s::text, %s::text, %s::jsonb,"
    " %s::timestamptz, %s::text, %s::text)"
)


def _insert_after_deferred(association_id: int, events: list[AuditEvent], deferred: _Deferred) -> None:
    """The events and the head, after the deferred write and only if it took effect: one statement."""
    params = dict(deferred.params)
    values = []
    for index, event in enumerate(events):
        names = [f"ev{index}_{n}" for n in range(12)]
        values.append(_EVENT_VALUES % tuple(f"%({name})s" for name in names))
        params |= dict(zip(names, [
            association_id, event.seq, event.actor_id, event.actor_label, event.action, event.target_type,
            event.target_id, event.target_label, json.dumps(event.changes, ensure_ascii=False),
            event.created_at, event.prev_hash, event.hash,
        ], strict=True))  # fmt: skip
    last = events[-1]
    params |= {"head_seq": last.seq, "head_hash": last.hash, "head_association": association_id}
    sql = (
        f"WITH {deferred.ctes}, ins AS (INSERT INTO associations_auditevent ({_COLUMNS}) "  # noqa: S608
        f"SELECT * FROM (VALUES {', '.join(values)}) AS v WHERE EXISTS (SELECT 1 FROM done) "
        "RETURNING id, seq), "
        "head AS (UPDATE associations_auditchainhead SET last_seq = %(head_seq)s, last_hash = %(head_hash)s "
        "WHERE association_id = %(head_association)s AND EXISTS (SELECT 1 FROM done)) "
        "SELECT id FROM ins ORDER BY seq"
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        raise deferred.failure()
    for event, (pk,) in zip(events, rows, strict=True):
        event.pk = pk


def _insert_and_move_head(
    association_id: int, events: list[AuditEvent], deferred: _Deferred | None = None
) -> None:
    if deferred is not None:
        _insert_after_deferred(association_id, events, deferred)
        return
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
    with hot_cursor() as cursor:
        cursor.execute(sql, [*params, last.seq, last.hash, association_id])
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk


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
