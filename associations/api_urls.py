"""REST routes of the tenant core, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from associations import api

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
]
