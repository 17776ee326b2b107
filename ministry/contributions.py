"""What the ministry module brings to the seams (imported from MinistryConfig.ready): its API routes.
Its pages live under /ministry/, outside any association."""

from __future__ import annotations

from associations import seams

seams.register_api_routes(seams.ApiRoutes(key="ministry", module="ministry.api_urls", order=90))
