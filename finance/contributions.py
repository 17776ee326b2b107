"""What the books bring to the seams (imported from FinanceConfig.ready)."""

from __future__ import annotations

from finance import audit_actions  # noqa: F401 - registers the sentences of its audit events
