"""Mounted under a/<slug:association_slug>/finance/ (config/urls.py)."""

from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/post/", views.entry_post, name="entry_post"),
    path("entries/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("entries/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("scans/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/add/", views.account_add_reference, name="account_add_reference"),
    path("accounts/<int:account_id>/", views.account_detail, name="account"),
    path("years/", views.year_list, name="years"),
    path("years/<int:year_id>/close/", views.year_close, name="year_close"),
    path("years/<int:year_id>/allocate/", views.year_allocate, name="year_allocate"),
    path("journals/", views.journal_list, name="journals"),
    path("projects/", views.project_list, name="projects"),
]
