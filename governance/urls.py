"""Mounted under a/<slug:association_slug>/governance/ (config/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "governance"

urlpatterns: list = []
