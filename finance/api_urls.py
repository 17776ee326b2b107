"""REST routes of the books, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from finance import api

PREFIX = "associations/<slug:association_slug>/finance/"

urlpatterns = [
    path(f"{PREFIX}accounts/", api.AccountListView.as_view(), name="api-finance-accounts"),
    path(f"{PREFIX}years/", api.FiscalYearListView.as_view(), name="api-finance-years"),
    path(
        f"{PREFIX}years/<int:year_id>/trial-balance/",
        api.TrialBalanceView.as_view(),
        name="api-finance-trial-balance",
    ),
    path(f"{PREFIX}entries/", api.EntryListView.as_view(), name="api-finance-entries"),
    path(f"{PREFIX}entries/<int:entry_id>/", api.EntryDetailView.as_view(), name="api-finance-entry"),
    path(f"{PREFIX}entries/<int:entry_id>/post/", api.EntryPostView.as_view(), name="api-finance-entry-post"),
    path(
        f"{PREFIX}entries/<int:entry_id>/reverse/",
        api.EntryReverseView.as_view(),
        name="api-finance-entry-reverse",
    ),
]
