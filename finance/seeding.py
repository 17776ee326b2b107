"""What every association's books start with: the chart of accounts (from the reference CSV in
finance/data/), the four journals and the fiscal year of today.

Written against a model lookup (`apps.get_model`) so that the data migration, which sees
historical models, and the live signal run the same code.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import cache
from pathlib import Path

CHART_CSV = Path(__file__).resolve().parent / "data" / "chart_ma_associations.csv"

# Accounts the platform uses for a purpose (simple-mode forms, closing, the home page).
ROLE_CODES = {
    "5161": "cash",
    "5141": "bank",
    "7152": "dues",
    "7171": "donations",
    "71611": "grant_state",
    "71612": "grant_commune",
    "71613": "grant_indh",
    "71614": "grant_public_body",
    "71615": "grant_international",
    "01": "opening",
    "02": "closing",
    "1191": "result_surplus",
    "1199": "result_deficit",
    "1181": "pending_surplus",
    "1189": "pending_deficit",
    "1161": "carried_surplus",
    "1169": "carried_deficit",
    "1151": "reserves",
    "0714": "volunteering",
    "0719": "volunteering_counterpart",
}

# code, names, kind, the role-bearing account it moves
JOURNALS = (
    ("CAI", "الصندوق", "Caisse", "cash", "5161"),
    ("BNQ", "البنك", "Banque", "bank", "5141"),
    ("OD", "العمليات المختلفة", "Opérations diverses", "operations", None),
    ("AN", "الأرصدة الافتتاحية", "À-nouveaux (ouverture)", "opening", None),
)


@cache
def reference_chart() -> tuple[dict, ...]:
    """The reference rows: code, class, name_fr, name_ar, type (nature), use (core/optional/rare)."""
    with CHART_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))


def reference_row(code: str) -> dict | None:
    return next((row for row in reference_chart() if row["code"] == code), None)


def fiscal_year_bounds(start_month: int, day: date) -> tuple[date, date]:
    """The fiscal year (statutory start month) containing `day`: first and last day."""
    year = day.year if day.month >= start_month else day.year - 1
    start = date(year, start_month, 1)
    return start, add_months(start, 12) - _ONE_DAY


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


_ONE_DAY = timedelta(days=1)


def seed_books(association, *, get_model, today: date) -> bool:
    """Seed one association's chart (core and optional rows; rare rows are added on demand), its
    journals and the fiscal year of `today`. Idempotent: does nothing if the chart exists.
    The caller provides the scope (or, in a migration, runs before row-level security is on)."""
    Account = get_model("finance", "Account")
    Journal = get_model("finance", "Journal")
    FiscalYear = get_model("finance", "FiscalYear")
    if Account.objects.filter(association_id=association.pk).exists():
        return False
    Account.objects.bulk_create(
        [
            Account(
                association_id=association.pk,
                code=row["code"],
                name_ar=row["name_ar"],
                name_fr=row["name_fr"],
                account_class=int(row["class"]),
                nature=row["type"],
                role=ROLE_CODES.get(row["code"], ""),
                origin=row["use"],
            )
            for row in reference_chart()
            if row["use"] in ("core", "optional")
        ]
    )
    by_code = {
        a.code: a.pk
        for a in Account.objects.filter(
            association_id=association.pk, code__in=[j[4] for j in JOURNALS if j[4]]
        )
    }
    Journal.objects.bulk_create(
        [
            Journal(
                association_id=association.pk,
                code=code,
                name_ar=name_ar,
                name_fr=name_fr,
                kind=kind,
                account_id=by_code.get(account_code) if account_code else None,
            )
            for code, name_ar, name_fr, kind, account_code in JOURNALS
        ]
    )
    start, end = fiscal_year_bounds(association.fiscal_year_start_month or 1, today)
    FiscalYear.objects.create(association_id=association.pk, start_date=start, end_date=end)
    return True


LAYOUTS_DIR = Path(__file__).resolve().parent / "data" / "layouts"


def load_layouts(*, get_model, path: Path | None = None) -> int:
    """Load (or replace) statement layouts from a JSON file: the exact CNC layout is swapped in by
    loading another file (`manage.py finance_load_layouts FILE`), without code. Returns the count."""
    import json

    StatementLayout = get_model("finance", "StatementLayout")
    StatementLine = get_model("finance", "StatementLine")
    data = json.loads((path or LAYOUTS_DIR / "association_normal.json").read_text(encoding="utf-8"))
    # A migration passes the models as they were at its step: fields added later are left out.
    layout_fields = {field.name for field in StatementLayout._meta.get_fields()}
    line_fields = {field.name for field in StatementLine._meta.get_fields()}
    for spec in data:
        defaults = {
            "model": spec.get("model", "normal"),
            "statement": spec["statement"],
            "name_ar": spec["name_ar"],
            "name_fr": spec["name_fr"],
            "source": spec.get("source", ""),
            "gross_columns": spec.get("gross_columns", False),
        }
        layout, _created = StatementLayout.objects.update_or_create(
            key=spec["key"], defaults={k: v for k, v in defaults.items() if k in layout_fields}
        )
        StatementLine.objects.filter(layout=layout).delete()
        StatementLine.objects.bulk_create(
            [
                StatementLine(
                    layout=layout,
                    key=line["key"],
                    position=position,
                    **{
                        name: value
                        for name, value in {
                            "kind": line.get("kind", "line"),
                            "label_ar": line["label_ar"],
                            "label_fr": line["label_fr"],
                            "prefixes": line.get("prefixes", []),
                            "exclude": line.get("exclude", []),
                            "sign": line.get("sign", 1),
                            "terms": line.get("terms", {}),
                            "contra": line.get("contra", []),
                        }.items()
                        if name in line_fields
                    },
                )
                for position, line in enumerate(spec["lines"], start=1)
            ]
        )
    return len(data)
