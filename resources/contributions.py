"""What resources brings to the seams (imported from ResourcesConfig.ready): its menu entry, its
home-page card, its part of the member portal (a volunteer's own hours), API routes, demo data and
the sentences of its audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from resources import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    selectors,
)
from resources.demo import seed_resources

seams.register_nav_entry(
    seams.NavEntry(
        key="resources.volunteers",
        label=_("Resources"),
        url_name="resources:volunteers",
        capability="resources.view",
        order=45,
        group="manage",
    )
)


def _figures(request) -> list[seams.Figure]:
    figures = selectors.association_figures()
    return [
        seams.Figure(label=_("Volunteers this year"), value=figures["volunteers"]),
        seams.Figure(label=_("Hours given this year"), value=f"{figures['hours']:g}"),
    ]


seams.register_home_card(
    seams.HomeCard(
        key="resources.volunteering",
        title=_("Volunteering"),
        capability="resources.manage",
        figures=_figures,
        url_name="resources:volunteers",
        link_label=_("The volunteers"),
        order=45,
    )
)


def _my_section(request) -> seams.Fragment | None:
    """/a/<slug>/my/: a member who volunteers sees their own hours this year."""
    from members.selectors import member_of_request

    member = member_of_request(request)
    if member is None:
        return None
    mine = selectors.member_volunteering(member=member)
    if mine is None:
        return None
    return seams.Fragment("resources/_my_section.html", mine)


seams.register_portal_section(seams.PortalSection(key="resources", inside=_my_section, order=45))
seams.register_api_routes(seams.ApiRoutes(key="resources", module="resources.api_urls", order=45))
seams.register_demo_seeder(
    seams.DemoSeeder(key="resources", seed=seed_resources, depends_on=("members", "finance"), order=45)
)
