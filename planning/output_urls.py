"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning_outputs"."""

from django.urls import path

from planning import output_views

app_name = "planning_outputs"

urlpatterns = [
    path("reports/", output_views.reports, name="reports"),
    path(
        "reports/projects/<int:planning_project_id>/sheet/", output_views.project_sheet, name="project_sheet"
    ),
    path("reports/plans/<int:plan_id>/report/", output_views.plan_report, name="plan_report"),
]
