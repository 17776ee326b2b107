"""/api/v1/ministry/figures/: the roll-up's area cells, suppressed exactly as on the pages ("<5")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.mfa import MFASatisfied
from ministry.access import is_reviewer, record_export
from ministry.models import AreaFigure, AreaLevel
from ministry.suppression import HIDDEN

MAX_ROWS = 5000


class IsMinistryReviewer(permissions.BasePermission):
    message = _("Only ministry reviewers may read these figures.")

    def has_permission(self, request, view) -> bool:
        return is_reviewer(request.user)


class FigureFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    level = serializers.ChoiceField(choices=AreaLevel.choices, required=False)
    area = serializers.CharField(
        required=False, max_length=12, help_text="Region code (MA-01…) or province id"
    )
    indicator = serializers.CharField(required=False, max_length=40)
    sector = serializers.CharField(
        required=False, allow_blank=True, max_length=12, help_text="ICNPO code; empty: all"
    )
    size = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="Size band; empty: all"
    )


class FigureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    level = serializers.CharField()
    area = serializers.CharField()
    sector = serializers.CharField(source="sector_code")
    size = serializers.CharField(source="size_band")
    indicator = serializers.CharField()
    value = serializers.SerializerMethodField(help_text='A number, or "<5" for a suppressed cell')

    def get_value(self, cell) -> str:
        if cell.hidden:
            return HIDDEN
        return (
            str(cell.value.normalize()) if cell.value == cell.value.to_integral_value() else str(cell.value)
        )


class FiguresView(GenericAPIView):
    """Aggregated figures of every association (counts and sums only), with small cells suppressed."""

    permission_classes = [permissions.IsAuthenticated, MFASatisfied, IsMinistryReviewer]
    serializer_class = FigureSerializer

    @extend_schema(
        operation_id="ministry_figures_list",
        parameters=[FigureFilterSerializer],
        responses=FigureSerializer(many=True),
    )
    def get(self, request):
        filters = FigureFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        cells = AreaFigure.objects.all()
        lookups = {"year": "year", "level": "level", "area": "area", "indicator": "indicator"}
        for name, field in lookups.items():
            if name in data:
                cells = cells.filter(**{field: data[name]})
        cells = cells.filter(sector_code=data.get("sector", ""), size_band=data.get("size", ""))
        rows = list(cells.order_by("year", "level", "area", "indicator")[:MAX_ROWS])
        record_export(request.user, "api", {k: str(v) for k, v in data.items()})
        return Response(FigureSerializer(rows, many=True).data)
