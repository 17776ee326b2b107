"""What the tracking of activities and indicators contributes through associations/seams.py (the home
card for overdue activities, its audit actions). Registered from PlanningConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from associations import seams
from planning import (
    audit_actions_tracking,  # noqa: F401 - registers the sentences of its audit events
    selectors_tracking,
)
from planning.views_tracking import VIEW


def _overdue(request) -> list[seams.Figure]:
    """One query: the open activities whose end date has passed."""
    url = reverse("planning_tracking:timeline", kwargs={"association_slug": request.association.slug})
    return [seams.Figure(label=_("Overdue activities"), value=selectors_tracking.overdue_count(), url=url)]


seams.register_home_card(
    seams.HomeCard(
        key="planning.overdue_activities",
        title=_("Activities"),
        capability=VIEW,
        figures=_overdue,
        url_name="planning_tracking:timeline",
        link_label=_("The timeline"),
        order=50,
    )
)
