"""The reports of the books in the API, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view

from finance import money_api
from finance.reports.registry import REPORT_KINDS

urlpatterns = [
    path(
        f"associations/<slug:association_slug>/finance/reports/{kind.key}/",
        # One view class per report, so that each has its own operationId in the schema.
        extend_schema_view(get=extend_schema(operation_id=f"finance_report_{kind.key}"))(
            type(f"ReportView_{kind.key}", (money_api.ReportView,), {})
        ).as_view(),
        {"report_key": kind.key},
        name=f"api-finance-report-{kind.key}",
    )
    for kind in REPORT_KINDS
]
