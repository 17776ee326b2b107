"""REST endpoints of the bureau register, declarations, minutes and compliance. Same services and
capabilities as the pages; no CIN number is ever served by the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from associations.api_base import StrictCharField, TenantAPIView
from governance import selectors_bureau as selectors
from governance import services_bureau, services_declarations, services_minutes
from governance.compliance import compliance_of
from governance.models import Declaration, DeclarationKind, Mandate, Minutes, Office


class MandateSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    member_name = StrictCharField(source="member.display_name", read_only=True)
    elected_by = serializers.IntegerField(source="elected_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Mandate
        fields = [
            "id",
            "member",
            "member_name",
            "office",
            "starts_on",
            "ends_on",
            "elected_by",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = fields


class MandateRequestSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1)
    office = serializers.ChoiceField(choices=Office.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    assembly = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    replace_holder = serializers.BooleanField(required=False, default=False)


class MandateListView(TenantAPIView):
    """The bureau register: mandates running and past. POST records an office holder."""

    serializer_class = MandateSerializer
    read_capability = "governance.view"
    write_capability = "governance.convene"

    def scoped_queryset(self):
        return Mandate.objects.select_related("member").order_by("ended_on", "-starts_on", "pk")

    @extend_schema(operation_id="governance_mandates_list", responses=MandateSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:500], many=True).data)

    @extend_schema(
        operation_id="governance_mandates_create",
        request=MandateRequestSerializer,
        responses={201: MandateSerializer},
    )
    def post(self, request, association_slug: str):
        payload = MandateRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        mandate = services_bureau.mandate_record(
            actor=request.user,
            member_id=data["member"],
            office=data["office"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            assembly_id=data.get("assembly"),
            replace_holder=data["replace_holder"],
        )
        return Response(self.get_serializer(mandate).data, status=status.HTTP_201_CREATED)


class DeclarationSerializer(serializers.ModelSerializer):
    assembly = serializers.IntegerField(source="assembly_id", read_only=True, allow_null=True)
    pack_ready = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [
            "id", "kind", "assembly", "changed_on", "due_on", "branch_name", "authority", "status",
            "filed_on", "provisional_reference", "final_due_on", "final_on", "final_reference", "pack_ready",
        ]  # fmt: skip
        read_only_fields = fields

    def get_pack_ready(self, declaration) -> bool:
        return bool(declaration.pack_file)


class DeclarationRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeclarationKind.choices)
    changed_on = serializers.DateField()
    assembly = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    branch_name = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    authority = StrictCharField(required=False, allow_blank=True, max_length=200, default="")


class DeclarationListView(TenantAPIView):
    """Declarations to the local authority (art. 5). POST opens one, due one month after the change."""

    serializer_class = DeclarationSerializer
    read_capability = "governance.view"
    write_capability = "governance.convene"

    def scoped_queryset(self):
        return selectors.declaration_list()

    @extend_schema(operation_id="governance_declarations_list", responses=DeclarationSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:500], many=True).data)

    @extend_schema(
        operation_id="governance_declarations_create",
        request=DeclarationRequestSerializer,
        responses={201: DeclarationSerializer},
    )
    def post(self, request, association_slug: str):
        payload = DeclarationRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        declaration = services_declarations.declaration_open(
            actor=request.user,
            kind=data["kind"],
            changed_on=data["changed_on"],
            assembly_id=data.get("assembly"),
            branch_name=data["branch_name"],
            authority=data["authority"],
        )
        return Response(self.get_serializer(declaration).data, status=status.HTTP_201_CREATED)


class ReceiptRequestSerializer(serializers.Serializer):
    receipt = serializers.ChoiceField(choices=[("provisional", "provisional"), ("final", "final")])
    date = serializers.DateField()
    reference = StrictCharField(required=False, allow_blank=True, max_length=60, default="")


class DeclarationDetailView(TenantAPIView):
    """One declaration. POST records its provisional receipt, then its final receipt."""

    serializer_class = DeclarationSerializer
    read_capability = "governance.view"
    write_capability = "governance.convene"
    lookup_url_kwarg = "declaration_id"

    def scoped_queryset(self):
        return selectors.declaration_list()

    @extend_schema(operation_id="governance_declaration_get", responses=DeclarationSerializer)
    def get(self, request, association_slug: str, declaration_id: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        operation_id="governance_declaration_receipt",
        request=ReceiptRequestSerializer,
        responses={200: DeclarationSerializer},
    )
    def post(self, request, association_slug: str, declaration_id: int):
        declaration = self.get_object()
        payload = ReceiptRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["receipt"] == "provisional":
            declaration = services_declarations.declaration_record_filing(
                actor=request.user,
                declaration_id=declaration.pk,
                filed_on=data["date"],
                reference=data["reference"],
            )
        else:
            declaration = services_declarations.declaration_record_final_receipt(
                actor=request.user,
                declaration_id=declaration.pk,
                final_on=data["date"],
                reference=data["reference"],
            )
        return Response(self.get_serializer(declaration).data)


class SignatureSerializer(serializers.Serializer):
    signatory = StrictCharField()
    name = StrictCharField()
    signed_at = serializers.DateTimeField()


class MinutesSerializer(serializers.ModelSerializer):
    assembly = serializers.IntegerField(source="assembly_id", read_only=True)
    signatures = SignatureSerializer(many=True, source="signatures.all", read_only=True)
    verify_token = serializers.SerializerMethodField(
        help_text="Published minutes: the token to check at /verify/."
    )

    class Meta:
        model = Minutes
        fields = [
            "id",
            "assembly",
            "status",
            "facts",
            "text_ar",
            "text_fr",
            "signatures",
            "published_at",
            "verify_token",
        ]
        read_only_fields = fields

    def get_verify_token(self, minutes) -> str | None:
        return minutes.document.token if minutes.document_id else None


class MinutesListView(TenantAPIView):
    """Minutes of the association's meetings (officers)."""

    serializer_class = MinutesSerializer
    read_capability = "governance.view"

    def scoped_queryset(self):
        return (
            Minutes.objects.select_related("document").prefetch_related("signatures").order_by("-drafted_at")
        )

    @extend_schema(operation_id="governance_minutes_list", responses=MinutesSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:200], many=True).data)


