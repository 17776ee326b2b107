"""The inventory as CSV or XLSX, written by the one spreadsheet writer (associations/spreadsheets.py:
text cells typed as text, formulas neutralised)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from associations.spreadsheets import XlsxSheet, csv_writer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def inventory_rows(assets):
    yield [
        pgettext("inventory", "Item"),
        _("Category"),
        _("Serial number or reference"),
        _("Value (MAD)"),
        _("Acquired on"),
        _("Acquired how"),
        _("Bought from, donated or lent by"),
        _("Lent until"),
        _("Location"),
        _("State"),
        _("Fixed-asset account"),
        _("Ledger entry"),
    ]
    for asset in assets:
        yield [
            asset.name,
            asset.get_category_display(),
            asset.reference,
            asset.value,
            asset.acquired_on,
            asset.get_acquisition_display(),
            asset.source,
            asset.lent_until or "",
            asset.location,
            asset.get_state_display(),
            asset.account.code if asset.account_id else "",
            str(asset.entry_line.entry) if asset.entry_line_id else "",
        ]


def inventory(assets, *, file_format: str) -> tuple[bytes, str]:
    """(content, content type) of the inventory in `file_format` ("csv" or "xlsx")."""
    if file_format == "xlsx":
        sheet = XlsxSheet(_("Inventory"))
        for row in inventory_rows(assets):
            sheet.append(row)
        return sheet.to_bytes(), XLSX
    buffer = io.StringIO()
    csv_writer(buffer).writerows(inventory_rows(assets))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
