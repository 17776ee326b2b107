from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"

    def ready(self) -> None:
        # Register the job and document kinds, and the register's seam entries.
        from members import cards, contributions, jobs  # noqa: F401
