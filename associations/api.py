"""REST endpoints for associations and roles (/api/v1/). Views call services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.mfa import MFASatisfied
from associations import selectors, services
from associations.api_base import StrictBooleanField, TenantAPIView
from associations.capabilities import ROLE_CHOICES_BY_POWER, capabilities_of
from associations.models import AccessToken, Association, Invitation, Role


class AssociationPublicSerializer(serializers.ModelSerializer):
    """Public facts only: what the directory shows to anyone."""

    region = serializers.CharField(source="region.code")
    province = serializers.CharField(source="province.name_fr")
    sector = serializers.CharField(source="sector.code")
    verified = serializers.BooleanField(
        source="is_verified",
        read_only=True,
        help_text="True once a Wasl operator has checked the association's declaration receipt. "
        "An unverified association may not be the association its names suggest.",
    )

    class Meta:
        model = Association
        fields = [
            "slug",
            "name_ar",
            "name_fr",
            "acronym",
            "legal_status",
            "is_public_utility",
            "region",
            "province",
            "sector",
            "reach",
            "founded_on",
            "verified",
        ]


class MyAssociationSerializer(serializers.Serializer):
    association = AssociationPublicSerializer()
    role = serializers.CharField(source="role_kind")
    capabilities = serializers.SerializerMethodField()

    def get_capabilities(self, membership) -> list[str]:
        return sorted(capabilities_of(membership.role_kind))


class RoleSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "email", "name", "kind", "granted_at"]
        read_only_fields = ["id", "email", "name", "granted_at"]


CONFIRM_SECOND_HOLDER_HELP = (
    "President, secretary-general and treasurer are normally held by one person. Giving one of "
    "them to someone while another person holds it (or has a pending invitation to it) is refused "
    "with 400 and error code `second_holder` (the message names the holders) unless this is true."
)


def confirm_second_holder_field():
    return StrictBooleanField(default=False, write_only=True, help_text=CONFIRM_SECOND_HOLDER_HELP)


class RoleChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ROLE_CHOICES_BY_POWER)
    confirm_second_holder = confirm_second_holder_field()


class InvitationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ROLE_CHOICES_BY_POWER)
    confirm_second_holder = confirm_second_holder_field()

    class Meta:
        model = Invitation
        fields = ["id", "email", "kind", "created_at", "expires_at", "confirm_second_holder"]
        read_only_fields = ["id", "created_at", "expires_at"]


SECOND_HOLDER_400 = OpenApiResponse(
    description="Invalid input; or, with error code `second_holder`, the office already has a holder "
    "and `confirm_second_holder` was not true. Nothing is changed."
)


@extend_schema(responses=MyAssociationSerializer(many=True))
class MyAssociationsView(APIView):
    """The associations the caller holds a role in. A token sees only its own association."""

    permission_classes = [permissions.IsAuthenticated, MFASatisfied]

    def get(self, request):
        memberships = selectors.memberships_of(user=request.user)
        if isinstance(request.auth, AccessToken):
            memberships = [m for m in memberships if m.association.pk == request.auth.association_id]
        return Response(MyAssociationSerializer(memberships, many=True).data)


@extend_schema(responses=AssociationPublicSerializer)
class AssociationPublicProfileView(APIView):
    """An association's public profile; the same facts as the public directory."""

    permission_classes = [permissions.AllowAny]
    public_endpoint = True  # the isolation sweep checks it shows public facts only

    def get(self, request, association_slug: str):
        association = selectors.association_directory().filter(slug=association_slug).first()
        if association is None:
            raise NotFound
        return Response(AssociationPublicSerializer(association).data)


class RoleListView(TenantAPIView):
    serializer_class = RoleSerializer
    read_capability = "roles.view"

    def scoped_queryset(self):
        return selectors.role_list()

    @extend_schema(operation_id="roles_list", responses=RoleSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class RoleDetailView(TenantAPIView):
    serializer_class = RoleSerializer
    read_capability = "roles.view"
    write_capability = "roles.manage"
    lookup_url_kwarg = "role_id"

    def scoped_queryset(self):
        return selectors.role_list()

    def get(self, request, association_slug: str, role_id: int):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=RoleChangeSerializer, responses={200: RoleSerializer, 400: SECOND_HOLDER_400})
    def patch(self, request, association_slug: str, role_id: int):
        role = self.get_object()
        payload = RoleChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        role = services.role_change(
            actor=request.user,
            role_id=role.pk,
            kind=payload.validated_data["kind"],
            confirm_second_holder=payload.validated_data["confirm_second_holder"],
        )
        return Response(self.get_serializer(role).data)

    def delete(self, request, association_slug: str, role_id: int):
        role = self.get_object()
        services.role_revoke(actor=request.user, role_id=role.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(TenantAPIView):
    serializer_class = InvitationSerializer
    read_capability = "roles.manage"
    write_capability = "roles.manage"

    def scoped_queryset(self):
        return selectors.invitation_list_pending()

    @extend_schema(operation_id="invitations_list", responses=InvitationSerializer(many=True))
    def get(self, request, association_slug: str):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(responses={201: InvitationSerializer, 400: SECOND_HOLDER_400})
    def post(self, request, association_slug: str):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation, _raw_token = services.invitation_create(
            actor=request.user,
            email=payload.validated_data["email"],
            kind=payload.validated_data["kind"],
            confirm_second_holder=payload.validated_data["confirm_second_holder"],
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)
