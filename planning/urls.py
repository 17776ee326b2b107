"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning": the plan,
its objectives and programmes, and the projects."""

from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/new-version/", views.plan_new_version, name="plan_new_version"),
    path("plans/<int:plan_id>/adopt/", views.plan_adopt, name="plan_adopt"),
    path("plans/<int:plan_id>/objectives/new/", views.objective_edit, name="objective_new"),
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:objective_id>/remove/", views.objective_remove, name="objective_remove"),
    path("objectives/<int:objective_id>/programmes/new/", views.programme_edit, name="programme_new"),
    path("programmes/<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_id>/remove/", views.programme_remove, name="programme_remove"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:planning_project_id>/", views.project, name="project"),
    path("projects/<int:planning_project_id>/edit/", views.project_edit, name="project_edit"),
]
