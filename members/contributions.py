"""What the member register brings to the seams (imported from MembersConfig.ready): its menu
entries, its part of the member portal, its home-page card and next actions, its API routes and its
demo data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from members import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    selectors,
)
from members.demo import seed_register
from members.forms import CorrectionForm
from members.models import ConsentPurpose, MemberStatus

# --- Navigation -------------------------------------------------------------------------------

seams.register_nav_entry(
    seams.NavEntry(
        key="members.list", label=_("Members"), url_name="members:list", capability="members.view", order=10
    )
)
seams.register_nav_entry(
    seams.NavEntry(
        key="members.my",
        label=_("My membership"),
        url_name="members:my",
        capability="association.view",
        visible=lambda request: selectors.member_of_request(request) is not None,
        order=20,
    )
)
seams.register_nav_entry(
    seams.NavEntry(
        key="members.settings",
        label=_("Join form and membership"),
        url_name="members:settings",
        capability="association.manage",
        order=91,
        group="settings",
    )
)
seams.register_nav_entry(
    seams.NavEntry(
        key="members.categories",
        label=_("Membership categories"),
        url_name="members:categories",
        capability="members.manage",
        order=92,
        group="settings",
    )
)


# --- Member portal ----------------------------------------------------------------------------


def _my_section(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the person's member data, card, data download, consents and corrections."""
    member = selectors.member_of_request(request)
    if member is None:
        return None
    given = {c.purpose for c in member.consents.all() if c.withdrawn_at is None}
    return seams.Fragment(
        "members/_my_section.html",
        {
            "member": member,
            "purposes": [(p.value, p.label, p.value in given) for p in ConsentPurpose],
            "correction_form": CorrectionForm(),
            "requests": member.correction_requests.all(),
        },
    )


def _me_rows(request, association_ids) -> dict[int, seams.Fragment]:
    """/me/: number, status and category of the person's member row in each association."""
    return {
        association_id: seams.Fragment("members/_me_row.html", {"row": row})
        for association_id, row in selectors.member_rows_of(user=request.user).items()
    }


seams.register_portal_section(
    seams.PortalSection(key="members", inside=_my_section, across=_me_rows, order=10)
)


# --- Home page --------------------------------------------------------------------------------


def _members_by_status(request) -> list[seams.Figure]:
    url = reverse("members:list", kwargs={"association_slug": request.association.slug})
    labels = dict(MemberStatus.choices)
    return [
        seams.Figure(label=labels[status], value=count, url=f"{url}?status={status}")
        for status, count in selectors.member_status_counts().items()
    ]


seams.register_home_card(
    seams.HomeCard(
        key="members.by_status",
        title=_("Members by status"),
        capability="members.view",
        figures=_members_by_status,
        url_name="members:list",
        link_label=_("The register"),
        order=10,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="members.applications",
        capability="members.manage",
        count=lambda request: selectors.applicants().count(),
        label=lambda count: (
            ngettext(
                "%(count)d membership application is waiting",
                "%(count)d membership applications are waiting",
                count,
            )
            % {"count": count}
        ),
        url_name="members:list",
        query=f"status={MemberStatus.APPLICANT}",
        order=10,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="members.corrections",
        capability="members.manage",
        count=lambda request: selectors.open_correction_requests().count(),
        label=lambda count: (
            ngettext(
                "%(count)d member asks for a correction of their data",
                "%(count)d members ask for a correction of their data",
                count,
            )
            % {"count": count}
        ),
        url_name="members:corrections",
        order=20,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="members.imports",
        capability="members.manage",
        count=lambda request: selectors.imports_to_finish().count(),
        label=lambda count: (
            ngettext(
                "%(count)d member list import to finish", "%(count)d member list imports to finish", count
            )
            % {"count": count}
        ),
        url_name="members:import",
        order=30,
    )
)

# --- Audience segments for announcements ------------------------------------------------------


def _status_members(value: str):
    return selectors.members_for_audience().filter(status=value).values("pk")


def _category_members(value: str):
    return (
        selectors.members_for_audience().filter(category_id=int(value) if value.isdigit() else 0).values("pk")
    )


def _category_choices():
    return [(str(category.pk), str(category)) for category in selectors.categories(active_only=True)]


seams.register_audience_segment(
    seams.AudienceSegment(
        key="members.status",
        label=_("Status"),
        members=_status_members,
        choices=lambda: [(s.value, s.label) for s in MemberStatus if s != MemberStatus.DECEASED],
        order=10,
    )
)
seams.register_audience_segment(
    seams.AudienceSegment(
        key="members.category",
        label=_("Category"),
        members=_category_members,
        choices=_category_choices,
        order=20,
    )
)
seams.register_audience_segment(
    seams.AudienceSegment(
        key="members.board",
        label=_("Board members only"),
        members=lambda value: selectors.board_members().values("pk"),
        order=30,
    )
)

# --- API and demo data ------------------------------------------------------------------------

seams.register_api_routes(seams.ApiRoutes(key="members", module="members.api_urls", order=20))
seams.register_demo_seeder(seams.DemoSeeder(key="members", seed=seed_register, depends_on=("associations",)))
