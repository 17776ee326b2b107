"""What the tracking of activities and indicators contributes through associations/seams.py (the home
card for overdue activities, its audit actions). Registered from PlanningConfig.ready()."""
