"""What the jobs service brings to the seams, and the job kinds it hosts for the tenant core
(imported from JobsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from jobs import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    audit_export,  # noqa: F401 - registers the audit-trail export kind
)

seams.register_nav_entry(
    seams.NavEntry(
        key="jobs.list",
        label=_("Background jobs"),
        url_name="jobs:list",
        capability="jobs.view",
        order=70,
        group="developer",
    )
)
