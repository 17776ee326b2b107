"""The national or regional PDF report: the dashboard's tables and charts (SVG drawn here), rendered
by WeasyPrint in the background (ministry.tasks.render_report). A failure is recorded, never shown
as a report."""

from __future__ import annotations

import logging

from django.utils import timezone, translation

from associations.models import Region
from documents.pdf import render_pdf
from ministry import charts, selectors, tables
from ministry.models import Report

log = logging.getLogger(__name__)


def render(*, report_id: int) -> None:
    report = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).first()
    if report is None:  # done already, or gone: idempotent
        return
    try:
        with translation.override(report.language):
            pdf = render_pdf("ministry/pdf/report.html", _context(report), language=report.language)
    except Exception as error:
        log.exception("ministry report %s failed", report_id)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        return
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, pdf=pdf, finished_at=timezone.now())


def _context(report: Report) -> dict:
    rtl = translation.get_language_bidi()
    region = Region.objects.filter(code=report.region_code).first()
    sections = []
    for indicator in selectors.MAP_INDICATORS:
        f = selectors.Filters(year=report.year, indicator=indicator, region=report.region_code)
        area = tables.area_table(f)
        if region:
            chart = charts.bar_chart(area.rows, title=area.title, rtl=rtl, chart_id=f"a-{indicator}")
        else:
            chart = charts.region_map(area.rows, title=area.title, chart_id=f"a-{indicator}")
        sections.append((area, chart))
    f = selectors.Filters(year=report.year, region=report.region_code)
    breakdowns = [
        (table, charts.bar_chart(table.rows, title=table.title, rtl=rtl, chart_id=f"b-{table.key}"))
        for table in tables.breakdown_tables(f)
    ]
    return {
        "report": report,
        "region": region,
        "headline": selectors.headline(f),
        "sections": sections,
        "breakdowns": breakdowns,
        "generated": timezone.now(),
    }
