from django.apps import AppConfig


class MinistryConfig(AppConfig):
    name = "ministry"

    def ready(self) -> None:
        from ministry import contributions, signals  # noqa: F401 - registers its seams

        signals.connect()
