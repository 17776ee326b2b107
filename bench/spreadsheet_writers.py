"""Cost of neutralising formulas (associations/spreadsheets.py) against writing cells raw, for a
register export: 16 text columns (names, a phone, an address, dates…), N rows. No database.

    .venv/bin/python bench/spreadsheet_writers.py [rows]
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from associations.spreadsheets import XlsxSheet, csv_writer

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
ROW = [
    "1234",
    "Alaoui",
    "Karim",
    "العلوي",
    "كريم",
    "M",
    "1990-01-02",
    "Fès",
    "Marocaine",
    "+212612345678",
    "karim@example.ma",
    '=HYPERLINK("http://evil","x")',
    "Enseignant",
    "Actif",
    "2024-01-01",
    "active",
]


def timed(label: str, write) -> None:
    start = time.perf_counter()
    size = write()
    elapsed = time.perf_counter() - start
    print(f"{label:<28} {elapsed:7.2f} s  {ROWS / elapsed:9,.0f} rows/s  {size / 1e6:6.1f} MB")


def csv_raw() -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for _ in range(ROWS):
        writer.writerow(ROW)
    return len(buffer.getvalue())


def csv_safe() -> int:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for _ in range(ROWS):
        writer.writerow(ROW)
    return len(buffer.getvalue())


def xlsx_raw() -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("members")
    for _ in range(ROWS):
        sheet.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def xlsx_safe() -> int:
    sheet = XlsxSheet("members")
    for _ in range(ROWS):
        sheet.append(ROW)
    return len(sheet.to_bytes())


if __name__ == "__main__":
    print(f"{ROWS:,} rows × {len(ROW)} columns")
    timed("CSV, csv.writer (raw)", csv_raw)
    timed("CSV, csv_writer (safe)", csv_safe)
    timed("XLSX, openpyxl (raw)", xlsx_raw)
    timed("XLSX, XlsxSheet (safe)", xlsx_safe)
