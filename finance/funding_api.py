"""REST endpoints of funding: donors, donations, funders, grants, grant instalments and the
declarations of foreign money, with the same capabilities as the pages. A donor's CIN is shown only
to roles that may see sensitive data (members.view_sensitive)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers, status
from rest_framework.response import Response

from associations.api_base import ScopedPrimaryKeyRelatedField, StrictCharField, TenantAPIView
from associations.capabilities import has_capability
from finance import funding_selectors
from finance.models import (
    Account,
    Donation,
    DonationNature,
    Donor,
    DonorKind,
    ForeignDeclaration,
    Funder,
    Grant,
    GrantInstalment,
    PaymentMethod,
    Project,
)
from finance.services import funding as services

MONEY = {"max_digits": 14, "decimal_places": 2}


class FunderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funder
        fields = ["id", "name", "funder_type", "country", "email", "notes"]
        read_only_fields = ["id"]


class GrantSerializer(serializers.ModelSerializer):
    received = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "name",
            "funder",
            "reference",
            "signed_on",
            "amount_granted",
            "received",
            "project",
            "purpose",
            "use_report",
            "use_report_on",
        ]
        read_only_fields = fields


class GrantCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    funder = ScopedPrimaryKeyRelatedField(model=Funder)
    amount_granted = serializers.DecimalField(**MONEY)
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    project = ScopedPrimaryKeyRelatedField(model=Project, required=False, allow_null=True, default=None)
    purpose = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class GrantUpdateSerializer(serializers.Serializer):
    """A change to a grant agreement: only the fields sent change."""

    name = StrictCharField(max_length=200, required=False)
    funder = ScopedPrimaryKeyRelatedField(model=Funder, required=False)
    amount_granted = serializers.DecimalField(**MONEY, required=False)
    signed_on = serializers.DateField(required=False, allow_null=True)
    reference = StrictCharField(max_length=80, required=False, allow_blank=True)
    project = ScopedPrimaryKeyRelatedField(model=Project, required=False, allow_null=True)
    purpose = StrictCharField(max_length=2000, required=False, allow_blank=True)


class InstalmentSerializer(serializers.ModelSerializer):
    entry_number = serializers.CharField(source="entry.__str__", read_only=True)
    declaration = serializers.SerializerMethodField()

    class Meta:
        model = GrantInstalment
        fields = [
            "id",
            "grant",
            "amount",
            "received_on",
            "reference",
            "entry",
            "entry_number",
            "payment",
            "declaration",
        ]
        read_only_fields = fields

    def get_declaration(self, instalment: GrantInstalment) -> int | None:
        declaration = getattr(instalment, "declaration", None)
        return declaration.pk if declaration else None


class InstalmentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    received_on = serializers.DateField()
    account = ScopedPrimaryKeyRelatedField(
        model=Account, required=False, allow_null=True, default=None, help_text="The cash or bank account."
    )
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, default=PaymentMethod.TRANSFER
    )
    cheque_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    bank_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class DonorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = ["id", "kind", "name", "cin", "ice", "email", "phone", "address", "from_abroad", "country"]
        read_only_fields = ["id"]

    def to_representation(self, donor):
        data = super().to_representation(donor)
        if not self.context.get("show_identity"):
            data.pop("cin", None)
        return data


class DonorCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DonorKind.choices)
    name = serializers.CharField(max_length=200)
    cin = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    ice = serializers.CharField(max_length=15, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    from_abroad = serializers.BooleanField(required=False, default=False)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DonationSerializer(serializers.ModelSerializer):
    entry_number = serializers.CharField(source="entry.__str__", read_only=True)

    class Meta:
        model = Donation
        fields = [
            "id",
            "donor",
            "nature",
            "amount",
            "received_on",
            "description",
            "valuation",
            "hours",
            "project",
            "entry",
            "entry_number",
            "payment",
        ]
        read_only_fields = fields


class DonationCreateSerializer(serializers.Serializer):
    donor = ScopedPrimaryKeyRelatedField(model=Donor)
    nature = serializers.ChoiceField(choices=DonationNature.choices)
    amount = serializers.DecimalField(**MONEY)
    received_on = serializers.DateField()
    account = ScopedPrimaryKeyRelatedField(
        model=Account, required=False, allow_null=True, default=None, help_text="Cash or bank (money)."
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    valuation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, default=None
    )
    project = ScopedPrimaryKeyRelatedField(model=Project, required=False, allow_null=True, default=None)
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, default=PaymentMethod.CASH
    )
    cheque_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    bank_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class ForeignDeclarationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForeignDeclaration
        fields = [
            "id",
            "instalment",
            "donation",
            "amount",
            "origin",
            "purpose",
            "received_on",
            "due_on",
            "status",
            "reference",
            "declared_on",
        ]
        read_only_fields = fields


class DeclareSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=80)
    declared_on = serializers.DateField()


class FundingPagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50


class _FundingView(TenantAPIView):
    read_capability = "finance.view"
    write_capability = "finance.post"
    pagination_class = FundingPagination

    def _list(self, serializer_class, **context):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


def _show_identity(view) -> bool:
    return has_capability(view.role.kind, "members.view_sensitive")


class FunderListView(_FundingView):
    serializer_class = FunderSerializer

    def scoped_queryset(self):
        return Funder.objects.all()

    @extend_schema(operation_id="finance_funders_list", responses=FunderSerializer(many=True))
    def get(self, request, association_slug: str):
        return self._list(FunderSerializer)

    @extend_schema(
        operation_id="finance_funders_create", request=FunderSerializer, responses={201: FunderSerializer}
    )
    def post(self, request, association_slug: str):
        payload = FunderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        funder = services.funder_create(
            actor=request.user,
            name=data["name"],
            funder_type=data["funder_type"],
            country=data.get("country", ""),
            notes=data.get("notes", ""),
            email=data.get("email", ""),
        )
        return Response(FunderSerializer(funder).data, status=status.HTTP_201_CREATED)


class FunderUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funder
        fields = ["name", "funder_type", "country", "email", "notes"]
        extra_kwargs = {name: {"required": False} for name in fields}


class FunderDetailView(_FundingView):
    serializer_class = FunderSerializer
    lookup_url_kwarg = "funder_id"

    def scoped_queryset(self):
        return Funder.objects.all()

    @extend_schema(operation_id="finance_funders_retrieve")
    def get(self, request, association_slug: str, funder_id: int):
        return Response(FunderSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="finance_funders_partial_update",
        request=FunderUpdateSerializer,
        responses={200: FunderSerializer},
    )
    def patch(self, request, association_slug: str, funder_id: int):
        """Change a funder: the fields sent, the others kept. Its type may change only to one posted
        to the same grant account once money from it was received (400, nothing changed)."""
        funder = self.get_object()
        payload = FunderUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields = {key: getattr(funder, key) for key in FunderUpdateSerializer.Meta.fields}
        fields.update(payload.validated_data)
        updated = services.funder_update(actor=request.user, funder_id=funder.pk, **fields)
        return Response(FunderSerializer(updated).data)


class GrantListView(_FundingView):
    serializer_class = GrantSerializer

    def scoped_queryset(self):
        return funding_selectors.grants()

    @extend_schema(operation_id="finance_grants_list", responses=GrantSerializer(many=True))
    def get(self, request, association_slug: str):
        return self._list(GrantSerializer)

    @extend_schema(
        operation_id="finance_grants_create", request=GrantCreateSerializer, responses={201: GrantSerializer}
    )
    def post(self, request, association_slug: str):
        payload = GrantCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        grant = services.grant_create(
            actor=request.user,
            funder_id=data["funder"].pk,
            name=data["name"],
            amount_granted=data["amount_granted"],
            signed_on=data["signed_on"],
            reference=data["reference"],
            project_id=data["project"].pk if data["project"] else None,
            purpose=data["purpose"],
        )
        return Response(GrantSerializer(funding_selectors.grant_detail(grant.pk)).data, status=201)


class GrantDetailView(_FundingView):
    serializer_class = GrantSerializer
    lookup_url_kwarg = "grant_id"

    def scoped_queryset(self):
        return funding_selectors.grants()

    @extend_schema(operation_id="finance_grants_retrieve")
    def get(self, request, association_slug: str, grant_id: int):
        return Response(GrantSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="finance_grants_partial_update",
        request=GrantUpdateSerializer,
        responses={200: GrantSerializer},
    )
    def patch(self, request, association_slug: str, grant_id: int):
        """Change the agreement; refused (400, nothing changed) when it would contradict the
        instalments already received (amount below them, another funder or project, signed after)."""
        grant = self.get_object()
        payload = GrantUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "funder" in data:
            data["funder_id"] = data.pop("funder").pk
        if "project" in data:
            project = data.pop("project")
            data["project_id"] = project.pk if project else None
        services.grant_update(actor=request.user, grant_id=grant.pk, **data)
        return Response(GrantSerializer(funding_selectors.grant_detail(grant.pk)).data)


class InstalmentListView(_FundingView):
    """A grant's instalments; POST records one (posted to the grant account of the funder's type)."""

    serializer_class = InstalmentSerializer
    lookup_url_kwarg = "grant_id"

    def scoped_queryset(self):
        return Grant.objects.all()

    @extend_schema(operation_id="finance_grant_instalments_list", responses=InstalmentSerializer(many=True))
    def get(self, request, association_slug: str, grant_id: int):
        grant = self.get_object()
        found = (
            GrantInstalment.objects.filter(grant=grant)
            .select_related("entry")
            .prefetch_related("declarations")
            .order_by("id")
        )
        return Response(InstalmentSerializer(found, many=True).data)

    @extend_schema(
        operation_id="finance_grant_instalments_create",
        request=InstalmentCreateSerializer,
        responses={201: InstalmentSerializer},
    )
    def post(self, request, association_slug: str, grant_id: int):
        grant = self.get_object()
        payload = InstalmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        instalment = services.instalment_record(
            actor=request.user,
            grant_id=grant.pk,
            amount=data["amount"],
            received_on=data["received_on"],
            account_id=data["account"].pk if data["account"] else None,
            reference=data["reference"],
            method=data["method"],
            cheque_number=data["cheque_number"],
            bank_name=data["bank_name"],
        )
        return Response(InstalmentSerializer(instalment).data, status=status.HTTP_201_CREATED)


class DonorListView(_FundingView):
    serializer_class = DonorSerializer

    def scoped_queryset(self):
        return Donor.objects.all()

    @extend_schema(operation_id="finance_donors_list", responses=DonorSerializer(many=True))
    def get(self, request, association_slug: str):
        return self._list(DonorSerializer, show_identity=_show_identity(self))

    @extend_schema(
        operation_id="finance_donors_create", request=DonorCreateSerializer, responses={201: DonorSerializer}
    )
    def post(self, request, association_slug: str):
        payload = DonorCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not _show_identity(self):
            data["cin"] = ""  # a role that may not read a CIN does not write one either
        donor = services.donor_create(actor=request.user, **data)
        return Response(
            DonorSerializer(donor, context={"show_identity": _show_identity(self)}).data,
            status=status.HTTP_201_CREATED,
        )


class DonorDetailView(_FundingView):
    serializer_class = DonorSerializer
    lookup_url_kwarg = "donor_id"

    def scoped_queryset(self):
        return Donor.objects.all()

    @extend_schema(operation_id="finance_donors_retrieve")
    def get(self, request, association_slug: str, donor_id: int):
        return Response(
            DonorSerializer(self.get_object(), context={"show_identity": _show_identity(self)}).data
        )


class DonationListView(_FundingView):
    serializer_class = DonationSerializer

    def scoped_queryset(self):
        return Donation.objects.select_related("entry")

    @extend_schema(operation_id="finance_donations_list", responses=DonationSerializer(many=True))
    def get(self, request, association_slug: str):
        return self._list(DonationSerializer)

    @extend_schema(
        operation_id="finance_donations_create",
        request=DonationCreateSerializer,
        responses={201: DonationSerializer},
    )
    def post(self, request, association_slug: str):
        payload = DonationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        donation = services.donation_record(
            actor=request.user,
            donor_id=data["donor"].pk,
            nature=data["nature"],
            amount=data["amount"],
            received_on=data["received_on"],
            account_id=data["account"].pk if data["account"] else None,
            description=data["description"],
            valuation=data["valuation"],
            hours=data["hours"],
            project_id=data["project"].pk if data["project"] else None,
            method=data["method"],
            cheque_number=data["cheque_number"],
            bank_name=data["bank_name"],
        )
        return Response(DonationSerializer(donation).data, status=status.HTTP_201_CREATED)


class DeclarationListView(_FundingView):
    serializer_class = ForeignDeclarationSerializer

    def scoped_queryset(self):
        return ForeignDeclaration.objects.all()

    @extend_schema(
        operation_id="finance_declarations_list", responses=ForeignDeclarationSerializer(many=True)
    )
    def get(self, request, association_slug: str):
        return self._list(ForeignDeclarationSerializer)


class DeclarationDeclareView(_FundingView):
    serializer_class = ForeignDeclarationSerializer
    lookup_url_kwarg = "foreign_declaration_id"

    def scoped_queryset(self):
        return ForeignDeclaration.objects.all()

    @extend_schema(
        operation_id="finance_declarations_declare",
        request=DeclareSerializer,
        responses={200: ForeignDeclarationSerializer},
    )
    def post(self, request, association_slug: str, foreign_declaration_id: int):
        declaration = self.get_object()
        payload = DeclareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        declaration = services.declaration_mark_declared(
            actor=request.user, declaration_id=declaration.pk, **payload.validated_data
        )
        return Response(ForeignDeclarationSerializer(declaration).data)
