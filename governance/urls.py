"""Mounted under a/<slug:association_slug>/governance/ (config/urls.py)."""

from django.urls import path

app_name = "governance"

urlpatterns: list = []

# The bureau register, declarations, minutes and annual reports (views_bureau.py, views_minutes.py).
from governance import views_bureau, views_minutes  # noqa: E402

urlpatterns += [
    path("bureau/", views_bureau.bureau, name="bureau"),
    path("bureau/mandates/new/", views_bureau.mandate_new, name="mandate_new"),
    path("bureau/mandates/<int:mandate_id>/end/", views_bureau.mandate_end, name="mandate_end"),
    path("bureau/install/<int:assembly_id>/", views_bureau.bureau_install, name="bureau_install"),
    path("bureau/roles/", views_bureau.bureau_roles, name="bureau_roles"),
    path("declarations/", views_bureau.declarations, name="declarations"),
    path("declarations/<int:declaration_id>/", views_bureau.declaration, name="declaration"),
    path(
        "declarations/<int:declaration_id>/filed/", views_bureau.declaration_filed, name="declaration_filed"
    ),
    path(
        "declarations/<int:declaration_id>/final/", views_bureau.declaration_final, name="declaration_final"
    ),
    path("declarations/<int:declaration_id>/pack/", views_bureau.declaration_pack, name="declaration_pack"),
    path(
        "declarations/<int:declaration_id>/pack.pdf",
        views_bureau.declaration_pack_download,
        name="declaration_pack_pdf",
    ),
    path("minutes/", views_minutes.minutes_list, name="minutes_list"),
    path("minutes/draft/<int:assembly_id>/", views_minutes.minutes_draft, name="minutes_draft"),
    path("minutes/<int:minutes_id>/", views_minutes.minutes_detail, name="minutes"),
    path("minutes/<int:minutes_id>/refresh/", views_minutes.minutes_refresh, name="minutes_refresh"),
    path("minutes/<int:minutes_id>/sign/", views_minutes.minutes_sign, name="minutes_sign"),
    path("minutes/<int:minutes_id>/publish/", views_minutes.minutes_publish, name="minutes_publish"),
    path("minutes/<int:minutes_id>.pdf", views_minutes.minutes_pdf, name="minutes_pdf"),
    path("reports/", views_minutes.annual_reports, name="annual_reports"),
    path("reports/<int:report_id>/", views_minutes.annual_report, name="annual_report"),
    path(
        "reports/<int:report_id>/generate/",
        views_minutes.annual_report_generate,
        name="annual_report_generate",
    ),
    path("reports/<int:report_id>.pdf", views_minutes.annual_report_pdf, name="annual_report_pdf"),
]
