from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"

    def ready(self) -> None:
        # Seeds each new association's books, and registers the module's seam entries.
        from finance import contributions, funding_contributions, money_contributions, signals  # noqa: F401
