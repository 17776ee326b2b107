from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"

    def ready(self) -> None:
        # Register the job and document kinds (exports among them), and the register's seam entries.
        from members import cards, contributions, exports, jobs  # noqa: F401
