"""REST routes of the member register, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from members import api

urlpatterns = [
    path("associations/<slug:association_slug>/members/", api.MemberListView.as_view(), name="api-members"),
    path(
        "associations/<slug:association_slug>/members/<int:member_id>/",
        api.MemberDetailView.as_view(),
        name="api-member",
    ),
    path(
        "associations/<slug:association_slug>/members/<int:member_id>/status/",
        api.MemberStatusView.as_view(),
        name="api-member-status",
    ),
    path(
        "associations/<slug:association_slug>/member-imports/<int:import_id>/",
        api.MemberImportView.as_view(),
        name="api-member-import",
    ),
]
