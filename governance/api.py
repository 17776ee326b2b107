"""REST endpoints of governance: assemblies, the door (check-in, proxies, quorum) and polls,
with voting through the same services and rules as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from associations.api_base import EventDateTimeField, StrictBooleanField, StrictCharField, TenantAPIView
from governance import selectors, services
from governance.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    Attendance,
    BallotChoice,
    CheckInMethod,
    Poll,
)
from members.selectors import member_of_user

MAX_ID = 2**31 - 1  # larger ids exist nowhere; refused as input rather than overflowing a query


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "description", "decision_kind"]
        read_only_fields = fields


class AssemblySerializer(serializers.ModelSerializer):
    rules_version = serializers.IntegerField(
        source="rules.version", read_only=True, allow_null=True, default=None
    )
    agenda = AgendaItemSerializer(many=True, source="agenda_items.all", read_only=True)

    class Meta:
        model = Assembly
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "first_call_at",
            "second_call_at",
            "place",
            "remote_voting",
            "rules_version",
            "current_call",
            "convened_at",
            "agenda",
        ]
        read_only_fields = ["id", "status", "rules_version", "current_call", "convened_at", "agenda"]


class AssemblyCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssemblyKind.choices)
    title = StrictCharField(max_length=200)
    first_call_at = EventDateTimeField()
    second_call_at = EventDateTimeField(required=False, allow_null=True)
    place = StrictCharField(max_length=300, required=False, allow_blank=True)
    remote_voting = StrictBooleanField(required=False)


class AssemblyListView(TenantAPIView):
    """The association's assemblies, latest first. POST prepares one (a draft)."""

    serializer_class = AssemblySerializer
    write_capability = "governance.convene"

    def scoped_queryset(self):
        return selectors.assemblies().select_related("rules").prefetch_related("agenda_items")

    @extend_schema(operation_id="governance_assemblies_list", responses=AssemblySerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset()[:200], many=True).data)

    @extend_schema(request=AssemblyCreateSerializer, responses={201: AssemblySerializer})
    def post(self, request, association_slug: str):
        payload = AssemblyCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assembly = services.assembly_create(actor=request.user, values=payload.validated_data)
        return Response(self.get_serializer(assembly).data, status=status.HTTP_201_CREATED)


class QuorumSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    members = serializers.IntegerField(help_text="Members with a vote.")
    present = serializers.IntegerField()
    represented = serializers.IntegerField()
    needed = serializers.IntegerField()
    reached = serializers.BooleanField()
    checked_in = serializers.IntegerField()


