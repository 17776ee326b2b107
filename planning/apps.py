from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        # The module's seam entries: the plan and projects (menu, audit actions, demo data), the
        # tracking of activities and indicators (home card for overdue activities), and the outputs
        # (API routes, PDF reports as jobs). The ministry reads planning through ministry/providers.py.
        from planning import contributions, output_contributions, tracking_contributions  # noqa: F401
