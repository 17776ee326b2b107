"""PostgreSQL row-level security on every tenant table (layer 2 of tenancy.py).

Installed after every `migrate` for every tenant model found by introspection, so a new model is
covered the day it is written; the statements are idempotent. `FORCE` makes the policy bind the
table owner too; only superusers and BYPASSRLS roles escape it, and the application's role is
neither (tests/test_rls.py proves it).
"""

from django.db import connections

from associations.tenancy import tenant_models

POLICY = "wasl_tenant_isolation"
CROSS_TENANT_READ_POLICY = "wasl_cross_tenant_read"
# NULLIF: an unset setting reads as '' (or NULL), which must match no row rather than fail a cast.
CURRENT_ASSOCIATION = "NULLIF(current_setting('app.association_id', true), '')::bigint"


def rls_statements(table: str) -> list[str]:
    quoted = f'"{table}"'
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {quoted}",
        f"CREATE POLICY {POLICY} ON {quoted} USING (association_id = {CURRENT_ASSOCIATION}) "
        f"WITH CHECK (association_id = {CURRENT_ASSOCIATION})",
        # The cross_tenant_read() escape: SELECT only, so it can never write across tenants.
        f"DROP POLICY IF EXISTS {CROSS_TENANT_READ_POLICY} ON {quoted}",
        f"CREATE POLICY {CROSS_TENANT_READ_POLICY} ON {quoted} FOR SELECT "
        f"USING (current_setting('app.cross_tenant', true) = 'on')",
    ]


def install_row_level_security(using: str = "default", **_kwargs) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in tenant_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            for statement in rls_statements(table):
                cursor.execute(statement)
