"""REST routes of the bureau register, declarations, minutes and compliance, mounted under /api/v1/
through the API_ROUTES seam (governance/contributions_bureau.py)."""

from django.urls import path

from governance import api_bureau as api

PREFIX = "associations/<slug:association_slug>/governance/"

urlpatterns = [
    path(f"{PREFIX}mandates/", api.MandateListView.as_view(), name="api-governance-mandates"),
    path(f"{PREFIX}declarations/", api.DeclarationListView.as_view(), name="api-governance-declarations"),
    path(f"{PREFIX}declarations/<int:declaration_id>/", api.DeclarationDetailView.as_view(),
         name="api-governance-declaration"),
    path(f"{PREFIX}minutes/", api.MinutesListView.as_view(), name="api-governance-minutes"),
    path(f"{PREFIX}minutes/<int:minutes_id>/", api.MinutesSignView.as_view(),
         name="api-governance-minutes-detail"),
    path(f"{PREFIX}compliance/", api.ComplianceView.as_view(), name="api-governance-compliance"),
]  # fmt: skip
