"""What dues bring to the seams (imported from FinanceConfig.ready through finance.contributions):
the resignation check of dahir 1-58-376, art. 4 — a member may resign once the dues fallen due and
those of the current year are paid."""

from __future__ import annotations

from django.utils.translation import gettext as _

from associations import seams
from associations.errors import WaslError
from associations.formatting import format_money
from finance import (
    dues_audit_actions,  # noqa: F401 - registers the sentences of its audit events
    dues_jobs,  # noqa: F401 - registers the dues generation job
    receipt_document,  # noqa: F401 - registers the receipt's document kind
    reminders,  # noqa: F401 - registers the dues reminder rule
    selectors,
)


def _dues_paid_before_resigning(member) -> None:
    owed = selectors.dues_open_for_resignation(member)
    if owed > 0:
        raise WaslError(
            _(
                "This member still owes %(amount)s of dues (the dues fallen due and those of the "
                "current year, dahir 1-58-376, art. 4): record the payment, or waive the dues, "
                "before the resignation."
            )
            % {"amount": format_money(owed)},
            field="to_status",
        )


seams.register_resignation_check(
    seams.ResignationCheck(key="finance.dues_paid", check=_dues_paid_before_resigning, order=30)
)


# --- Menu, member page, member list, portal, announcements ---------------------------------------

from django.utils.translation import gettext_lazy  # noqa: E402

from members import hooks  # noqa: E402
from members.selectors import member_of_request  # noqa: E402

seams.register_nav_entry(
    seams.NavEntry(
        key="finance.dues",
        label=gettext_lazy("Dues and receipts"),
        url_name="dues:list",
        capability="finance.view",
        order=28,
        group="finance",
    )
)


def _standing_context(member) -> dict:
    return {
        "standing": selectors.member_standing(member),
        "dues": list(selectors.member_dues(member)[:6]),
        "receipts": list(selectors.member_receipts(member, limit=10)),
        "credit": selectors.member_credit(member),
        "member": member,
    }


def _member_panel(request, member) -> seams.Fragment | None:
    return seams.Fragment("finance/dues/_member_panel.html", _standing_context(member))


hooks.register_member_panel(
    hooks.MemberPanel(key="finance.dues", capability="finance.view", panel=_member_panel, order=30)
)
hooks.register_member_list_filter(
    hooks.MemberListFilter(
        key="owes_dues",
        label=gettext_lazy("Owes dues"),
        capability="finance.view",
        members=lambda: selectors.members_owing_queryset(),
        order=30,
    )
)
seams.register_audience_segment(
    seams.AudienceSegment(
        key="finance.owes_dues",
        label=gettext_lazy("Members who owe dues"),
        members=lambda value: selectors.members_owing_queryset().values("member_id"),
        order=30,
    )
)


def _my_section(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the member's standing with the dues and their receipts."""
    member = member_of_request(request)
    if member is None:
        return None
    return seams.Fragment("finance/dues/_my_section.html", _standing_context(member))


seams.register_portal_section(seams.PortalSection(key="finance.dues", inside=_my_section, order=30))
seams.register_api_routes(seams.ApiRoutes(key="finance.dues", module="finance.dues_api_urls", order=32))
