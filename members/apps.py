from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"

    def ready(self) -> None:
        from members import cards, exports, jobs  # noqa: F401 - register the job and document kinds
