from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        # The volunteering certificate's document kind and the module's seam entries.
        from resources import certificates, contributions  # noqa: F401
