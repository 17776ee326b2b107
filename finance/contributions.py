"""What the books bring to the seams (imported from FinanceConfig.ready): the menu entry, the
home-page card (cash and bank position) and next action (drafts to post), the API routes, the
demo data and the sentences of the audit events."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from associations.formatting import format_money
from finance import (
    audit_actions,  # noqa: F401 - registers the sentences of its audit events
    selectors,
)
from finance.demo import seed_books

# The books' pages open from one "Finances" menu: the bar keeps room at 1366 px and on a phone.
seams.register_nav_group(seams.NavGroup(key="finance", label=_("Finances"), order=30))
seams.register_nav_entry(
    seams.NavEntry(
        key="finance.books",
        label=_("Books"),
        url_name="finance:entries",
        capability="finance.view",
        order=30,
        group="finance",
    )
)


def _treasury(request) -> list[seams.Figure]:
    position = selectors.treasury_position()
    figures = [seams.Figure(label=str(account), value=format_money(balance)) for account, balance in position]
    total = sum((balance for _account, balance in position), Decimal("0.00"))
    figures.append(seams.Figure(label=_("Cash and bank, total"), value=format_money(total)))
    return figures


seams.register_home_card(
    seams.HomeCard(
        key="finance.treasury",
        title=_("Cash and bank"),
        capability="finance.view",
        figures=_treasury,
        url_name="finance:trial_balance",
        link_label=_("The books"),
        order=30,
    )
)
seams.register_next_action(
    seams.NextAction(
        key="finance.drafts",
        capability="finance.post",
        count=lambda request: selectors.drafts_count(),
        label=lambda count: (
            ngettext("%(count)d draft entry to post", "%(count)d draft entries to post", count)
            % {"count": count}
        ),
        url_name="finance:entries",
        query="status=draft",
        order=30,
    )
)
seams.register_api_routes(seams.ApiRoutes(key="finance", module="finance.api_urls", order=30))
seams.register_demo_seeder(seams.DemoSeeder(key="finance", seed=seed_books, depends_on=("members",)))

from finance import dues_contributions  # noqa: E402, F401 - dues: resignation check, pages, portal
