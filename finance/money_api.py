"""The reports of the books as JSON: Bilan and CPC (with the previous year), trial balance,
journal and general ledger (a page at a time), cash and bank position, budget vs actual, by
project, bank reconciliation. Capability finance.view, as on the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from associations.api_base import TenantAPIView, query_filters
from finance import selectors
from finance.models import FiscalYear
from finance.reports.base import report_json
from finance.reports.registry import REPORTS, build_report


class ReportQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1)
    account = serializers.IntegerField(required=False, min_value=1)
    journal = serializers.IntegerField(required=False, min_value=1)
    project = serializers.IntegerField(required=False, min_value=1, help_text="budget: one project's")
    page = serializers.IntegerField(required=False, min_value=1, max_value=100000, default=1)


class ReportView(TenantAPIView):
    read_capability = "finance.view"
    write_capability = None  # read only
    serializer_class = ReportQuerySerializer

    def scoped_queryset(self):
        return FiscalYear.objects.all()

    @extend_schema(
        operation_id="finance_report",
        parameters=[ReportQuerySerializer],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The report's tables and facts")},
    )
    def get(self, request, association_slug: str, report_key: str):
        if report_key not in REPORTS:
            raise exceptions.NotFound
        query = query_filters(request, ReportQuerySerializer)
        if query.get("year"):
            year = self.get_queryset().filter(pk=query["year"]).first()
            if year is None:
                raise exceptions.NotFound
        else:
            year = selectors.current_year()
            if year is None:
                raise exceptions.NotFound
        params = {
            "account_id": query.get("account"),
            "journal_id": query.get("journal"),
            "project_id": query.get("project"),
            "page": query["page"],
        }
        data = report_json(build_report(report_key, year, params))
        data["fiscal_year"] = {"id": year.pk, "start_date": year.start_date, "end_date": year.end_date}
        return Response(data)
