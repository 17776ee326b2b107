"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning_outputs"."""

app_name = "planning_outputs"

urlpatterns: list = []
