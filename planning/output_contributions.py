"""What planning's outputs contribute through associations/seams.py (API routes, the PDF reports'
job kinds and document kinds). Registered from PlanningConfig.ready()."""

from planning import output_jobs  # noqa: F401  (registers the job kinds)
