"""Mounted under a/<slug:association_slug>/governance/ (config/urls.py)."""

from django.urls import path

from governance import views, views_bureau, views_minutes

app_name = "governance"

urlpatterns = [
    path("", views.assembly_list, name="assemblies"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rules_id>/statutes", views.statutes_file, name="statutes_file"),
    path("assemblies/new/", views.assembly_edit, name="assembly_new"),
    path("assemblies/<int:assembly_id>/", views.assembly_detail, name="assembly"),
    path("assemblies/<int:assembly_id>/edit/", views.assembly_edit, name="assembly_edit"),
    path("assemblies/<int:assembly_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("assemblies/<int:assembly_id>/documents/", views.document_add, name="document_add"),
    path("assemblies/<int:assembly_id>/convene/", views.assembly_convene, name="assembly_convene"),
    path("assemblies/<int:assembly_id>/step/<str:step>/", views.assembly_step, name="assembly_step"),
    path("assemblies/<int:assembly_id>/door/", views.door, name="door"),
    path("assemblies/<int:assembly_id>/quorum/", views.quorum, name="quorum"),
    path("assemblies/<int:assembly_id>/proxies/", views.proxy_new, name="proxy_new"),
    path("assemblies/<int:assembly_id>/polls/", views.poll_new, name="poll_new"),
    path("assemblies/<int:assembly_id>/reply/", views.reply, name="reply"),
    path("documents/<int:assembly_document_id>", views.document_file, name="document_file"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll"),
    path("polls/<int:poll_id>/close/", views.poll_close, name="poll_close"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/receipt/", views.receipt_check, name="receipt"),
]

# The bureau register, declarations, minutes and annual reports (views_bureau.py, views_minutes.py).
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
