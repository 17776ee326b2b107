"""REST endpoints of planning: plans (with their objectives and programmes), projects, their
activities and indicators, and an indicator's measurements.

Same services, rules and capabilities as the pages: reading needs planning.view, writing
planning.manage; every write goes through planning's services (planning.services for plans and
projects, planning.services_tracking for activities, indicators and measurements), so a refused
input is a 400 with the field at fault and changes nothing, and every write is audited.

Measurements are only added (POST): there is no PATCH, PUT or DELETE. A correction is a POST
naming the measurement it corrects (`corrects`) with its reason (`note`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from associations.api_base import StrictBooleanField, StrictCharField, TenantAPIView, query_filters
from planning import services, services_tracking
from planning.models import (
    Activity,
    Frequency,
    Indicator,
    IndicatorUnit,
    LogframeLevel,
    Measurement,
    Objective,
    Plan,
    Programme,
    Project,
    ProjectStatus,
)

VIEW = "planning.view"
MANAGE = "planning.manage"
LIMIT = 1000
MONEY = {"max_digits": 14, "decimal_places": 2}

__all__ = ["StrictBooleanField"]  # re-exported for the API's clients' tests


class WholeNumberField(serializers.IntegerField):
    """A JSON integer, as the schema says (DRF would also take "12" or 12.0)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalTextField(serializers.DecimalField):
    """A decimal given as a string, e.g. "12.50" (the schema's type for decimals)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BoundedDateField(serializers.DateField):
    """A date of something an association does: from 1958 (the dahir on associations) to 2200, as
    `EventDateTimeField` for date-times."""

    default_error_messages = {"out_of_range": gettext_lazy("Enter a date between 1958 and 2200.")}

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        day = super().to_internal_value(value)
        if not date(1958, 1, 1) <= day <= date(2200, 12, 31):
            self.fail("out_of_range")
        return day


# --- Plans -----------------------------------------------------------------------------------------


class PlanningProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "title_ar", "title_fr", "starts_on", "ends_on"]
        read_only_fields = fields


class PlanningObjectiveSerializer(serializers.ModelSerializer):
    programmes = PlanningProgrammeSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "code", "text_ar", "text_fr", "position", "programmes"]
        read_only_fields = fields


class PlanningPlanSerializer(serializers.ModelSerializer):
    previous = serializers.IntegerField(source="previous_id", allow_null=True, read_only=True)
    adopted_by = serializers.IntegerField(
        source="adopted_by_id", allow_null=True, read_only=True, help_text="The adopting resolution."
    )

    class Meta:
        model = Plan
        fields = [
            "id", "title_ar", "title_fr", "vision_ar", "vision_fr", "starts_year", "ends_year", "status",
            "version", "previous", "adopted_by", "adopted_on", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanningPlanDetailSerializer(PlanningPlanSerializer):
    objectives = PlanningObjectiveSerializer(many=True, read_only=True)

    class Meta(PlanningPlanSerializer.Meta):
        fields = [*PlanningPlanSerializer.Meta.fields, "objectives"]
        read_only_fields = fields


class PlanningPlanWriteSerializer(serializers.Serializer):
    title_ar = StrictCharField(required=False, allow_blank=True, max_length=200)
    title_fr = StrictCharField(required=False, allow_blank=True, max_length=200)
    vision_ar = StrictCharField(required=False, allow_blank=True, max_length=5000)
    vision_fr = StrictCharField(required=False, allow_blank=True, max_length=5000)
    starts_year = WholeNumberField(min_value=1958, max_value=2200)
    ends_year = WholeNumberField(min_value=1958, max_value=2200)


class PlanListView(TenantAPIView):
    """The association's plans, every version, latest first. POST starts a new plan (a draft)."""

    serializer_class = PlanningPlanSerializer
    read_capability = VIEW
    write_capability = MANAGE

    def scoped_queryset(self):
        return Plan.objects.order_by("-starts_year", "-version", "-pk")

    @extend_schema(operation_id="planning_plans_list", responses=PlanningPlanSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="planning_plans_create",
        request=PlanningPlanWriteSerializer,
        responses={201: PlanningPlanSerializer},
    )
    def post(self, request, association_slug: str):
        payload = PlanningPlanWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_save(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(TenantAPIView):
    """One plan with its objectives and their programmes."""

    serializer_class = PlanningPlanDetailSerializer
    read_capability = VIEW
    lookup_url_kwarg = "plan_id"

    def scoped_queryset(self):
        return Plan.objects.prefetch_related(
            Prefetch(
                "objectives",
                queryset=Objective.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("programmes", queryset=Programme.objects.order_by("code", "pk"))
                ),
            )
        )

    @extend_schema(operation_id="planning_plan_read")
    def get(self, request, association_slug: str, plan_id: int):
        return Response(self.get_serializer(self.get_object()).data)


