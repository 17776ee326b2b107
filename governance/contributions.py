"""What governance brings to the seams (imported from GovernanceConfig.ready): its menu entry,
its part of the member portal, API routes and the sentences of its audit events."""

from __future__ import annotations

from governance import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    contributions_bureau,  # noqa: F401 - the bureau, declarations, minutes and reports
)
