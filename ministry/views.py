"""/ministry/: the reviewers' dashboard, compliance lists, exports and reports (aggregates only)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.models import Province, Region, Sector
from associations.spreadsheets import XlsxSheet, csv_writer
from ministry import charts, compliance, selectors, services, tables
from ministry.access import record_export, reviewer_required
from ministry.models import Report
from ministry.providers import SIZE_BANDS
from ministry.suppression import HIDDEN


def _filters(request):
    return selectors.parse_filters(request.GET, default_year=timezone.localdate().year)


@require_GET
@reviewer_required
def dashboard(request):
    f = _filters(request)
    rtl = get_language_bidi()
    area = tables.area_table(f)
    trend = tables.trend_table(f)
    base = f.as_params()

    def drill(code: str) -> str:
        return reverse("ministry:dashboard") + "?" + urlencode({**base, "region": code})

    if f.region:
        area_chart = charts.bar_chart(area.rows, title=area.title, rtl=rtl, chart_id="areas")
        legend = []
    else:
        area_chart = charts.region_map(area.rows, title=area.title, link=drill, chart_id="areas")
        legend = charts.legend(area.rows)
    trend_chart = charts.line_chart(
        list(zip(selectors.years(), trend.rows, strict=False)), title=trend.title, chart_id="trend"
    )
    breakdowns = [
        (table, charts.bar_chart(table.rows, title=table.title, rtl=rtl, chart_id=table.key))
        for table in tables.breakdown_tables(f)
    ]
    return render(
        request,
        "ministry/dashboard.html",
        {
            "f": f,
            "headline": selectors.headline(f),
            "area": area,
            "area_chart": area_chart,
            "legend": legend,
            "trend": trend,
            "trend_chart": trend_chart,
            "breakdowns": breakdowns,
            "years": selectors.years(),
            "indicators": [(code, selectors.indicator_label(code)) for code in selectors.MAP_INDICATORS],
            "sectors": Sector.objects.all(),
            "sizes": [code for code, _lo, _hi in SIZE_BANDS],
            "region": Region.objects.filter(code=f.region).first() if f.region else None,
            "state": selectors.state(),
            "query": urlencode(base),
            "national_query": urlencode({k: v for k, v in base.items() if k != "region"}),
            "hidden_sign": HIDDEN,
        },
    )


def _rows_of(table) -> list[list]:
    rows = [[figure.label, figure.shown] for figure in table.rows]
    if table.total is not None:
        rows.append([table.total.label, table.total.shown])
    return rows


def _spreadsheet(request, *, kind: str, filename: str, title: str, header: list, rows: list, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    record_export(request.user, kind, {"format": fmt, **request.GET.dict()})
    if fmt == "xlsx":
        sheet = XlsxSheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        response = HttpResponse(
            sheet.to_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@require_GET
@reviewer_required
def export_table(request, key: str, fmt: str):
    f = _filters(request)
    table = tables.table_by_key(f, key)
    if table is None:
        raise Http404
    return _spreadsheet(
        request,
        kind=f"table:{key}",
        filename=f"wasl-{key}-{f.year}",
        title=table.title,
        header=[table.first_column, table.title],
        rows=_rows_of(table),
        fmt=fmt,
    )


@require_GET
@reviewer_required
def open_data(request):
    """Every published cell of the roll-up, suppressed: the open-data file (CSV)."""
    record_export(request.user, "open_data", {})

    class Echo:
        def write(self, value):
            return value

    writer = csv_writer(Echo())

    def lines():
        yield "\ufeff" + writer.writerow(selectors.OPEN_DATA_HEADER)
        for row in selectors.open_data_rows():
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wasl-open-data.csv"'
    return response


def _compliance_filters(request):
    """The year and region of the dashboard's filters, a province of that region, and the list."""
    f = _filters(request)
    province = None
    raw = request.GET.get("province", "")
    if raw.isdigit():
        found = Province.objects.filter(pk=int(raw))
        if f.region:
            found = found.filter(region__code=f.region)
        province = found.first()
    key = request.GET.get("list", "")
    if key not in compliance.COMPLIANCE_LISTS:
        key = next(iter(compliance.COMPLIANCE_LISTS))
    return f, province, key


@require_GET
@reviewer_required
def compliance_page(request):
    f, province, key = _compliance_filters(request)
    where = {"region": f.region, "province": province.pk if province else None}
    counts = [
        (item, compliance.associations_on(item.key, f.year, **where).count())
        for item in compliance.COMPLIANCE_LISTS.values()
    ]
    page = Paginator(compliance.associations_on(key, f.year, **where), compliance.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = {"year": f.year, "region": f.region, "province": province.pk if province else ""}
    params = {k: v for k, v in params.items() if v not in ("", None)}
    provinces = Province.objects.filter(region__code=f.region) if f.region else Province.objects.none()
    return render(
        request,
        "ministry/compliance.html",
        {"f": f, "province": province, "provinces": provinces, "counts": counts,
         "current": compliance.COMPLIANCE_LISTS[key], "page": page, "rows": compliance.public_facts(page),
         "years": selectors.years(), "regions": Region.objects.all(),
         "line": compliance.public_funding_line(), "query": urlencode(params),
         "list_query": urlencode({**params, "list": key})},
    )  # fmt: skip


@require_GET
@reviewer_required
def export_compliance(request, key: str, fmt: str):
    if key not in compliance.COMPLIANCE_LISTS:
        raise Http404
    f, province, _key = _compliance_filters(request)
    found = compliance.listed(key, f.year, region=f.region, province=province.pk if province else None)
    return _spreadsheet(
        request,
        kind=f"compliance:{key}",
        filename=f"wasl-{key}-{f.year}",
        title=str(compliance.COMPLIANCE_LISTS[key].title),
        header=[_("Association"), _("Province"), _("Region"), _("Sector")],
        rows=[[a.name, a.province, a.region, a.sector] for a in found],
        fmt=fmt,
    )


@require_http_methods(["GET", "POST"])
@reviewer_required
def reports(request):
    if request.method == "POST":
        try:
            report = services.report_request(
                user=request.user,
                region_code=request.POST.get("region", ""),
                year=request.POST.get("year", ""),
            )
        except services.MinistryError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report is being prepared. It appears below when it is ready."))
            return redirect(reverse("ministry:reports") + f"#report-{report.pk}")
    return render(
        request,
        "ministry/reports.html",
        {
            "reports": Report.objects.filter(requested_by=request.user).defer("pdf")[:20],
            "years": selectors.years(),
            "regions": Region.objects.all(),
        },
    )


@require_GET
@reviewer_required
def report_download(request, national_report_id: int):
    report = get_object_or_404(
        Report, pk=national_report_id, requested_by=request.user, status=Report.Status.DONE
    )
    record_export(
        request.user, "report", {"report": report.pk, "region": report.region_code, "year": report.year}
    )
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="wasl-report-{report.region_code or "MA"}-{report.year}.pdf"'
    )
    return response
