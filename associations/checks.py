"""System check: the application's database role must be bound by row-level security.

Runs with `manage.py check --database default` (CI and the web container run it before serving).
"""

from django.core.checks import Error, Tags, Warning, register
from django.db import connections


@register(Tags.database)
def application_role_is_bound_by_rls(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            superuser, bypass = cursor.fetchone()
        if superuser or bypass:
            errors.append(
                Error(
                    "The database role escapes row-level security (superuser or BYPASSRLS).",
                    hint="Connect as the application role (wasl_app); run migrations as wasl_owner.",
                    id="wasl.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def base_url_is_set_for_workers(app_configs=None, **kwargs):
    """Outside a request (Celery workers, commands) absolute links come from WASL_BASE_URL only: a
    production deployment without it would mail members links to the local default address."""
    from django.conf import settings

    if (getattr(settings, "WASL_BASE_URL", "") or "").startswith("https://"):
        return []
    return [
        Warning(
            "WASL_BASE_URL is not set to the public https:// address.",
            hint="Set WASL_BASE_URL (e.g. https://wasl.example.ma): workers build links with it.",
            id="wasl.W002",
        )
    ]
