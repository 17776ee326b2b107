"""The audit trail: an append-only, per-association hash chain.

Each event stores the previous event's hash; `audit_verify` recomputes every chain and names the
first broken link. On PostgreSQL a trigger refuses UPDATE and DELETE on the events table.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models
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


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event to the current association's chain. Call inside the service's transaction."""
    association_id = current_association_id()
    # The locked head row serialises appends within one association, never across associations.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(association_id=association_id)
    seq = head.last_seq + 1
    prev_hash = head.last_hash or GENESIS_HASH
    created_at = timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    safe_changes = _json_safe(changes or {})
    target_type = target._meta.label_lower if target is not None else ""
    # The label is written once and read in every language: render it with no translation active.
    with translation.override(None):
        target_label = str(target)[:200] if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    digest = event_hash(
        association_id=association_id,
        seq=seq,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=safe_changes,
        created_at=_timestamp(created_at),
        prev_hash=prev_hash,
    )
    event = AuditEvent.objects.create(
        seq=seq,
        actor_id=actor_id,
        actor_label=getattr(actor, "email", "") if actor_id else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        changes=safe_changes,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=digest,
    )
    head.last_seq = seq
    head.last_hash = digest
    head.save(update_fields=["last_seq", "last_hash"])
    return event


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
