"""What planning's outputs contribute through associations/seams.py (API routes, the PDF reports'
job kinds and document kinds). Registered from PlanningConfig.ready()."""
