from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = "Communication"

    def ready(self) -> None:
        from communication import contributions  # noqa: F401
