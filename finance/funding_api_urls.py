"""REST routes of funding, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from finance import funding_api as api

PREFIX = "associations/<slug:association_slug>/finance/"

urlpatterns = [
    path(f"{PREFIX}funders/", api.FunderListView.as_view(), name="api-finance-funders"),
    path(f"{PREFIX}funders/<int:funder_id>/", api.FunderDetailView.as_view(), name="api-finance-funder"),
    path(f"{PREFIX}grants/", api.GrantListView.as_view(), name="api-finance-grants"),
    path(f"{PREFIX}grants/<int:grant_id>/", api.GrantDetailView.as_view(), name="api-finance-grant"),
    path(
        f"{PREFIX}grants/<int:grant_id>/instalments/",
        api.InstalmentListView.as_view(),
        name="api-finance-grant-instalments",
    ),
    path(f"{PREFIX}donors/", api.DonorListView.as_view(), name="api-finance-donors"),
    path(f"{PREFIX}donors/<int:donor_id>/", api.DonorDetailView.as_view(), name="api-finance-donor"),
    path(f"{PREFIX}donations/", api.DonationListView.as_view(), name="api-finance-donations"),
    path(f"{PREFIX}declarations/", api.DeclarationListView.as_view(), name="api-finance-declarations"),
    path(
        f"{PREFIX}declarations/<int:foreign_declaration_id>/declare/",
        api.DeclarationDeclareView.as_view(),
        name="api-finance-declaration-declare",
    ),
]
