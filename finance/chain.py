"""The hash of a posted entry: its content and the previous posted entry's hash in the same year."""

from __future__ import annotations

import datetime
import hashlib
import json


def _money(value) -> str:
    return f"{value:.2f}"


def entry_hash(entry, lines, *, prev_hash: str) -> str:
    """SHA-256 of a canonical JSON of the entry as posted (`lines` with account and project loaded)."""
    payload = {
        "association": entry.association_id,
        "year": entry.fiscal_year_id,
        "journal": entry.journal_id,
        "number": entry.number,
        "chain_index": entry.chain_index,
        "date": entry.date.isoformat(),
        "label": entry.label,
        "reference": entry.reference,
        "kind": entry.kind,
        "reverses": entry.reverses_id,
        "allocates": entry.allocates_id,
        "posted_at": entry.posted_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        if entry.posted_at
        else None,
        "lines": [
            [
                line.account_id,
                line.account.code,
                _money(line.debit),
                _money(line.credit),
                line.label,
                line.project_id,
            ]
            for line in lines
        ],
        "prev": prev_hash,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
