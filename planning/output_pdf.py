"""Render planning's reports to PDF through documents.pdf (WeasyPrint, bundled fonts, static-only
fetcher): a project sheet, and a plan report (its cover, then its projects in batches)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html

from associations.models import Association
from associations.tenancy import current_association_id
from planning.output_reports import LABELS, bilingual, plan_cover, project_sheets

TEMPLATE = "planning/pdf/output_logframe.html"


def _label_html(pair: dict, language: str) -> str:
    """Both languages, the reader's first, each on its own line in its own direction."""
    first, second = ("ar", "fr") if language == "ar" else ("fr", "ar")
    return format_html(
        '<span class="lb {}">{}</span><span class="lb {}">{}</span>', first, pair[first], second, pair[second]
    )


def pdf_labels(language: str) -> dict:
    found = {key: _label_html(bilingual(message), language) for key, message in LABELS.items()}
    numbers = [bilingual(LABELS[key]) for key in ("baseline", "target", "latest")]
    found["numbers"] = format_html(
        "{} · {} · {}", *(pair["ar" if language == "ar" else "fr"] for pair in numbers)
    )
    not_measured = bilingual(LABELS["not_measured"])
    found["not_measured_inline"] = not_measured["ar" if language == "ar" else "fr"]
    return found


def render_logframe(
    *, language: str, sheets=(), cover: dict | None = None, year=None, single=False, part_index=0,
    numbered=True,
) -> bytes:  # fmt: skip
    from documents.pdf import render_pdf

    association = Association.objects.get(pk=current_association_id())
    context = {
        "association": association,
        "L": pdf_labels(language),
        "title_plain": bilingual(LABELS["project_sheet" if single else "plan_report"])[
            "ar" if language == "ar" else "fr"
        ],
        "sheets": list(sheets),
        "cover": cover,
        "year": year,
        "single": single,
        "part_index": part_index,
        "numbered": numbered,
        "printed_on": timezone.localdate(),
    }
    return render_pdf(TEMPLATE, context, language=language)


def project_sheet_pdf(project, *, year, language: str) -> bytes:
    sheets = project_sheets([project], year=year, language=language)
    return render_logframe(language=language, sheets=sheets, year=year, single=True)


def plan_part_pdf(plan, projects, *, year, language: str, with_cover: bool, part_index: int) -> bytes:
    """One part of a plan report: the cover (first part) and a batch of the plan's projects."""
    cover = plan_cover(plan, language=language) if with_cover else None
    sheets = project_sheets(projects, year=year, language=language)
    return render_logframe(
        language=language, sheets=sheets, cover=cover, year=year, part_index=part_index, numbered=False
    )
