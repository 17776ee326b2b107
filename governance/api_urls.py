"""REST routes of governance, mounted under /api/v1/ through the API_ROUTES seam."""

from django.urls import path

from governance import api

_BASE = "associations/<slug:association_slug>/governance/"

urlpatterns = [
    path(f"{_BASE}assemblies/", api.AssemblyListView.as_view(), name="api-governance-assemblies"),
    path(
        f"{_BASE}assemblies/<int:assembly_id>/",
        api.AssemblyDetailView.as_view(),
        name="api-governance-assembly",
    ),
    path(
        f"{_BASE}assemblies/<int:assembly_id>/checkins/",
        api.CheckInView.as_view(),
        name="api-governance-checkins",
    ),
    path(
        f"{_BASE}assemblies/<int:assembly_id>/proxies/",
        api.ProxyView.as_view(),
        name="api-governance-proxies",
    ),
    path(
        f"{_BASE}assemblies/<int:assembly_id>/polls/", api.PollListView.as_view(), name="api-governance-polls"
    ),
    path(f"{_BASE}polls/<int:poll_id>/ballots/", api.BallotView.as_view(), name="api-governance-ballots"),
    path(
        f"{_BASE}polls/<int:poll_id>/receipt/", api.ReceiptCheckView.as_view(), name="api-governance-receipt"
    ),
]