# --- Projects --------------------------------------------------------------------------------------


class PlanningProjectSerializer(serializers.ModelSerializer):
    finance_project = serializers.IntegerField(source="finance_project_id", read_only=True)
    code = serializers.CharField(source="finance_project.code", read_only=True)
    name_ar = serializers.CharField(source="finance_project.name_ar", read_only=True)
    name_fr = serializers.CharField(source="finance_project.name_fr", read_only=True)
    starts_on = serializers.DateField(source="finance_project.starts_on", read_only=True, allow_null=True)
    ends_on = serializers.DateField(source="finance_project.ends_on", read_only=True, allow_null=True)
    programme = serializers.IntegerField(source="programme_id", allow_null=True, read_only=True)
    region = serializers.IntegerField(source="region_id", allow_null=True, read_only=True)
    province = serializers.IntegerField(source="province_id", allow_null=True, read_only=True)
    responsible = serializers.IntegerField(source="responsible_id", allow_null=True, read_only=True)
    sdg_goals = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=17), read_only=True
    )

    class Meta:
        model = Project
        fields = [
            "id", "finance_project", "code", "name_ar", "name_fr", "starts_on", "ends_on", "programme",
            "region", "province", "commune", "target_group", "beneficiaries_planned", "beneficiaries_reached",
            "partners", "status", "responsible", "sdg_goals", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanningProjectWriteSerializer(serializers.Serializer):
    """Either an existing project of the books (`finance_project`), or the code and names of a new
    one that finance's own service creates."""

    finance_project = WholeNumberField(required=False, allow_null=True, min_value=1)
    code = StrictCharField(required=False, allow_blank=True, max_length=20)
    name_ar = StrictCharField(required=False, allow_blank=True, max_length=200)
    name_fr = StrictCharField(required=False, allow_blank=True, max_length=200)
    starts_on = BoundedDateField(required=False, allow_null=True)
    ends_on = BoundedDateField(required=False, allow_null=True)
    budget = DecimalTextField(required=False, allow_null=True, min_value=Decimal("0"), **MONEY)
    funder = StrictCharField(required=False, allow_blank=True, max_length=200)
    programme = WholeNumberField(required=False, allow_null=True, min_value=1)
    region = WholeNumberField(required=False, allow_null=True, min_value=1)
    province = WholeNumberField(required=False, allow_null=True, min_value=1)
    commune = StrictCharField(required=False, allow_blank=True, max_length=120)
    target_group = StrictCharField(required=False, allow_blank=True, max_length=300)
    beneficiaries_planned = WholeNumberField(required=False, min_value=0, max_value=100_000_000, default=0)
    beneficiaries_reached = WholeNumberField(required=False, min_value=0, max_value=100_000_000, default=0)
    partners = StrictCharField(required=False, allow_blank=True, max_length=2000)
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices, required=False, default=ProjectStatus.PLANNED
    )
    responsible = WholeNumberField(required=False, allow_null=True, min_value=1)
    sdg_goals = serializers.ListField(
        child=WholeNumberField(min_value=1, max_value=17), required=False, max_length=17, default=list
    )


class ProjectFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    programme = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


def _projects():
    return Project.objects.select_related("finance_project")


