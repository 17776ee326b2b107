"""REST routes of resources, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from resources import api

PREFIX = "associations/<slug:association_slug>/resources/"

urlpatterns = [
    path(PREFIX + "volunteers/", api.VolunteerListView.as_view(), name="api-resources-volunteers"),
    path(PREFIX + "volunteers/<int:volunteer_id>/", api.VolunteerDetailView.as_view(),
         name="api-resources-volunteer"),
    path(PREFIX + "hours/", api.HoursListView.as_view(), name="api-resources-hours"),
    path(PREFIX + "staff/", api.StaffListView.as_view(), name="api-resources-staff"),
    path(PREFIX + "assets/", api.AssetListView.as_view(), name="api-resources-assets"),
    path(PREFIX + "premises/", api.PremisesListView.as_view(), name="api-resources-premises"),
]  # fmt: skip
