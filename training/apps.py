from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"

    def ready(self) -> None:
        # The certificate's document kind, the reminder rules and the module's seam entries.
        from training import bulk_certificates, certificates, contributions  # noqa: F401
