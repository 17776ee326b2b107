"""Architecture: every CSV and XLSX file Wasl writes goes through associations/spreadsheets.py, which
neutralises formulas. Found by parsing every product module, so a new export is checked too."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

HELPER = "associations/spreadsheets.py"
# Writers that would bypass the neutralisation. Readers (csv.reader, openpyxl.load_workbook) are fine.
CSV_WRITERS = {"writer", "DictWriter"}
WORKBOOK_CLASSES = {"Workbook", "WriteOnlyCell"}
SPREADSHEET_LIBRARIES = {"xlsxwriter", "xlwt", "pyexcel", "tablib", "pandas"}


def product_modules():
    root = Path(settings.BASE_DIR)
    for package in sorted(p.parent for p in root.glob("*/__init__.py")):
        if package.name in {"tests", "bench"} or package.name.startswith("."):
            continue
        for path in package.rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def direct_writer_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "csv" and node.attr in CSV_WRITERS:
                found.append(f"csv.{node.attr}")
            if node.value.id == "openpyxl" and node.attr in WORKBOOK_CLASSES:
                found.append(f"openpyxl.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module == "csv" and names & CSV_WRITERS:
                found.append(f"from csv import {sorted(names & CSV_WRITERS)}")
            if node.module.startswith("openpyxl") and names & WORKBOOK_CLASSES:
                found.append(f"from {node.module} import {sorted(names & WORKBOOK_CLASSES)}")
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"import {m}" for m in modules if m.split(".")[0] in SPREADSHEET_LIBRARIES]
    return found


def test_the_scan_sees_the_modules_that_write_spreadsheets():
    scanned = dict(product_modules())
    assert {HELPER, "jobs/audit_export.py", "members/views_transfer.py"} <= set(scanned)
    assert direct_writer_uses(scanned[HELPER])  # the helper itself is recognised as a writer
    sample = ast.parse("import csv\nfrom openpyxl import Workbook\nw = csv.writer(x)\n")
    assert len(direct_writer_uses(sample)) == 2


def test_no_module_writes_csv_or_xlsx_except_through_the_helper():
    offenders = {
        relative: uses
        for relative, tree in product_modules()
        if relative != HELPER and (uses := direct_writer_uses(tree))
    }
    assert offenders == {}, (
        f"Write CSV/XLSX with associations.spreadsheets.csv_writer() / XlsxSheet, which neutralise "
        f"formulas: {offenders}"
    )
