"""Directory search at national scale: a trigram index on the active associations' folded names
(PostgreSQL, pg_trgm). The association table has no row-level security, so `LIKE '%word%'` uses
it without more. Degrades, never fails: on SQLite, or where pg_trgm cannot be created, nothing is
created and the search scans as before."""

from django.db import migrations

INDEX = "association_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT wasl_extension")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT wasl_extension")
        except Exception:  # not installed, or not ours to create: degrade
            cursor.execute("ROLLBACK TO SAVEPOINT wasl_extension")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON associations_association "
                "USING gin (search_text gin_trgm_ops) WHERE is_active"
            )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("associations", "0007_tenant_index_and_directory_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
