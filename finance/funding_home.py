"""The treasurer's home: cash and bank, dues collected against expected this year (a chart drawn on
the server as SVG, with the same figures as a table), who owes, the latest receipts and gifts,
public money against the 500,000 MAD line, and the declarations of foreign money due."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from finance import funding_selectors, selectors
from finance.models import Donation, Due, FiscalYear, GrantInstalment

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)
CHART_WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 320, 18, 14, 0


@dataclass(frozen=True)
class DuesBar:
    label: str
    expected: Decimal
    collected: Decimal

    @property
    def percent(self) -> int:
        return int(self.collected / self.expected * 100) if self.expected else 0


@dataclass(frozen=True)
class DuesChart:
    bars: list[DuesBar]
    expected: Decimal
    collected: Decimal
    width: int = CHART_WIDTH

    @property
    def percent(self) -> int:
        return int(self.collected / self.expected * 100) if self.expected else 0

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (2 * BAR_HEIGHT + GAP)

    def shapes(self) -> list[dict]:
        """Bars in SVG units: for each category, expected (light) and collected (dark) beneath."""
        top = max((bar.expected for bar in self.bars), default=ZERO) or Decimal(1)
        shapes = []
        for index, bar in enumerate(self.bars):
            y = index * (2 * BAR_HEIGHT + GAP)
            shapes.append(
                {
                    "y_expected": y,
                    "y_collected": y + BAR_HEIGHT,
                    "w_expected": int(bar.expected / top * self.width),
                    "w_collected": int(bar.collected / top * self.width),
                    "bar": bar,
                }
            )
        return shapes


def dues_chart(year: FiscalYear | None) -> DuesChart | None:
    """Dues of the year not waived, expected and collected, per member category: one query."""
    if year is None:
        return None
    rows = (
        Due.objects.filter(fiscal_year=year, waived_at=None)
        .values("member__category__name_ar", "member__category__name_fr", "member__category_id")
        .annotate(
            expected=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
            collected=Coalesce(Sum("paid"), Value(ZERO), output_field=MONEY),
            count=Count("id"),
        )
        .order_by("member__category__name_fr")
    )
    from django.utils.translation import get_language, gettext

    arabic = (get_language() or "ar").startswith("ar")
    bars = [
        DuesBar(
            label=(row["member__category__name_ar"] if arabic else row["member__category__name_fr"])
            or gettext("No category"),
            expected=row["expected"],
            collected=row["collected"],
        )
        for row in rows
    ]
    return DuesChart(
        bars=bars,
        expected=sum((bar.expected for bar in bars), ZERO),
        collected=sum((bar.collected for bar in bars), ZERO),
    )


def owing_members(limit: int = 10):
    """The members who owe dues today, the largest debts first (one query)."""
    from django.utils import timezone

    from members.models import Member

    rows = list(
        Due.objects.filter(waived_at=None, due_date__lte=timezone.localdate(), paid__lt=F("amount"))
        .values("member_id")
        .annotate(owed=Sum(F("amount") - F("paid")))
        .order_by("-owed", "member_id")[:limit]
    )
    members = Member.objects.in_bulk([row["member_id"] for row in rows])
    return [(members[row["member_id"]], row["owed"]) for row in rows if row["member_id"] in members]


def latest_receipts(limit: int = 8):
    """The latest receipts of every series (dues, donations, other), with their payment: one query."""
    from finance.models import Receipt

    return Receipt.objects.select_related("payment", "fiscal_year").order_by("-issued_on", "-id")[:limit]


def latest_gifts(limit: int = 5):
    return Donation.objects.select_related("donor", "entry").order_by("-received_on", "-id")[:limit]


def latest_instalments(limit: int = 5):
    return GrantInstalment.objects.select_related("grant__funder").order_by("-received_on", "-id")[:limit]


def treasurer_home() -> dict:
    year = selectors.current_year()
    position = selectors.treasury_position()
    return {
        "year": year,
        "position": position,
        "total": sum((balance for _account, balance in position), ZERO),
        "dues": dues_chart(year),
        "owing": owing_members(),
        "owing_count": len(selectors.member_ids_owing()),
        "receipts": latest_receipts(),
        "gifts": latest_gifts(),
        "instalments": latest_instalments(),
        "money": funding_selectors.public_money_of(year),
        "declarations": list(funding_selectors.declarations_due()[:10]),
    }
