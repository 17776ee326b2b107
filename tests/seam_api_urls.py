"""A module's API routes, registered by tests/test_seams.py only."""

from django.urls import path
from rest_framework.response import Response

from associations.api_base import TenantAPIView


class SeamProbeView(TenantAPIView):
    def get(self, request, association_slug):
        return Response({"association": self.association.slug, "module": "seam-probe"})


urlpatterns = [
    path("associations/<slug:association_slug>/seam-probe/", SeamProbeView.as_view(), name="api-seam-probe"),
]
