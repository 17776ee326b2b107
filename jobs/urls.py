"""Mounted under a/<slug:association_slug>/jobs/ (config/urls.py)."""

from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/", views.job_start_view, name="start"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/download/", views.job_download, name="download"),
]
