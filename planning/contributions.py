"""What the plan and its projects contribute to the platform through associations/seams.py (the menu
entry, the sentences of their audit events, demo data). Registered from PlanningConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from planning import audit_actions  # noqa: F401 - registers the sentences of its audit events
from planning.demo import seed_planning

seams.register_nav_entry(
    seams.NavEntry(
        key="planning.plan",
        label=_("Planning"),
        url_name="planning:home",
        capability="planning.view",
        order=38,
    )
)
seams.register_demo_seeder(
    seams.DemoSeeder(key="planning", seed=seed_planning, depends_on=("members", "finance"), order=48)
)
