"""Dues, payments and receipts; mounted under a/<slug:association_slug>/finance/ (config/urls.py)."""

from django.urls import path

from finance import dues_views as views

app_name = "dues"

urlpatterns = [
    path("dues/", views.dues_list, name="list"),
    path("dues/schedule/", views.dues_schedule, name="schedule"),
    path("dues/<int:due_id>/waive/", views.due_waive, name="waive"),
    path("payments/new/", views.payment_new, name="payment_new"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts/day.pdf", views.receipts_day_pdf, name="receipts_day_pdf"),
    path("receipts/<int:receipt_id>/", views.receipt_detail, name="receipt"),
    path("receipts/<int:receipt_id>/cancel/", views.receipt_cancel_view, name="receipt_cancel"),
    path("receipts/<int:receipt_id>/resend/", views.receipt_resend_view, name="receipt_resend"),
    path(
        "receipts/<int:receipt_id>/links/withdraw/",
        views.receipt_links_withdraw_view,
        name="receipt_links_withdraw",
    ),
    path("my/receipts/<int:receipt_id>/pdf/", views.my_receipt_pdf, name="my_receipt_pdf"),
]