class MinutesSignView(TenantAPIView):
    """GET one set of minutes; POST signs it as the caller's office (president or secretary-general)."""

    serializer_class = MinutesSerializer
    read_capability = "governance.view"
    write_capability = "governance.view"  # the service checks that the caller signs for an office
    lookup_url_kwarg = "minutes_id"

    def scoped_queryset(self):
        return Minutes.objects.select_related("document").prefetch_related("signatures")

    @extend_schema(operation_id="governance_minutes_get", responses=MinutesSerializer)
    def get(self, request, association_slug: str, minutes_id: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(operation_id="governance_minutes_sign", request=None, responses={200: MinutesSerializer})
    def post(self, request, association_slug: str, minutes_id: int):
        minutes = self.get_object()
        services_minutes.minutes_sign(actor=request.user, minutes_id=minutes.pk)
        return Response(self.get_serializer(self.scoped_queryset().get(pk=minutes.pk)).data)


class ComplianceSerializer(serializers.Serializer):
    last_ordinary_assembly = serializers.DateField(allow_null=True)
    ordinary_assembly_overdue = serializers.BooleanField()
    declarations_late = serializers.IntegerField()
    declarations_pending = serializers.IntegerField()
    final_receipts_waiting = serializers.IntegerField()
    final_receipts_late = serializers.IntegerField()
    mandates_expired = serializers.IntegerField()


class ComplianceView(TenantAPIView):
    """The association's legal obligations at a glance."""

    serializer_class = ComplianceSerializer
    read_capability = "governance.view"

    def scoped_queryset(self):
        return Declaration.objects.none()

    @extend_schema(operation_id="governance_compliance_get", responses=ComplianceSerializer)
    def get(self, request, association_slug: str):
        return Response(ComplianceSerializer(compliance_of()).data)
