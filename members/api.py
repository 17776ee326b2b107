"""REST endpoints of the member register, with the same capabilities and field restrictions as the
pages: the CIN is read and written only by roles with members.view_sensitive."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from associations.api_base import ScopedPrimaryKeyRelatedField, TenantAPIView, query_filters
from associations.capabilities import has_capability
from members import selectors, services
from members.importing import report_for_viewer
from members.models import Member, MemberCategory, MemberImport, MemberStatus
from members.services import MEMBER_FIELDS, SENSITIVE_FIELDS


class MemberSerializer(serializers.ModelSerializer):
    category = ScopedPrimaryKeyRelatedField(model=MemberCategory, required=False, allow_null=True)

    class Meta:
        model = Member
        fields = ["id", "number", *MEMBER_FIELDS, "status", "status_since", "created_at"]
        read_only_fields = ["id", "number", "status", "status_since", "created_at"]

    def __init__(self, *args, can_view_sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_view_sensitive:
            for field in SENSITIVE_FIELDS:
                self.fields.pop(field)


class StatusChangeSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=MemberStatus.choices)
    effective_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    decision_reference = serializers.CharField(required=False, allow_blank=True, max_length=120)


class MemberImportSerializer(serializers.ModelSerializer):
    report = serializers.SerializerMethodField()

    class Meta:
        model = MemberImport
        fields = ["id", "original_name", "row_count", "status", "report", "job", "created_at"]

    def __init__(self, *args, can_view_sensitive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_view_sensitive = can_view_sensitive

    def get_report(self, member_import: MemberImport) -> dict:
        # Conflicts and updates show values side by side: the CIN only to roles that may see it.
        return report_for_viewer(member_import.report, can_see_cin=self.can_view_sensitive)


class MemberCursorPagination(pagination.CursorPagination):
    ordering = "id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        """A page size that is not a positive whole number is a 400 (DRF would ignore it); above
        the maximum it is the maximum."""
        given = request.query_params.getlist(self.page_size_query_param)
        if not given:
            return self.page_size
        digits = given[0].lstrip("0") if len(given) == 1 and given[0].isdecimal() else ""
        if len(digits) > 6:  # far above the maximum (and int() refuses thousands of digits)
            return self.max_page_size
        if not digits or int(digits) < 1:
            raise ValidationError({self.page_size_query_param: [_("Give a whole number from 1.")]})
        return min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1})
                parameter["description"] = (
                    f"Results per page: {self.page_size} by default, {self.max_page_size} at most."
                )
        return parameters


class _MemberView(TenantAPIView):
    read_capability = "members.view"
    write_capability = "members.manage"

    def sensitive(self) -> bool:
        if getattr(self, "swagger_fake_view", False):  # the schema documents every field
            return True
        return has_capability(self.role.kind, "members.view_sensitive")

    def get_serializer(self, *args, **kwargs):
        # Writes may carry the CIN (with the capability); reading it is the audited detail GET only.
        writing = "data" in kwargs or getattr(self, "swagger_fake_view", False)
        kwargs.setdefault("can_view_sensitive", self.sensitive() and writing)
        return super().get_serializer(*args, **kwargs)

    def response_data(self, member, *, audited: bool = False):
        return MemberSerializer(member, can_view_sensitive=audited and self.sensitive()).data


class MemberFilterSerializer(serializers.Serializer):
    """The list's filters: a value that is not valid is a 400, never silently ignored."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Search names (both scripts), phone, number (and CIN if allowed); first 100 characters.",
    )
    status = serializers.ChoiceField(choices=MemberStatus.choices, required=False)
    category = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def validate_q(self, value: str) -> str:
        return value[:100]


class MemberListView(_MemberView):
    serializer_class = MemberSerializer
    pagination_class = MemberCursorPagination

    def scoped_queryset(self):
        filters = query_filters(self.request, MemberFilterSerializer)
        return selectors.member_search(
            query=filters.get("q", ""),
            status=filters.get("status", ""),
            category_id=filters.get("category"),
            can_search_cin=self.sensitive(),
        )

    @extend_schema(
        operation_id="members_list",
        parameters=[MemberFilterSerializer],
        responses=MemberSerializer(many=True),
    )
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={201: MemberSerializer})
    def post(self, request, association_slug: str):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.member_admit(actor=request.user, **payload.validated_data)
        return Response(self.response_data(member), status=status.HTTP_201_CREATED)


class MemberDetailView(_MemberView):
    serializer_class = MemberSerializer
    lookup_url_kwarg = "member_id"

    def scoped_queryset(self):
        return Member.objects.select_related("category").filter(anonymised_at=None)

    def get(self, request, association_slug: str, member_id: int):
        member = self.get_object()
        if self.sensitive():
            services.cin_viewed(actor=request.user, member=member)
        return Response(self.response_data(member, audited=True))

    def patch(self, request, association_slug: str, member_id: int):
        member = self.get_object()
        payload = self.get_serializer(member, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        member = services.member_update(actor=request.user, member_id=member.pk, **payload.validated_data)
        return Response(self.response_data(member))


class MemberStatusView(_MemberView):
    serializer_class = StatusChangeSerializer
    lookup_url_kwarg = "member_id"

    def scoped_queryset(self):
        return Member.objects.filter(anonymised_at=None)

    def get_serializer(self, *args, **kwargs):
        return StatusChangeSerializer(*args, **kwargs)

    @extend_schema(request=StatusChangeSerializer, responses=MemberSerializer)
    def post(self, request, association_slug: str, member_id: int):
        member = self.get_object()
        payload = StatusChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.member_change_status(
            actor=request.user, member_id=member.pk, **payload.validated_data
        )
        return Response(MemberSerializer(member).data)


class MemberImportView(_MemberView):
    serializer_class = MemberImportSerializer
    read_capability = "members.manage"
    lookup_url_kwarg = "import_id"

    def scoped_queryset(self):
        return MemberImport.objects.all()

    def get_serializer(self, *args, **kwargs):
        return MemberImportSerializer(*args, can_view_sensitive=self.sensitive(), **kwargs)

    def get(self, request, association_slug: str, import_id: int):
        return Response(self.get_serializer(self.get_object()).data)
