"""What the bureau register, declarations, minutes and annual reports bring to the seams
(imported from governance/contributions.py): the home card and next actions of compliance, the
published minutes in the member portal, audit sentences, the minutes' document kind, the packs'
job kinds and the declaration reminders."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from governance import (
    audit_actions_bureau,  # noqa: F401 - registers the sentences of its audit events
    minutes_document,  # noqa: F401 - registers the minutes' document kind
    packs,  # noqa: F401 - registers the packs' job kinds
    reminders,  # noqa: F401 - registers the declaration reminders
)
from governance.compliance import compliance_of


def _compliance(request):
    """Asked once per request: the home card and the next actions share it (one query)."""
    if not hasattr(request, "_wasl_governance_compliance"):
        request._wasl_governance_compliance = compliance_of()
    return request._wasl_governance_compliance


def _figures(request) -> list[seams.Figure]:
    state = _compliance(request)
    last = state.last_ordinary_assembly
    return [
        seams.Figure(
            label=_("Last ordinary assembly"),
            value=date_format(last, "SHORT_DATE_FORMAT") if last else str(_("none recorded")),
        ),
        seams.Figure(label=_("Declarations late"), value=state.declarations_late),
        seams.Figure(
            label=_("Declarations pending"), value=state.declarations_pending + state.final_receipts_waiting
        ),
        seams.Figure(label=_("Mandates past their term"), value=state.mandates_expired),
    ]


seams.register_home_card(
    seams.HomeCard(
        key="governance.compliance",
        title=_("Legal obligations"),
        capability="governance.view",
        figures=_figures,
        url_name="governance:declarations",
        link_label=_("The declarations"),
        order=30,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="governance.declarations_late",
        capability="governance.convene",
        count=lambda request: _compliance(request).declarations_late,
        label=lambda count: (
            ngettext(
                "%(count)d declaration to the local authority is past its one-month deadline",
                "%(count)d declarations to the local authority are past their one-month deadline",
                count,
            )
            % {"count": count}
        ),
        url_name="governance:declarations",
        order=20,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="governance.declarations_pending",
        capability="governance.convene",
        count=lambda request: _compliance(request).declarations_pending,
        label=lambda count: (
            ngettext(
                "%(count)d declaration to the local authority to file within the month",
                "%(count)d declarations to the local authority to file within the month",
                count,
            )
            % {"count": count}
        ),
        url_name="governance:declarations",
        order=21,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="governance.mandates_expired",
        capability="governance.convene",
        count=lambda request: _compliance(request).mandates_expired,
        label=lambda count: (
            ngettext(
                "%(count)d bureau mandate is past its term: time to elect",
                "%(count)d bureau mandates are past their term: time to elect",
                count,
            )
            % {"count": count}
        ),
        url_name="governance:bureau",
        order=22,
    )
)


def _published_minutes(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the minutes published to the members."""
    from governance.selectors_bureau import minutes_published

    minutes = list(minutes_published()[:10])
    if not minutes:
        return None
    return seams.Fragment("governance/_my_minutes.html", {"published_minutes": minutes})


seams.register_portal_section(
    seams.PortalSection(key="governance.minutes", inside=_published_minutes, order=55)
)

seams.register_api_routes(
    seams.ApiRoutes(key="governance.bureau", module="governance.api_bureau_urls", order=51)
)
