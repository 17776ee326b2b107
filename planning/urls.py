"""Mounted under a/<slug:association_slug>/planning/ (config/urls.py), namespace "planning"."""

app_name = "planning"

urlpatterns: list = []
