"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning_tracking"."""

app_name = "planning_tracking"

urlpatterns: list = []
