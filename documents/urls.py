"""Mounted under a/<slug:association_slug>/documents/ (config/urls.py)."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("certificate/", views.certificate_issue, name="certificate_issue"),
    path("<int:document_id>/download/", views.document_download, name="download"),
    path("<int:document_id>/cancel/", views.document_cancel, name="cancel"),
]
