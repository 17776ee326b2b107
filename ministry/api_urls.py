"""REST routes of the ministry's view, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from ministry import api

urlpatterns = [path("ministry/figures/", api.FiguresView.as_view(), name="api-ministry-figures")]
