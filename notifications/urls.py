"""Mounted under a/<slug:association_slug>/outbox/ (config/urls.py)."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/resend/", views.message_resend, name="resend"),
    path("objections/", views.opposition_create, name="opposition_create"),
]
