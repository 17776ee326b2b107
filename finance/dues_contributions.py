"""What dues bring to the seams (imported from FinanceConfig.ready through finance.contributions):
the resignation check of dahir 1-58-376, art. 4 — a member may resign once the dues fallen due and
those of the current year are paid."""

from __future__ import annotations

from django.utils.translation import gettext as _

from associations import seams
from associations.errors import WaslError
from associations.formatting import format_money
from finance import selectors


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
