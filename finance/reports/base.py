"""The shape every report takes: tables of rows whose amount cells are Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    key: str = ""


@dataclass
class Row:
    cells: list[Any]
    kind: str = "line"  # heading, line, total, result, subtotal
    key: str = ""
    link: str = ""  # optional: where the first cell leads on the page


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    key: str
    title: str
    subtitle: str = ""
    tables: list[Table] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # checks shown above the tables (balanced…)


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def report_json(report: Report) -> dict:
    """The report as plain JSON (amounts as strings with two decimals)."""
    return {
        "report": report.key,
        "title": report.title,
        "subtitle": report.subtitle,
        "facts": {key: json_value(value) for key, value in report.facts.items()},
        "tables": [
            {
                "title": table.title,
                "columns": [
                    {"key": column.key or str(index), "label": column.label, "numeric": column.numeric}
                    for index, column in enumerate(table.columns)
                ],
                "rows": [
                    {"key": row.key, "kind": row.kind, "cells": [json_value(cell) for cell in row.cells]}
                    for row in table.rows
                ],
            }
            for table in report.tables
        ],
    }


def table_rows(report: Report):
    """Every table as plain rows for CSV/XLSX: the table's title, its header, its rows, a blank row."""
    for table in report.tables:
        yield [table.title]
        yield [column.label for column in table.columns]
        for row in table.rows:
            yield [("" if cell is None else cell) for cell in row.cells]
        yield []
