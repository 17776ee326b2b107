from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        # The module's seam entries (menu, home card, API routes, audit actions, demo).
        from planning import contributions  # noqa: F401
