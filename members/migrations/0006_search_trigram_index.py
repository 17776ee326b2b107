"""Name search under row-level security: a trigram index on the folded search text (PostgreSQL).

`search_text LIKE '%word%'` can use a pg_trgm GIN index only when the planner may push the LIKE
below the tenant policy, i.e. when `textlike` is LEAKPROOF (deploy/postgres/database.sql, run by
the superuser; README "Search under row-level security"). The index leads with association_id
(btree_gin) so that one association's rows are found without reading the others'.

Degrades, never fails: on SQLite, or where the extensions cannot be created (no contrib package, a
role without the right to), nothing is created and search works as before (a scan).
"""

from django.db import migrations

INDEX = "member_search_trgm"


def _extensions_available(cursor) -> set[str]:
    found = set()
    for extension in ("pg_trgm", "btree_gin"):
        try:
            cursor.execute("SAVEPOINT wasl_extension")
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
            cursor.execute("RELEASE SAVEPOINT wasl_extension")
        except Exception:  # not installed, or not ours to create: degrade
            cursor.execute("ROLLBACK TO SAVEPOINT wasl_extension")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [extension])
        if cursor.fetchone():
            found.add(extension)
    return found


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        available = _extensions_available(cursor)
        if "pg_trgm" not in available:
            return
        columns = "association_id, search_text gin_trgm_ops" if "btree_gin" in available else "search_text gin_trgm_ops"
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member USING gin ({columns})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0005_drop_redundant_association_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
