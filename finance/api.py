"""REST endpoints of the books: accounts, fiscal years, entries (list, detail, create a draft,
post, reverse) and the trial balance, with the same capabilities as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from associations.api_base import (
    ScopedPrimaryKeyRelatedField,
    StrictBooleanField,
    TenantAPIView,
    query_filters,
)
from finance import selectors
from finance.models import Account, Entry, EntryStatus, FiscalYear, Journal, Project
from finance.services import entries as entry_services

MONEY = {"max_digits": 14, "decimal_places": 2}


class AccountSerializer(serializers.ModelSerializer):
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "code", "name_ar", "name_fr", "account_class", "nature", "role", "archived"]

    def get_archived(self, account: Account) -> bool:
        return account.archived_at is not None


class FiscalYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = FiscalYear
        fields = ["id", "start_date", "end_date", "status", "result", "closed_at"]


class LineSerializer(serializers.Serializer):
    account = ScopedPrimaryKeyRelatedField(model=Account)
    account_code = serializers.CharField(source="account.code", read_only=True)
    debit = serializers.DecimalField(**MONEY, min_value=0, default="0.00")
    credit = serializers.DecimalField(**MONEY, min_value=0, default="0.00")
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    project = ScopedPrimaryKeyRelatedField(model=Project, required=False, allow_null=True, default=None)


class EntrySerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "journal",
            "fiscal_year",
            "number",
            "date",
            "label",
            "reference",
            "status",
            "kind",
            "reverses",
            "reversed_by",
            "posted_at",
            "prev_hash",
            "hash",
            "lines",
        ]
        read_only_fields = fields

    def get_reversed_by(self, entry: Entry) -> int | None:
        reversal = entry.reversed_by
        return reversal.pk if reversal else None


class EntryCreateSerializer(serializers.Serializer):
    journal = ScopedPrimaryKeyRelatedField(model=Journal, filters={"archived_at": None})
    date = serializers.DateField()
    label = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    lines = LineSerializer(many=True)
    post = StrictBooleanField(required=False, default=False, help_text="Post the entry at once.")

    def validate_lines(self, lines):
        if len(lines) < 2 or len(lines) > entry_services.MAX_LINES:
            raise ValidationError(
                _("An entry has from 2 to %(max)d lines.") % {"max": entry_services.MAX_LINES}
            )
        return lines


class EntryUpdateSerializer(EntryCreateSerializer):
    post = None  # posting is its own action (entries/<id>/post/)


class ReverseSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True, help_text="Date of the reversal (today).")
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EntryFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    journal = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)


class AccountFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text="Code prefix or words of the name.")


class BalanceRowSerializer(serializers.Serializer):
    account_id = serializers.IntegerField()
    code = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)


class TrialBalanceSerializer(serializers.Serializer):
    year = FiscalYearSerializer()
    rows = BalanceRowSerializer(many=True)
    total_debit = serializers.DecimalField(**MONEY)
    total_credit = serializers.DecimalField(**MONEY)
    balanced = serializers.BooleanField()


class EntryPagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50


class _FinanceView(TenantAPIView):
    read_capability = "finance.view"
    write_capability = "finance.post"


class AccountListView(_FinanceView):
    serializer_class = AccountSerializer

    def scoped_queryset(self):
        return Account.objects.all()

    @extend_schema(
        operation_id="finance_accounts_list",
        parameters=[AccountFilterSerializer],
        responses=AccountSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        query = query_filters(request, AccountFilterSerializer).get("q", "")
        accounts = (
            selectors.account_search(query, limit=50) if query else self.get_queryset().order_by("code")
        )
        return Response(AccountSerializer(accounts, many=True).data)


class FiscalYearListView(_FinanceView):
    serializer_class = FiscalYearSerializer

    def scoped_queryset(self):
        return selectors.fiscal_years()

    @extend_schema(operation_id="finance_years_list", responses=FiscalYearSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(FiscalYearSerializer(self.get_queryset(), many=True).data)


class TrialBalanceView(_FinanceView):
    serializer_class = TrialBalanceSerializer
    lookup_url_kwarg = "year_id"

    def scoped_queryset(self):
        return FiscalYear.objects.all()

    @extend_schema(operation_id="finance_trial_balance")
    def get(self, request, association_slug: str, year_id: int):
        trial = selectors.trial_balance(self.get_object())
        return Response(
            TrialBalanceSerializer(
                {
                    "year": trial.year,
                    "rows": [row.__dict__ | {"balance": row.balance} for row in trial.rows],
                    "total_debit": trial.total_debit,
                    "total_credit": trial.total_credit,
                    "balanced": trial.balanced,
                }
            ).data
        )


def _detail(entry_id: int) -> Entry:
    return selectors.entry_detail(entry_id)


class EntryListView(_FinanceView):
    serializer_class = EntrySerializer
    pagination_class = EntryPagination

    def scoped_queryset(self):
        filters = query_filters(self.request, EntryFilterSerializer)
        found = Entry.objects.prefetch_related("lines__account", "reversals")
        if filters.get("year"):
            found = found.filter(fiscal_year_id=filters["year"])
        if filters.get("journal"):
            found = found.filter(journal_id=filters["journal"])
        if filters.get("status"):
            found = found.filter(status=filters["status"])
        return found

    @extend_schema(
        operation_id="finance_entries_list",
        parameters=[EntryFilterSerializer],
        responses=EntrySerializer(many=True),
    )
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(request=EntryCreateSerializer, responses={201: EntrySerializer})
    def post(self, request, association_slug: str):
        payload = EntryCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        entry = entry_services.entry_create(
            actor=request.user,
            journal_id=data["journal"].pk,
            date=data["date"],
            label=data["label"],
            reference=data["reference"],
            lines=[
                entry_services.LineInput(
                    account_id=line["account"].pk,
                    debit=line["debit"],
                    credit=line["credit"],
                    label=line["label"],
                    project_id=line["project"].pk if line["project"] else None,
                )
                for line in data["lines"]
            ],
            post=data["post"],
        )
        return Response(EntrySerializer(_detail(entry.pk)).data, status=status.HTTP_201_CREATED)


class EntryDetailView(_FinanceView):
    serializer_class = EntrySerializer
    lookup_url_kwarg = "entry_id"

    def scoped_queryset(self):
        return Entry.objects.prefetch_related("lines__account", "reversals")

    def get(self, request, association_slug: str, entry_id: int):
        return Response(EntrySerializer(self.get_object()).data)

    @extend_schema(
        operation_id="finance_entries_update_draft",
        request=EntryUpdateSerializer,
        responses=EntrySerializer,
        description="Change a draft: the fields given replace the draft's (the lines, when given, all "
        "of them). A posted entry never changes: reverse it instead.",
    )
    def patch(self, request, association_slug: str, entry_id: int):
        entry = self.get_object()
        payload = EntryUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if "lines" in data:
            lines = [
                entry_services.LineInput(
                    account_id=line["account"].pk,  # a partial payload applies no defaults inside lines
                    debit=line.get("debit") or "0",
                    credit=line.get("credit") or "0",
                    label=line.get("label", ""),
                    project_id=line["project"].pk if line.get("project") else None,
                )
                for line in data["lines"]
            ]
        else:
            lines = [
                entry_services.LineInput(
                    line.account_id, line.debit, line.credit, line.label, line.project_id
                )
                for line in entry.lines.all()
            ]
        entry_services.entry_update(
            actor=request.user,
            entry_id=entry.pk,
            journal_id=data["journal"].pk if "journal" in data else entry.journal_id,
            date=data.get("date", entry.date),
            label=data.get("label", entry.label),
            reference=data.get("reference", entry.reference),
            lines=lines,
        )
        return Response(EntrySerializer(_detail(entry.pk)).data)


class EntryPostView(_FinanceView):
    serializer_class = EntrySerializer
    lookup_url_kwarg = "entry_id"

    def scoped_queryset(self):
        return Entry.objects.all()

    @extend_schema(request=None, responses=EntrySerializer)
    def post(self, request, association_slug: str, entry_id: int):
        entry = entry_services.entry_post(actor=request.user, entry_id=self.get_object().pk)
        return Response(EntrySerializer(_detail(entry.pk)).data)


class EntryReverseView(_FinanceView):
    serializer_class = ReverseSerializer
    lookup_url_kwarg = "entry_id"

    def scoped_queryset(self):
        return Entry.objects.all()

    @extend_schema(request=ReverseSerializer, responses={201: EntrySerializer})
    def post(self, request, association_slug: str, entry_id: int):
        entry = self.get_object()
        payload = ReverseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reversal = entry_services.entry_reverse(
            actor=request.user,
            entry_id=entry.pk,
            date=payload.validated_data.get("date"),
            label=payload.validated_data.get("label", ""),
        )
        return Response(EntrySerializer(_detail(reversal.pk)).data, status=status.HTTP_201_CREATED)
