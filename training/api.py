"""REST endpoints of training: the public catalogue (platform courses), an association's courses,
enrolment and the learner's progress. Same services and capabilities as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from associations.api_base import TenantAPIView, query_filters
from associations.capabilities import has_capability
from members.selectors import member_of_user
from training import selectors, services
from training.models import Course, Enrolment, Format, PlatformCourse, Theme
from training.selectors import CatalogueFilter

COURSE_FIELDS = [
    "title_ar", "title_fr", "description_ar", "description_fr", "theme", "audience", "format",
    "duration_hours",
]  # fmt: skip


class SessionDateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    waitlist_enabled = serializers.BooleanField()
    enrolment_deadline = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    link = serializers.CharField()
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True, default=None)
    trainers = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    dates = SessionDateSerializer(many=True, source="dates.all")


class PlatformCourseSerializer(serializers.ModelSerializer):
    token = serializers.CharField(source="public_token")
    sessions = SessionSerializer(many=True, source="sessions.all")

    class Meta:
        model = PlatformCourse
        fields = ["token", *COURSE_FIELDS, "sessions"]


class CourseSerializer(serializers.ModelSerializer):
    sessions = SessionSerializer(many=True, source="sessions.all")

    class Meta:
        model = Course
        fields = ["id", *COURSE_FIELDS, "is_published", "sessions"]


class CatalogueFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    theme = serializers.ChoiceField(choices=Theme.choices, required=False)
    # Not "format": DRF reads ?format= as the response format.
    course_format = serializers.ChoiceField(choices=Format.choices, required=False)
    region = serializers.IntegerField(required=False, min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


def _filters(request) -> CatalogueFilter:
    data = query_filters(request, CatalogueFilterSerializer)
    return CatalogueFilter(
        query=data.get("q", ""),
        theme=data.get("theme", ""),
        format=data.get("course_format", ""),
        region_id=data.get("region"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@extend_schema(parameters=[CatalogueFilterSerializer], responses=PlatformCourseSerializer(many=True))
class CatalogueView(APIView):
    """The public catalogue: the platform's published courses and their sessions (first 100)."""

    permission_classes = [permissions.AllowAny]
    public_endpoint = True  # public rows only: no association's data

    def get(self, request):
        courses = selectors.catalogue(_filters(request)).prefetch_related(
            "sessions__dates", "sessions__region"
        )
        return Response(PlatformCourseSerializer(courses[:100], many=True).data)


class CourseListView(TenantAPIView):
    """The association's courses (published ones; every one for roles that manage training)."""

    serializer_class = CourseSerializer

    def scoped_queryset(self):
        manager = has_capability(self.role.kind, "training.manage")
        return selectors.association_courses(
            _filters(self.request), include_unpublished=manager
        ).prefetch_related("sessions__dates", "sessions__region")

    @extend_schema(operation_id="training_courses_list", parameters=[CatalogueFilterSerializer],
                   responses=CourseSerializer(many=True))  # fmt: skip
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class EnrolmentSerializer(serializers.ModelSerializer):
    course_title_ar = serializers.SerializerMethodField()
    course_title_fr = serializers.SerializerMethodField()
    member = serializers.IntegerField(source="member_id", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "session", "platform_session", "member", "status", "position", "course_title_ar",
            "course_title_fr", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_course_title_ar(self, enrolment) -> str:
        return enrolment.the_session.course.title_ar

    def get_course_title_fr(self, enrolment) -> str:
        return enrolment.the_session.course.title_fr


class EnrolRequestSerializer(serializers.Serializer):
    session = serializers.IntegerField(required=False, min_value=1)
    platform_session = serializers.IntegerField(required=False, min_value=1)
    member = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Roles that manage training may enrol any member; others enrol themselves.",
    )

    def validate(self, attrs):
        if ("session" in attrs) == ("platform_session" in attrs):
            raise serializers.ValidationError({"session": ["Give either session or platform_session."]})
        return attrs


class EnrolmentListView(TenantAPIView):
    """Enrolments: all of the association's for roles that manage training, else the caller's own.
    POST enrols (a seat, or the waiting list when full)."""

    serializer_class = EnrolmentSerializer
    write_capability = "association.view"  # a learner enrols themselves; only officers name a member

    def _manager(self) -> bool:
        return has_capability(self.role.kind, "training.manage")

    def scoped_queryset(self):
        enrolments = Enrolment.objects.select_related("session__course", "platform_session__course")
        if self._manager():
            return enrolments.order_by("-created_at")
        member = member_of_user(user=self.request.user)
        return enrolments.filter(member=member).order_by("-created_at") if member else enrolments.none()

    @extend_schema(operation_id="training_enrolments_list", responses=EnrolmentSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:500], many=True).data)

    @extend_schema(request=EnrolRequestSerializer, responses={201: EnrolmentSerializer})
    def post(self, request, association_slug: str):
        payload = EnrolRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        own = member_of_user(user=request.user)
        if "member" in data and not self._manager():
            raise PermissionDenied
        member_id = data.get("member") or (own.pk if own else None)
        if member_id is None:
            raise NotFound
        enrolment = services.enrolment_create(
            actor=request.user,
            member_id=member_id,
            session_id=data.get("session"),
            platform_session_id=data.get("platform_session"),
        )
        return Response(self.get_serializer(enrolment).data, status=status.HTTP_201_CREATED)


class ProgressSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField()
    status = serializers.CharField()
    attendance_percent = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    certificate = serializers.CharField(allow_null=True, help_text="The token to check at /verify/<token>.")


class ProgressView(TenantAPIView):
    """A learner's progress in one enrolment (their own, or any for roles that manage training)."""

    serializer_class = ProgressSerializer
    lookup_url_kwarg = "enrolment_id"

    def scoped_queryset(self):
        enrolments = Enrolment.objects.select_related("session__course", "platform_session__course")
        if has_capability(self.role.kind, "training.manage"):
            return enrolments
        member = member_of_user(user=self.request.user)
        return enrolments.filter(member=member) if member else enrolments.none()

    def get(self, request, association_slug: str, enrolment_id: int):
        enrolment = self.get_object()
        return Response(ProgressSerializer(selectors.progress_of(enrolment=enrolment)).data)
