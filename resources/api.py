"""REST endpoints of resources: volunteers, their hours, staff, the inventory and premises. Same
services, rules and capabilities as the pages: reading needs resources.view, writing
resources.manage; a refused input is a 400 with the field at fault and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from associations.api_base import StrictBooleanField, TenantAPIView, query_filters
from resources import selectors, services
from resources.models import (
    Acquisition,
    Asset,
    AssetCategory,
    AssetState,
    ContractKind,
    Premises,
    PremisesKind,
    StaffMember,
    Volunteer,
    VolunteerHours,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class _TextOnly:
    """A value of the type the schema says: a JSON string (DRF would also take a number and turn
    it into text, so a client's mistake would pass unseen)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(_TextOnly, serializers.CharField):
    default_error_messages = {"invalid": serializers.CharField.default_error_messages["invalid"]}


class WholeNumberField(serializers.IntegerField):
    """A JSON integer, as the schema says (DRF would also take "12" or 12.0)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalTextField(_TextOnly, serializers.DecimalField):
    """A decimal given as a string, e.g. "2.50" (the schema's type for decimals)."""


class VolunteerSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", allow_null=True, required=False)

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "member",
            "name_ar",
            "name_latin",
            "phone",
            "email",
            "skills",
            "availability",
            "since",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class VolunteerWriteSerializer(serializers.Serializer):
    member = WholeNumberField(required=False, allow_null=True, min_value=1)
    name_ar = TextField(required=False, allow_blank=True, max_length=120)
    name_latin = TextField(required=False, allow_blank=True, max_length=120)
    phone = TextField(required=False, allow_blank=True, max_length=30)
    email = serializers.EmailField(required=False, allow_blank=True)
    skills = TextField(required=False, allow_blank=True, max_length=300)
    availability = TextField(required=False, allow_blank=True, max_length=200)
    since = serializers.DateField(required=False, allow_null=True)
    is_active = StrictBooleanField(required=False, default=True)


class VolunteerFilterSerializer(serializers.Serializer):
    q = TextField(required=False, allow_blank=True, max_length=100)


class VolunteerListView(TenantAPIView):
    """The association's volunteers. POST adds one (a member, or someone named)."""

    serializer_class = VolunteerSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"

    def scoped_queryset(self):
        return selectors.volunteer_list(
            query=query_filters(self.request, VolunteerFilterSerializer).get("q", "")
        )

    @extend_schema(
        operation_id="resources_volunteers_list",
        parameters=[VolunteerFilterSerializer],
        responses=VolunteerSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:1000], many=True).data)

    @extend_schema(
        operation_id="resources_volunteers_create",
        request=VolunteerWriteSerializer,
        responses={201: VolunteerSerializer},
    )
    def post(self, request, association_slug: str):
        payload = VolunteerWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        volunteer = services.volunteer_save(actor=request.user, member_id=data.pop("member", None), **data)
        return Response(self.get_serializer(volunteer).data, status=status.HTTP_201_CREATED)


class VolunteerDetailView(TenantAPIView):
    """One volunteer. PUT replaces what is recorded about them."""

    serializer_class = VolunteerSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"
    lookup_url_kwarg = "volunteer_id"

    def scoped_queryset(self):
        return Volunteer.objects.all()

    @extend_schema(operation_id="resources_volunteer_read")
    def get(self, request, association_slug: str, volunteer_id: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        operation_id="resources_volunteer_update",
        request=VolunteerWriteSerializer,
        responses=VolunteerSerializer,
    )
    def put(self, request, association_slug: str, volunteer_id: int):
        volunteer = self.get_object()
        payload = VolunteerWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        saved = services.volunteer_save(
            actor=request.user, volunteer_id=volunteer.pk, member_id=data.pop("member", None), **data
        )
        return Response(self.get_serializer(saved).data)


class HoursSerializer(serializers.ModelSerializer):
    volunteer = serializers.IntegerField(source="volunteer_id")
    valued_in_entry = serializers.SerializerMethodField()

    class Meta:
        model = VolunteerHours
        fields = [
            "id",
            "volunteer",
            "date",
            "hours",
            "activity",
            "hourly_value",
            "value",
            "valued_in_entry",
            "created_at",
        ]
        read_only_fields = fields

    def get_valued_in_entry(self, row) -> int | None:
        return row.valuation.entry_id if row.valuation_id else None


class HoursWriteSerializer(serializers.Serializer):
    volunteer = WholeNumberField(min_value=1)
    date = serializers.DateField()
    hours = DecimalTextField(
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("24"),
        help_text="Hours given that day, above 0 and at most 24.",
    )
    activity = TextField(max_length=200)


class HoursFilterSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(required=False, min_value=1)


class HoursListView(TenantAPIView):
    """Volunteer hours, latest first (first 1,000). POST records hours, valued at today's hourly value."""

    serializer_class = HoursSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"

    def scoped_queryset(self):
        volunteer = query_filters(self.request, HoursFilterSerializer).get("volunteer")
        return selectors.hours_list(volunteer_id=volunteer).select_related("valuation")

    @extend_schema(
        operation_id="resources_hours_list",
        parameters=[HoursFilterSerializer],
        responses=HoursSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:1000], many=True).data)

    @extend_schema(
        operation_id="resources_hours_create", request=HoursWriteSerializer, responses={201: HoursSerializer}
    )
    def post(self, request, association_slug: str):
        payload = HoursWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = services.hours_record(
            actor=request.user,
            volunteer_id=data["volunteer"],
            day=data["date"],
            hours=data["hours"],
            activity=data["activity"],
        )
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


class StaffSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", allow_null=True)

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "member",
            "name_ar",
            "name_latin",
            "job_title",
            "contract",
            "starts_on",
            "ends_on",
            "weekly_hours",
        ]
        read_only_fields = fields


class StaffWriteSerializer(serializers.Serializer):
    member = WholeNumberField(required=False, allow_null=True, min_value=1)
    name_ar = TextField(required=False, allow_blank=True, max_length=120)
    name_latin = TextField(required=False, allow_blank=True, max_length=120)
    job_title = TextField(max_length=120)
    contract = serializers.ChoiceField(choices=ContractKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    weekly_hours = DecimalTextField(
        max_digits=3, decimal_places=1, min_value=0, max_value=80, required=False, allow_null=True
    )


class StaffListView(TenantAPIView):
    """The association's staff with their contracts. POST adds one."""

    serializer_class = StaffSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"

    def scoped_queryset(self):
        return selectors.staff_list()

    @extend_schema(operation_id="resources_staff_list", responses=StaffSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:1000], many=True).data)

    @extend_schema(
        operation_id="resources_staff_create", request=StaffWriteSerializer, responses={201: StaffSerializer}
    )
    def post(self, request, association_slug: str):
        payload = StaffWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        staff = services.staff_save(actor=request.user, member_id=data.pop("member", None), **data)
        return Response(self.get_serializer(staff).data, status=status.HTTP_201_CREATED)


class AssetSerializer(serializers.ModelSerializer):
    account = TextField(source="account.code", allow_null=True, default=None, read_only=True)
    entry_line = serializers.IntegerField(source="entry_line_id", allow_null=True, read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "name",
            "category",
            "reference",
            "value",
            "acquired_on",
            "acquisition",
            "source",
            "lent_until",
            "location",
            "state",
            "account",
            "entry_line",
        ]
        read_only_fields = fields


class AssetWriteSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    category = serializers.ChoiceField(choices=AssetCategory.choices, required=False, default="other")
    reference = TextField(required=False, allow_blank=True, max_length=80)
    value = DecimalTextField(**MONEY, min_value=0, help_text="MAD, not negative.")
    acquired_on = serializers.DateField()
    acquisition = serializers.ChoiceField(choices=Acquisition.choices)
    source = TextField(required=False, allow_blank=True, max_length=200)
    lent_until = serializers.DateField(required=False, allow_null=True)
    location = TextField(required=False, allow_blank=True, max_length=200)
    state = serializers.ChoiceField(choices=AssetState.choices, required=False, default="good")
    account = WholeNumberField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A fixed-asset account (class 2) of the books.",
    )
    entry_line = WholeNumberField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The posted debit line on a class-2 account that bought it.",
    )


class AssetFilterSerializer(serializers.Serializer):
    acquisition = serializers.ChoiceField(choices=Acquisition.choices, required=False)
    state = serializers.ChoiceField(choices=AssetState.choices, required=False)
    q = TextField(required=False, allow_blank=True, max_length=100)


class AssetListView(TenantAPIView):
    """The inventory. POST adds an item (bought, donated or lent)."""

    serializer_class = AssetSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"

    def scoped_queryset(self):
        data = query_filters(self.request, AssetFilterSerializer)
        return selectors.asset_list(
            acquisition=data.get("acquisition", ""), state=data.get("state", ""), query=data.get("q", "")
        )

    @extend_schema(
        operation_id="resources_assets_list",
        parameters=[AssetFilterSerializer],
        responses=AssetSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:2000], many=True).data)

    @extend_schema(
        operation_id="resources_assets_create", request=AssetWriteSerializer, responses={201: AssetSerializer}
    )
    def post(self, request, association_slug: str):
        payload = AssetWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        asset = services.asset_save(
            actor=request.user,
            account_id=data.pop("account", None),
            entry_line_id=data.pop("entry_line", None),
            **data,
        )
        return Response(self.get_serializer(asset).data, status=status.HTTP_201_CREATED)


class PremisesSerializer(serializers.ModelSerializer):
    documents = serializers.IntegerField(source="document_count", read_only=True, default=0)

    class Meta:
        model = Premises
        fields = [
            "id",
            "name",
            "kind",
            "address",
            "commune",
            "owner",
            "area_m2",
            "monthly_rent",
            "starts_on",
            "ends_on",
            "documents",
        ]
        read_only_fields = fields


class PremisesWriteSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    kind = serializers.ChoiceField(choices=PremisesKind.choices)
    address = TextField(required=False, allow_blank=True, max_length=300)
    commune = TextField(required=False, allow_blank=True, max_length=120)
    owner = TextField(required=False, allow_blank=True, max_length=200)
    area_m2 = WholeNumberField(required=False, allow_null=True, min_value=0, max_value=1_000_000)
    monthly_rent = DecimalTextField(**MONEY, min_value=0, required=False, default=Decimal("0.00"))
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)


class PremisesListView(TenantAPIView):
    """The association's premises (owned, rented, lent). POST adds one."""

    serializer_class = PremisesSerializer
    read_capability = "resources.view"
    write_capability = "resources.manage"

    def scoped_queryset(self):
        return selectors.premises_list()

    @extend_schema(operation_id="resources_premises_list", responses=PremisesSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:1000], many=True).data)

    @extend_schema(
        operation_id="resources_premises_create",
        request=PremisesWriteSerializer,
        responses={201: PremisesSerializer},
    )
    def post(self, request, association_slug: str):
        payload = PremisesWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        premises = services.premises_save(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(premises).data, status=status.HTTP_201_CREATED)
