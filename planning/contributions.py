"""What planning contributes to the platform through associations/seams.py (menu entry, home card
for overdue activities, API routes, audit actions, demo data). Registered from PlanningConfig.ready()."""
