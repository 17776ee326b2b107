from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"

    def ready(self) -> None:
        # The module's seam entries (menu, portal, API routes, audit sentences).
        from governance import contributions  # noqa: F401
