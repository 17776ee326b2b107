"""REST endpoints of dues, payments (create with allocation), receipts (list, PDF) and a member's
standing, with the same capabilities as the pages."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import pagination, serializers, status
from rest_framework.response import Response

from associations.api_base import ScopedPrimaryKeyRelatedField, TenantAPIView, query_filters
from finance import selectors
from finance.models import Account, Due, Payment, PaymentMethod, Receipt, ReceiptSeries
from finance.services.payments import payment_record

MONEY = {"max_digits": 14, "decimal_places": 2}


class DueSerializer(serializers.ModelSerializer):
    fiscal_year_label = serializers.CharField(source="fiscal_year.__str__", read_only=True)
    balance = serializers.DecimalField(**MONEY, read_only=True)
    waived = serializers.SerializerMethodField()

    class Meta:
        model = Due
        fields = [
            "id",
            "member",
            "fiscal_year",
            "fiscal_year_label",
            "kind",
            "amount",
            "paid",
            "balance",
            "due_date",
            "waived",
            "waived_reason",
        ]

    def get_waived(self, due: Due) -> bool:
        return due.waived_at is not None


class DueFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1)
    member = serializers.IntegerField(required=False, min_value=1)
    owing = serializers.BooleanField(required=False, default=False)


class StandingSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    on_date = serializers.DateField()
    up_to_date = serializers.BooleanField()
    owed = serializers.DecimalField(**MONEY)
    owed_by_year = serializers.ListField(child=serializers.DictField())


class StandingFilterSerializer(serializers.Serializer):
    on_date = serializers.DateField(required=False)


class AllocationInSerializer(serializers.Serializer):
    due = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(**MONEY)


class ReceiptSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    payer_name = serializers.CharField(source="payment.payer_name", read_only=True)
    amount = serializers.DecimalField(source="payment.amount", **MONEY, read_only=True)
    cancelled = serializers.SerializerMethodField()
    pdf_ready = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id",
            "label",
            "series",
            "number",
            "fiscal_year",
            "kind",
            "cancels",
            "issued_on",
            "payment",
            "payer_name",
            "amount",
            "cancelled",
            "pdf_ready",
        ]

    def get_cancelled(self, receipt: Receipt) -> bool:
        return Receipt.objects.filter(cancels=receipt).exists()

    def get_pdf_ready(self, receipt: Receipt) -> bool:
        return bool(receipt.document_id and receipt.document.file)


class PaymentSerializer(serializers.ModelSerializer):
    allocations = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "date",
            "amount",
            "method",
            "cheque_number",
            "bank_name",
            "reference",
            "payer_member",
            "payer_name",
            "purpose",
            "series",
            "credit_left",
            "entry",
            "cancelled_at",
            "allocations",
            "receipt",
        ]

    def get_allocations(self, payment: Payment) -> list[dict]:
        return [{"due": a.due_id, "amount": f"{a.amount:.2f}"} for a in payment.allocations.all()]

    def get_receipt(self, payment: Payment) -> str:
        receipt = payment.receipts.filter(kind="receipt").first()
        return receipt.label if receipt else ""


class PaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    date = serializers.DateField()
    payer_member = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    payer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    payer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    payer_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    members = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    allocations = AllocationInSerializer(many=True, required=False, default=list)
    cheque_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    bank_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    treasury_account = ScopedPrimaryKeyRelatedField(
        model=Account, required=False, allow_null=True, default=None
    )
    send_receipt = serializers.BooleanField(required=False, default=True)


class ReceiptFilterSerializer(serializers.Serializer):
    series = serializers.ChoiceField(choices=ReceiptSeries.choices, required=False)
    day = serializers.DateField(required=False)


class _Pages(pagination.CursorPagination):
    ordering = "-id"
    page_size = 100


class _DuesView(TenantAPIView):
    read_capability = "finance.view"
    write_capability = "finance.post"


class DueListView(_DuesView):
    serializer_class = DueSerializer
    pagination_class = _Pages

    def scoped_queryset(self):
        filters = query_filters(self.request, DueFilterSerializer)
        found = Due.objects.select_related("fiscal_year")
        if filters.get("year"):
            found = found.filter(fiscal_year_id=filters["year"])
        if filters.get("member"):
            found = found.filter(member_id=filters["member"])
        if filters.get("owing"):
            from django.db.models import F

            found = found.filter(waived_at=None, paid__lt=F("amount"))
        return found

    @extend_schema(
        operation_id="finance_dues_list", parameters=[DueFilterSerializer], responses=DueSerializer(many=True)
    )
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DueSerializer(page, many=True).data)


class StandingView(_DuesView):
    serializer_class = StandingSerializer
    lookup_url_kwarg = "member_id"

    def scoped_queryset(self):
        from members.models import Member

        return Member.objects.filter(anonymised_at=None)

    @extend_schema(
        operation_id="finance_member_standing",
        parameters=[StandingFilterSerializer],
        responses=StandingSerializer,
    )
    def get(self, request, association_slug: str, member_id: int):
        member = self.get_object()
        on_date = query_filters(request, StandingFilterSerializer).get("on_date")
        standing = selectors.member_standing(member, on_date)
        return Response(
            StandingSerializer(
                {
                    "member": member.pk,
                    "on_date": standing.on_date,
                    "up_to_date": standing.up_to_date,
                    "owed": standing.owed,
                    "owed_by_year": [
                        {"year": label, "amount": f"{amount:.2f}"} for label, amount in standing.owed_by_year
                    ],
                }
            ).data
        )


class PaymentListView(_DuesView):
    serializer_class = PaymentSerializer
    pagination_class = _Pages

    def scoped_queryset(self):
        return Payment.objects.prefetch_related("allocations", "receipts")

    @extend_schema(operation_id="finance_payments_list", responses=PaymentSerializer(many=True))
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="finance_payments_create",
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer},
    )
    def post(self, request, association_slug: str):
        payload = PaymentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        payment = payment_record(
            actor=request.user,
            amount=data["amount"],
            method=data["method"],
            date=data["date"],
            payer_member_id=data["payer_member"],
            payer_name=data["payer_name"],
            payer_email=data["payer_email"],
            payer_phone=data["payer_phone"],
            member_ids=data["members"],
            allocations=[(a["due"], a["amount"]) for a in data["allocations"]] or None,
            cheque_number=data["cheque_number"],
            bank_name=data["bank_name"],
            reference=data["reference"],
            treasury_account_id=data["treasury_account"].pk if data["treasury_account"] else None,
            send_receipt=data["send_receipt"],
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class ReceiptListView(_DuesView):
    serializer_class = ReceiptSerializer
    pagination_class = _Pages

    def scoped_queryset(self):
        filters = query_filters(self.request, ReceiptFilterSerializer)
        found = Receipt.objects.select_related("payment", "fiscal_year", "document")
        if filters.get("series"):
            found = found.filter(series=filters["series"])
        if filters.get("day"):
            found = found.filter(issued_on=filters["day"])
        return found

    @extend_schema(
        operation_id="finance_receipts_list",
        parameters=[ReceiptFilterSerializer],
        responses=ReceiptSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReceiptSerializer(page, many=True).data)


class ReceiptPdfView(_DuesView):
    serializer_class = ReceiptSerializer
    lookup_url_kwarg = "receipt_id"

    def scoped_queryset(self):
        return Receipt.objects.select_related("document", "fiscal_year")

    @extend_schema(
        operation_id="finance_receipt_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY)},
    )
    def get(self, request, association_slug: str, receipt_id: int):
        from documents.files import private_storage

        receipt = self.get_object()
        if receipt.document is None or not receipt.document.file:
            raise Http404
        with private_storage().open(receipt.document.file, "rb") as handle:
            content = handle.read()
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.label}.pdf"'
        return response
