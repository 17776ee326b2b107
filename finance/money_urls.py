"""Simple mode, budget, reports and bank statements; mounted under a/<slug:association_slug>/finance/
next to finance/urls.py (config/urls.py), in their own namespace."""

from django.urls import path

from finance import money_views as views
from finance.reports.registry import REPORT_KINDS

app_name = "money"

urlpatterns = [
    path("money/", views.home, name="home"),
    path("money/in/", views.money_in, name="in"),
    path("money/out/", views.money_out, name="out"),
    path("money/transfer/", views.transfer, name="transfer"),
    path("budget/", views.budget, name="budget"),
    path("reports/", views.reports, name="reports"),
    path("reports/export/", views.report_export, name="export"),
    # One route per report (not a <report_key> parameter: a URL parameter names an object).
    *(
        path(f"reports/{kind.key}/", views.report, {"report_key": kind.key}, name=f"report_{kind.key}")
        for kind in REPORT_KINDS
    ),
    path("bank/", views.bank, name="bank"),
    path("bank/<int:statement_id>/", views.bank_statement, name="bank_statement"),
    path("bank/<int:statement_id>/columns/", views.bank_map, name="bank_map"),
    path("bank/lines/<int:bank_line_id>/match/", views.bank_match, name="bank_match"),
    path("bank/lines/<int:bank_line_id>/unmatch/", views.bank_unmatch, name="bank_unmatch"),
    path("bank/lines/<int:bank_line_id>/record/", views.bank_record, name="bank_record"),
]