class AssemblyDetailView(TenantAPIView):
    """One assembly, its agenda and its live quorum."""

    serializer_class = AssemblySerializer
    lookup_url_kwarg = "assembly_id"

    def scoped_queryset(self):
        return selectors.assemblies().select_related("rules").prefetch_related("agenda_items")

    @extend_schema(operation_id="governance_assembly_detail")
    def get(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        data = self.get_serializer(assembly).data
        data["quorum"] = QuorumSerializer(selectors.quorum_status(assembly)).data
        return Response(data)


class CheckInSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    card = StrictCharField(required=False, max_length=300, help_text="What the member card's QR holds.")

    def validate(self, attrs):
        if ("member" in attrs) == ("card" in attrs):
            raise serializers.ValidationError({"member": ["Give either member or card."]})
        return attrs


class AttendanceSerializer(serializers.ModelSerializer):
    created = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Attendance
        fields = ["id", "member", "call", "method", "checked_in_at", "created"]
        read_only_fields = fields


class CheckInView(TenantAPIView):
    """The door: GET lists who is in; POST checks a member in by id or by their card's code
    (checking in someone already in answers 200 with created = false)."""

    serializer_class = AttendanceSerializer
    read_capability = "governance.checkin"
    write_capability = "governance.checkin"
    lookup_url_kwarg = "assembly_id"

    def scoped_queryset(self):
        return selectors.assemblies()

    @extend_schema(operation_id="governance_checkins_list", responses=AttendanceSerializer(many=True))
    def get(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        return Response(self.get_serializer(selectors.attendance_list(assembly)[:5000], many=True).data)

    @extend_schema(
        request=CheckInSerializer, responses={201: AttendanceSerializer, 200: AttendanceSerializer}
    )
    def post(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if "card" in payload.validated_data:
            member_id, method = (
                services.member_from_card(payload.validated_data["card"]).pk,
                CheckInMethod.CARD,
            )
        else:
            member_id, method = payload.validated_data["member"], CheckInMethod.API
        attendance, created = services.attendance_check_in(
            actor=request.user, assembly_id=assembly.pk, member_id=member_id, method=method
        )
        attendance.created = created
        return Response(
            self.get_serializer(attendance).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ProxySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    grantor = serializers.IntegerField(source="grantor_id", min_value=1, max_value=MAX_ID)
    holder = serializers.IntegerField(source="holder_id", min_value=1, max_value=MAX_ID)


class ProxyView(TenantAPIView):
    """Written proxies of an assembly; POST records one (statutes' cap, holder present)."""

    serializer_class = ProxySerializer
    read_capability = "governance.checkin"
    write_capability = "governance.checkin"
    lookup_url_kwarg = "assembly_id"

    def scoped_queryset(self):
        return selectors.assemblies()

    @extend_schema(operation_id="governance_proxies_list", responses=ProxySerializer(many=True))
    def get(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        return Response(self.get_serializer(selectors.proxies_of(assembly), many=True).data)

    @extend_schema(request=ProxySerializer, responses={201: ProxySerializer})
    def post(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        payload = ProxySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proxy = services.proxy_record(
            actor=request.user,
            assembly_id=assembly.pk,
            grantor_id=payload.validated_data["grantor_id"],
            holder_id=payload.validated_data["holder_id"],
        )
        return Response(self.get_serializer(proxy).data, status=status.HTTP_201_CREATED)


class TallySerializer(serializers.Serializer):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()


class CandidateResultSerializer(serializers.Serializer):
    candidate_id = serializers.IntegerField()
    member_id = serializers.IntegerField()
    name = StrictCharField()
    office = StrictCharField()
    votes = serializers.IntegerField()
    elected = serializers.BooleanField()
    tied = serializers.BooleanField()


class ResultSerializer(serializers.Serializer):
    participations = serializers.IntegerField()
    ballots = serializers.IntegerField()
    present = serializers.IntegerField()
    members = serializers.IntegerField()
    threshold = StrictCharField()
    base = StrictCharField()
    base_total = serializers.IntegerField()
    needed = serializers.IntegerField()
    tally = TallySerializer(allow_null=True)
    adopted = serializers.BooleanField(allow_null=True)
    candidates = CandidateResultSerializer(many=True)
    needs_new_round = serializers.BooleanField()


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    name = StrictCharField(source="member.display_name")
    list = StrictCharField(source="candidate_list.name", default="", allow_null=True)
    office = StrictCharField()


class PollSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, source="candidates.all", read_only=True)
    votes_in_hand = serializers.SerializerMethodField(
        help_text="Member ids whose vote the caller may still cast."
    )
    result = serializers.SerializerMethodField()

    class Meta:
        model = Poll
        fields = [
            "id",
            "assembly",
            "agenda_item",
            "question",
            "method",
            "status",
            "decision_kind",
            "majority",
            "base",
            "office",
            "seats",
            "election_mode",
            "round",
            "remote_until",
            "opened_at",
            "closed_at",
            "candidates",
            "votes_in_hand",
            "result",
        ]
        read_only_fields = fields

    def get_votes_in_hand(self, poll) -> list[int]:
        member = self.context.get("member")
        if member is None or poll.status != "open":
            return []
        return [entry.member_id for entry in selectors.votes_in_hand(poll, member)]

    @extend_schema(responses=ResultSerializer(allow_null=True))
    def get_result(self, poll) -> dict | None:
        if poll.status != "closed":
            return None  # no partial count while the vote is open
        return ResultSerializer(selectors.poll_result(poll)).data


class PollListView(TenantAPIView):
    """The polls of an assembly, with their result once closed."""

    serializer_class = PollSerializer
    lookup_url_kwarg = "assembly_id"

    def scoped_queryset(self):
        return selectors.assemblies()

    @extend_schema(operation_id="governance_polls_list", responses=PollSerializer(many=True))
    def get(self, request, association_slug: str, assembly_id: int):
        assembly = self.get_object()
        polls = Poll.objects.filter(assembly=assembly).prefetch_related(
            "candidates__member", "candidates__candidate_list"
        )
        context = {"member": member_of_user(user=request.user), "request": request}
        return Response(PollSerializer(polls.order_by("created_at", "id"), many=True, context=context).data)


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=BallotChoice.choices, required=False, help_text="Resolutions.")
    candidates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=50,
        help_text="Elections by candidate: candidate ids (none: a blank ballot).",
    )
    list = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="Elections by list."
    )
    on_behalf_of = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A member whose proxy you hold."
    )


class BallotReceiptSerializer(serializers.Serializer):
    receipt = StrictCharField(help_text="Keep it: it lets you check that your ballot was counted.")


class BallotView(TenantAPIView):
    """Cast a secret ballot (the caller's own vote, or one they hold by proxy)."""

    serializer_class = BallotReceiptSerializer
    write_capability = "association.view"  # any member on the poll's roll; the service checks the roll
    lookup_url_kwarg = "poll_id"

    def scoped_queryset(self):
        return Poll.objects.all()

    @extend_schema(request=BallotSerializer, responses={201: BallotReceiptSerializer})
    def post(self, request, association_slug: str, poll_id: int):
        # No get_object(): the service reads the poll in the scope, under its lock, and answers
        # NotFound (404) for a poll that is missing or another association's.
        member = member_of_user(user=request.user)
        if member is None:
            raise NotFound
        payload = BallotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        receipt = services.ballot_cast(
            member=member,
            poll_id=poll_id,
            choice=data.get("choice", ""),
            candidate_ids=data.get("candidates", []),
            list_id=data.get("list"),
            on_behalf_of=data.get("on_behalf_of"),
        )
        return Response({"receipt": receipt}, status=status.HTTP_201_CREATED)


class ReceiptCheckSerializer(serializers.Serializer):
    counted = serializers.BooleanField()


class ReceiptCheckView(TenantAPIView):
    """Whether a ballot with this receipt code is in the poll's count (it never says how it voted)."""

    serializer_class = ReceiptCheckSerializer
    lookup_url_kwarg = "poll_id"

    def scoped_queryset(self):
        return Poll.objects.all()

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True)], responses=ReceiptCheckSerializer
    )
    def get(self, request, association_slug: str, poll_id: int):
        poll = self.get_object()
        code = request.query_params.get("code", "")[:32]
        return Response({"counted": bool(code) and selectors.receipt_counted(poll=poll, code=code)})
