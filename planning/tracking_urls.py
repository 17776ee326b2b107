"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning_tracking".
Paths are prefixed so they cannot clash with the plan part's (namespace "planning")."""

from django.urls import path

from planning import views_tracking as views

app_name = "planning_tracking"

urlpatterns = [
    path("projects/<int:planning_project_id>/activities/", views.activities, name="activities"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/status/", views.activity_status, name="activity_status"),
    path("activities/<int:activity_id>/reopen/", views.activity_reopen, name="activity_reopen"),
    path("activities/<int:activity_id>/hours/", views.activity_hours, name="activity_hours"),
    path("timeline/", views.timeline, name="timeline"),
    path("projects/<int:planning_project_id>/indicators/", views.indicators, name="indicators"),
    path("indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path("indicators/<int:indicator_id>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<int:indicator_id>/measurements/<int:measurement_id>/correct/",
        views.measurement_correct,
        name="measurement_correct",
    ),
    path(
        "indicators/<int:indicator_id>/measurements/<int:measurement_id>/evidence/",
        views.measurement_evidence,
        name="measurement_evidence",
    ),
]
