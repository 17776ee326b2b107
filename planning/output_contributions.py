"""What planning's outputs contribute through associations/seams.py (API routes, the PDF reports'
job kinds and document kinds). Registered from PlanningConfig.ready()."""

from associations import seams
from planning import output_jobs  # noqa: F401  (registers the job kinds)

seams.register_api_routes(seams.ApiRoutes(key="planning", module="planning.api_urls", order=50))
