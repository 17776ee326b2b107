"""Funding pages, mounted under a/<slug:association_slug>/finance/ (config/urls.py) in their own
namespace."""

from django.urls import path

from finance import funding_views as views

app_name = "funding"

urlpatterns = [
    path("funding/", views.home, name="home"),
    path("funding/funders/", views.funders, name="funders"),
    path("funding/funders/<int:funder_id>/", views.funder_edit, name="funder_edit"),
    path("funding/grants/", views.grants, name="grants"),
    path("funding/grants/new/", views.grant_new, name="grant_new"),
    path("funding/grants/<int:grant_id>/", views.grant, name="grant"),
    path("funding/grants/<int:grant_id>/edit/", views.grant_edit, name="grant_edit"),
    path("funding/grants/<int:grant_id>/instalment/", views.instalment, name="instalment"),
    path("funding/grants/<int:grant_id>/use-report/", views.use_report, name="use_report"),
    path("funding/donors/", views.donors, name="donors"),
    path("funding/donors/new/", views.donor_new, name="donor_new"),
    path("funding/donors/<int:donor_id>/", views.donor, name="donor"),
    path("funding/donors/<int:donor_id>/donation/", views.donation, name="donation"),
    path("funding/donors/<int:donor_id>/statement/", views.donor_statement, name="donor_statement"),
    path("funding/declarations/", views.declarations, name="declarations"),
    path("funding/declarations/<int:foreign_declaration_id>/declare/", views.declare, name="declare"),
    path("funding/public-money/", views.public_money, name="public"),
    path("funding/public-money/export/", views.public_export, name="public_export"),
    path("funding/settings/", views.funding_settings, name="settings"),
]
