"""REST routes of dues, payments and receipts, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from finance import dues_api as api

PREFIX = "associations/<slug:association_slug>/finance/"

urlpatterns = [
    path(f"{PREFIX}dues/", api.DueListView.as_view(), name="api-finance-dues"),
    path(
        f"{PREFIX}members/<int:member_id>/standing/", api.StandingView.as_view(), name="api-finance-standing"
    ),
    path(f"{PREFIX}payments/", api.PaymentListView.as_view(), name="api-finance-payments"),
    path(f"{PREFIX}receipts/", api.ReceiptListView.as_view(), name="api-finance-receipts"),
    path(
        f"{PREFIX}receipts/<int:receipt_id>/pdf/",
        api.ReceiptPdfView.as_view(),
        name="api-finance-receipt-pdf",
    ),
]
