from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import contributions  # noqa: F401 - seam entries and the invitation reminder
