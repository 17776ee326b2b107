"""What the tenant core itself brings to the seams (imported from AssociationsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.mfa import register_mfa_rule
from associations import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    seams,
)
from associations.demo import seed_associations
from associations.selectors import user_is_officer_anywhere

# Officers use two-factor login (accounts applies the rule; it cannot know about roles itself).
register_mfa_rule(lambda user: user_is_officer_anywhere(user=user))

for entry in (
    seams.NavEntry(
        key="associations.overview",
        label=_("Overview"),
        url_name="associations:dashboard",
        capability="association.view",
        order=0,
    ),
    seams.NavEntry(
        key="associations.roles",
        label=_("Board and roles"),
        url_name="associations:roles",
        capability="roles.view",
        order=30,
        group="manage",
    ),
    seams.NavEntry(
        key="associations.audit",
        label=_("Audit trail"),
        url_name="associations:audit",
        capability="audit.view",
        order=40,
        group="manage",
    ),
    seams.NavEntry(
        key="associations.tokens",
        label=_("API tokens"),
        url_name="associations:tokens",
        capability="api.tokens",
        order=80,
        group="developer",
    ),
    seams.NavEntry(
        key="associations.api_docs",
        label=_("API documentation"),
        url_name="api-docs",
        capability="api.tokens",
        order=85,
        group="developer",
        in_workspace=False,
    ),
    seams.NavEntry(
        key="associations.settings",
        label=_("Association profile"),
        url_name="associations:settings",
        capability="association.manage",
        order=90,
        group="settings",
    ),
):
    seams.register_nav_entry(entry)

seams.register_api_routes(seams.ApiRoutes(key="associations", module="associations.api_urls", order=0))
seams.register_demo_seeder(seams.DemoSeeder(key="associations", seed=seed_associations, order=0))