class ProjectListView(TenantAPIView):
    """The association's projects (first 1,000), filtered by status or programme. POST adds one."""

    serializer_class = PlanningProjectSerializer
    read_capability = VIEW
    write_capability = MANAGE

    def scoped_queryset(self):
        filters = query_filters(self.request, ProjectFilterSerializer)
        found = _projects().order_by("pk")
        if filters.get("status"):
            found = found.filter(status=filters["status"])
        if filters.get("programme"):
            found = found.filter(programme_id=filters["programme"])
        return found

    @extend_schema(
        operation_id="planning_projects_list",
        parameters=[ProjectFilterSerializer],
        responses=PlanningProjectSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="planning_projects_create",
        request=PlanningProjectWriteSerializer,
        responses={201: PlanningProjectSerializer},
    )
    def post(self, request, association_slug: str):
        payload = PlanningProjectWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        for name in ("finance_project", "programme", "region", "province", "responsible"):
            data[f"{name}_id"] = data.pop(name, None)
        project = services.project_create(actor=request.user, **data)
        return Response(
            self.get_serializer(_projects().get(pk=project.pk)).data, status=status.HTTP_201_CREATED
        )


class ProjectDetailView(TenantAPIView):
    serializer_class = PlanningProjectSerializer
    read_capability = VIEW
    lookup_url_kwarg = "planning_project_id"

    def scoped_queryset(self):
        return _projects()

    @extend_schema(operation_id="planning_project_read")
    def get(self, request, association_slug: str, planning_project_id: int):
        return Response(self.get_serializer(self.get_object()).data)


class _OfProject(TenantAPIView):
    """A list under one project: 404 when the project is not the association's."""

    def project(self) -> Project:
        from rest_framework.exceptions import NotFound

        project = Project.objects.filter(pk=self.kwargs["planning_project_id"]).first()
        if project is None:
            raise NotFound
        return project


# --- Activities ------------------------------------------------------------------------------------


class PlanningActivitySerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    responsible = serializers.IntegerField(source="responsible_id", allow_null=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "project",
            "title_ar",
            "title_fr",
            "starts_on",
            "ends_on",
            "responsible",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class PlanningActivityWriteSerializer(serializers.Serializer):
    title_ar = StrictCharField(required=False, allow_blank=True, max_length=200)
    title_fr = StrictCharField(required=False, allow_blank=True, max_length=200)
    starts_on = BoundedDateField()
    ends_on = BoundedDateField()
    responsible = WholeNumberField(required=False, allow_null=True, min_value=1)


class ActivityListView(_OfProject):
    """A project's activities by start date. POST adds one (planned; its status moves on the pages)."""

    serializer_class = PlanningActivitySerializer
    read_capability = VIEW
    write_capability = MANAGE

    def scoped_queryset(self):
        return Activity.objects.filter(project=self.project()).order_by("starts_on", "pk")

    @extend_schema(operation_id="planning_activities_list", responses=PlanningActivitySerializer(many=True))
    def get(self, request, association_slug: str, planning_project_id: int):
        return Response(self.get_serializer(self.get_queryset()[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="planning_activities_create",
        request=PlanningActivityWriteSerializer,
        responses={201: PlanningActivitySerializer},
    )
    def post(self, request, association_slug: str, planning_project_id: int):
        project = self.project()
        payload = PlanningActivityWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        activity = services_tracking.activity_save(
            actor=request.user,
            planning_project_id=project.pk,
            responsible_id=data.pop("responsible", None),
            **data,
        )
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)


# --- Indicators and measurements -------------------------------------------------------------------


class PlanningIndicatorSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    latest_value = serializers.DecimalField(
        read_only=True, allow_null=True, help_text="The latest value no correction replaced.", **MONEY
    )
    latest_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "id", "project", "level", "name_ar", "name_fr", "unit", "baseline", "target", "frequency",
            "means_of_verification", "assumptions", "latest_value", "latest_on", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanningIndicatorWriteSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=LogframeLevel.choices, required=False, default=LogframeLevel.OUTPUT
    )
    name_ar = StrictCharField(required=False, allow_blank=True, max_length=200)
    name_fr = StrictCharField(required=False, allow_blank=True, max_length=200)
    unit = serializers.ChoiceField(
        choices=IndicatorUnit.choices, required=False, default=IndicatorUnit.NUMBER
    )
    baseline = DecimalTextField(required=False, allow_null=True, **MONEY)
    target = DecimalTextField(**MONEY)
    frequency = serializers.ChoiceField(
        choices=Frequency.choices, required=False, default=Frequency.QUARTERLY
    )
    means_of_verification = StrictCharField(required=False, allow_blank=True, max_length=300)
    assumptions = StrictCharField(required=False, allow_blank=True, max_length=300)


def _indicators():
    from planning.output_reports import with_latest

    return with_latest(Indicator.objects.all())


class IndicatorListView(_OfProject):
    """A project's indicators with their latest measured value. POST adds one."""

    serializer_class = PlanningIndicatorSerializer
    read_capability = VIEW
    write_capability = MANAGE

    def scoped_queryset(self):
        return _indicators().filter(project=self.project()).order_by("level", "pk")

    @extend_schema(operation_id="planning_indicators_list", responses=PlanningIndicatorSerializer(many=True))
    def get(self, request, association_slug: str, planning_project_id: int):
        return Response(self.get_serializer(self.get_queryset()[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="planning_indicators_create",
        request=PlanningIndicatorWriteSerializer,
        responses={201: PlanningIndicatorSerializer},
    )
    def post(self, request, association_slug: str, planning_project_id: int):
        project = self.project()
        payload = PlanningIndicatorWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        indicator = services_tracking.indicator_save(
            actor=request.user, planning_project_id=project.pk, **payload.validated_data
        )
        return Response(
            self.get_serializer(_indicators().get(pk=indicator.pk)).data, status=status.HTTP_201_CREATED
        )


class PlanningMeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id", read_only=True)
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True, read_only=True)
    corrected = serializers.BooleanField(read_only=True, help_text="A later measurement corrects this one.")

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "measured_on", "value", "note", "corrects", "corrected", "recorded_at"]
        read_only_fields = fields


class PlanningMeasurementWriteSerializer(serializers.Serializer):
    measured_on = BoundedDateField(help_text="Not in the future.")
    value = DecimalTextField(**MONEY)
    note = StrictCharField(
        required=False, allow_blank=True, max_length=300, help_text="A correction's reason."
    )
    corrects = WholeNumberField(
        required=False, allow_null=True, min_value=1, help_text="The measurement this one corrects."
    )


class MeasurementListView(TenantAPIView):
    """An indicator's measurements by date, corrected ones included (flagged). POST adds one, or a
    correction naming the measurement it corrects. Measurements are never changed nor deleted."""

    serializer_class = PlanningMeasurementSerializer
    read_capability = VIEW
    write_capability = MANAGE

    def indicator(self) -> Indicator:
        from rest_framework.exceptions import NotFound

        indicator = Indicator.objects.filter(pk=self.kwargs["indicator_id"]).first()
        if indicator is None:
            raise NotFound
        return indicator

    def scoped_queryset(self):
        corrected = Measurement.objects.filter(corrects=OuterRef("pk"))
        return (
            Measurement.objects.filter(indicator=self.indicator())
            .annotate(corrected=Exists(corrected))
            .order_by("measured_on", "pk")
        )

    @extend_schema(
        operation_id="planning_measurements_list", responses=PlanningMeasurementSerializer(many=True)
    )
    def get(self, request, association_slug: str, indicator_id: int):
        return Response(self.get_serializer(self.get_queryset()[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="planning_measurements_create",
        request=PlanningMeasurementWriteSerializer,
        responses={201: PlanningMeasurementSerializer},
    )
    def post(self, request, association_slug: str, indicator_id: int):
        from rest_framework.exceptions import NotFound

        indicator = self.indicator()
        payload = PlanningMeasurementWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data.get("corrects"):
            if not Measurement.objects.filter(pk=data["corrects"], indicator=indicator).exists():
                raise NotFound
            row = services_tracking.measurement_correct(
                actor=request.user,
                measurement_id=data["corrects"],
                value=data["value"],
                reason=data.get("note", ""),
                measured_on=data["measured_on"],
            )
        else:
            row = services_tracking.measurement_add(
                actor=request.user,
                indicator_id=indicator.pk,
                measured_on=data["measured_on"],
                value=data["value"],
                note=data.get("note", ""),
            )
        row.corrected = False
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
