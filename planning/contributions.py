"""What the plan and its projects contribute to the platform through associations/seams.py (the menu
entry, the sentences of their audit events, demo data). Registered from PlanningConfig.ready()."""

from __future__ import annotations

from planning import audit_actions  # noqa: F401 - registers the sentences of its audit events
