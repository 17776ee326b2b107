"""Cells of the finance reports on a page: an amount in the reader's language, kept left to right
inside Arabic text; a date as dd/mm/yyyy; text isolated in its own direction."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils.html import format_html

from associations.formatting import format_amount

register = template.Library()


@register.filter
def amount(value):
    """{{ value|amount }}: '1 234,50' (fr) in a left-to-right isolate; empty stays empty."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', format_amount(value))


@register.filter
def cell(value):
    """{{ value|cell }}: one cell of a report table."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return amount(value)
    if isinstance(value, date):
        return format_html('<bdi dir="ltr">{}</bdi>', value.strftime("%d/%m/%Y"))
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def with_columns(cells, columns):
    """{% for value, numeric in row.cells|with_columns:table.columns %}: each cell with whether its
    column holds amounts (aligned to the end)."""
    return [(value, index < len(columns) and columns[index].numeric) for index, value in enumerate(cells)]
