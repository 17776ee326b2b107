from django.urls import path

from ministry import views

app_name = "ministry"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:key>.<str:fmt>", views.export_table, name="export_table"),
    path("open-data.csv", views.open_data, name="open_data"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("compliance/<slug:key>.<str:fmt>", views.export_compliance, name="export_compliance"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>.pdf", views.report_download, name="report_download"),
]
