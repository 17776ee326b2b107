"""What funding brings to the seams (imported from FinanceConfig.ready): the menu entry, the
treasurer's home card and next action (foreign money to declare), the API routes, the job kind of
its files, the reminder rule of declarations and the sentences of its audit events."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from associations.formatting import format_money
from finance import (
    funding_files,  # noqa: F401 - registers the funding-file job kind
    funding_reminders,  # noqa: F401 - registers the declaration reminder rule
    funding_selectors,
)
from finance.audit_actions import LABELS
from finance.funding_demo import seed_funding

FUNDING_LABELS = {
    **LABELS,
    "name": _("name"),
    "funder": _("funder"),
    "donor": _("donor"),
    "nature": _("nature"),
    "days": _("days"),
    "email": _("e-mail"),
    "country": _("country"),
    "notes": _("notes"),
    "funder_type": _("type of funder"),
}
# The fields of a grant agreement, in the order of its form.
GRANT_LABELS = {
    **FUNDING_LABELS,
    "grant": _("grant agreement"),
    "name": _("name"),
    "funder": _("funder"),
    "amount_granted": _("amount granted (MAD)"),
    "signed_on": _("signed on"),
    "reference": _("agreement reference"),
    "project": _("restricted to project"),
    "purpose": _("purpose"),
}

for action in (
    seams.AuditAction(
        key="finance.funder.created",
        label=_("Funder added"),
        sentence=_("%(actor)s added the funder %(name)s"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.grant.created",
        label=_("Grant agreement recorded"),
        sentence=_("%(actor)s recorded the grant agreement %(name)s with %(funder)s for %(amount)s MAD"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.grant.changed",
        label=_("Grant agreement changed"),
        sentence=_("%(actor)s changed the grant agreement %(grant)s: %(fields)s"),
        field_labels=GRANT_LABELS,
    ),
    seams.AuditAction(
        key="finance.funder.changed",
        label=_("Funder changed"),
        sentence=_("%(actor)s changed the funder %(funder)s: %(fields)s"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.grant.instalment_received",
        label=_("Grant instalment received"),
        sentence=_(
            "%(actor)s recorded an instalment of %(amount)s MAD of the grant %(name)s (entry %(entry)s)"
        ),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.grant.use_reported",
        label=_("Grant use report saved"),
        sentence=_("%(actor)s saved the report on the use of the grant %(name)s"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.donor.created",
        label=_("Donor added"),
        sentence=_("%(actor)s added the donor %(name)s"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.donation.recorded",
        label=_("Donation recorded"),
        sentence=_("%(actor)s recorded a donation of %(amount)s MAD from %(donor)s (entry %(entry)s)"),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.declaration.declared",
        label=_("Foreign money declared"),
        sentence=_(
            "%(actor)s recorded the declaration to the SGG of %(amount)s MAD (reference %(reference)s)"
        ),
        field_labels=FUNDING_LABELS,
    ),
    seams.AuditAction(
        key="finance.funding.settings_changed",
        label=_("Funding settings changed"),
        sentence=_(
            "%(actor)s changed the delay to declare foreign money from %(days_before)s to %(days_after)s days"
        ),
        field_labels=FUNDING_LABELS,
    ),
):
    seams.register_audit_action(action)

seams.register_nav_entry(
    seams.NavEntry(
        key="finance.funding",
        label=_("Treasurer"),
        url_name="funding:home",
        capability="finance.view",
        order=28,
        group="finance",
    )
)


def _funding_figures(request) -> list[seams.Figure]:
    total, waiting = funding_selectors.home_card_figures()  # one query
    slug = request.association.slug
    figures = [
        seams.Figure(
            label=_("Public money this year (certification above 500,000 MAD)"),
            value=format_money(total),
            url=reverse("funding:public", args=[slug]),
        )
    ]
    if waiting:
        figures.append(
            seams.Figure(
                label=_("Foreign money to declare to the SGG"),
                value=waiting,
                url=reverse("funding:declarations", args=[slug]),
            )
        )
    return figures


seams.register_home_card(
    seams.HomeCard(
        key="finance.funding",
        title=_("Grants and gifts"),
        capability="finance.view",
        figures=_funding_figures,
        url_name="funding:home",
        link_label=_("Treasurer's home"),
        order=31,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="finance.declarations",
        capability="finance.post",
        count=lambda request: funding_selectors.declarations_due().count(),
        label=lambda count: (
            ngettext(
                "%(count)d receipt of foreign money to declare to the SGG",
                "%(count)d receipts of foreign money to declare to the SGG",
                count,
            )
            % {"count": count}
        ),
        url_name="funding:declarations",
        order=31,
    )
)
seams.register_api_routes(seams.ApiRoutes(key="finance.funding", module="finance.funding_api_urls", order=32))
seams.register_demo_seeder(
    seams.DemoSeeder(key="finance.funding", seed=seed_funding, depends_on=("finance",), order=50)
)
