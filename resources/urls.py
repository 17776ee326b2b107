"""Mounted under a/<slug:association_slug>/resources/ (config/urls.py)."""

from django.urls import path

from resources import views

app_name = "resources"

urlpatterns = [
    path("", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", views.volunteer_edit, name="volunteer_new"),
    path("volunteers/<int:volunteer_id>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:volunteer_id>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:volunteer_id>/certificate/", views.certificate_new, name="certificate_new"),
    path("hours/<int:hours_id>/delete/", views.hours_delete, name="hours_delete"),
    path("hourly-value/", views.hourly_value, name="hourly_value"),
    path("valuation/", views.valuation, name="valuation"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_edit, name="staff_new"),
    path("staff/<int:staff_id>/edit/", views.staff_edit, name="staff_edit"),
    path("inventory/", views.asset_list, name="assets"),
    path("inventory/new/", views.asset_edit, name="asset_new"),
    path("inventory/<int:asset_id>/edit/", views.asset_edit, name="asset_edit"),
    path("inventory/export.csv", views.asset_export, {"file_format": "csv"}, name="assets_csv"),
    path("inventory/export.xlsx", views.asset_export, {"file_format": "xlsx"}, name="assets_xlsx"),
    path("premises/", views.premises_list, name="premises_list"),
    path("premises/new/", views.premises_edit, name="premises_new"),
    path("premises/<int:premises_id>/", views.premises_detail, name="premises"),
    path("premises/<int:premises_id>/edit/", views.premises_edit, name="premises_edit"),
    path("premises/documents/<int:premises_document_id>/", views.premises_document, name="premises_document"),
]
