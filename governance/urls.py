"""Mounted under a/<slug:association_slug>/governance/ (config/urls.py)."""

from django.urls import path

from governance import views

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
