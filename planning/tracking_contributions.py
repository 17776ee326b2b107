"""What the tracking of activities and indicators contributes through associations/seams.py (the home
card for overdue activities, its audit actions). Registered from PlanningConfig.ready()."""

from __future__ import annotations

from planning import audit_actions_tracking  # noqa: F401 - registers the sentences of its audit events
