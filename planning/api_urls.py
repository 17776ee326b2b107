"""REST routes of planning, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from planning import api

PREFIX = "associations/<slug:association_slug>/planning/"

urlpatterns = [
    path(PREFIX + "plans/", api.PlanListView.as_view(), name="api-planning-plans"),
    path(PREFIX + "plans/<int:plan_id>/", api.PlanDetailView.as_view(), name="api-planning-plan"),
    path(PREFIX + "projects/", api.ProjectListView.as_view(), name="api-planning-projects"),
    path(PREFIX + "projects/<int:planning_project_id>/", api.ProjectDetailView.as_view(),
         name="api-planning-project"),
    path(PREFIX + "projects/<int:planning_project_id>/activities/", api.ActivityListView.as_view(),
         name="api-planning-activities"),
    path(PREFIX + "projects/<int:planning_project_id>/indicators/", api.IndicatorListView.as_view(),
         name="api-planning-indicators"),
    path(PREFIX + "indicators/<int:indicator_id>/measurements/", api.MeasurementListView.as_view(),
         name="api-planning-measurements"),
]  # fmt: skip
