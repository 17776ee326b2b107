from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = "Associations"

    def ready(self) -> None:
        # Register the system check, the OpenAPI auth scheme and the core's own seam entries.
        from associations import checks, contributions, schema, signals  # noqa: F401
        from associations.rls import install_row_level_security

        signals.connect()  # the list of a person's associations kept in their session

        # Runs once per migrate, after every app: covers tenant models of all apps.
        post_migrate.connect(install_row_level_security, sender=self, dispatch_uid="wasl_rls")
