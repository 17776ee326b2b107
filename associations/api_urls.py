from django.urls import path

from associations import api
from members import api as members_api

urlpatterns = [
    path("me/associations/", api.MyAssociationsView.as_view(), name="api-my-associations"),
    path(
        "associations/<slug:association_slug>/",
        api.AssociationPublicProfileView.as_view(),
        name="api-association",
    ),
    path("associations/<slug:association_slug>/roles/", api.RoleListView.as_view(), name="api-roles"),
    path(
        "associations/<slug:association_slug>/roles/<int:role_id>/",
        api.RoleDetailView.as_view(),
        name="api-role-detail",
    ),
    path(
        "associations/<slug:association_slug>/invitations/",
        api.InvitationListView.as_view(),
        name="api-invitations",
    ),
    path(
        "associations/<slug:association_slug>/members/",
        members_api.MemberListView.as_view(),
        name="api-members",
    ),
    path(
        "associations/<slug:association_slug>/members/<int:member_id>/",
        members_api.MemberDetailView.as_view(),
        name="api-member",
    ),
    path(
        "associations/<slug:association_slug>/members/<int:member_id>/status/",
        members_api.MemberStatusView.as_view(),
        name="api-member-status",
    ),
    path(
        "associations/<slug:association_slug>/member-imports/<int:import_id>/",
        members_api.MemberImportView.as_view(),
        name="api-member-import",
    ),
]
