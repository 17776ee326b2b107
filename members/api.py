"""REST endpoints of the member register, with the same capabilities and field restrictions as the
pages: the CIN is read and written only by roles with members.view_sensitive."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import pagination, serializers, status
from rest_framework.response import Response

from associations.api_base import TenantAPIView
from associations.capabilities import has_capability
from members import selectors, services
from members.importing import report_for_viewer
from members.models import Member, MemberCategory, MemberImport, MemberStatus
from members.services import MEMBER_FIELDS, SENSITIVE_FIELDS


class MemberSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=MemberCategory.objects.all(), required=False, allow_null=True
    )

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


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q", str, description="Search names (both scripts), phone, number (and CIN if allowed)"
        ),
        OpenApiParameter("status", str, enum=MemberStatus.values),
        OpenApiParameter("category", int),
    ]
)
class MemberListView(_MemberView):
    serializer_class = MemberSerializer
    pagination_class = MemberCursorPagination

    def scoped_queryset(self):
        category = self.request.query_params.get("category", "")
        return selectors.member_search(
            query=self.request.query_params.get("q", "")[:100],
            status=self.request.query_params.get("status", "")
            if self.request.query_params.get("status") in MemberStatus.values
            else "",
            category_id=int(category) if category.isdecimal() and len(category) < 10 else None,
            can_search_cin=self.sensitive(),
        )

    @extend_schema(operation_id="members_list")
    def get(self, request, association_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

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
