"""Refuse UPDATE and DELETE on audit events at the database (PostgreSQL, and SQLite for the demo)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION wasl_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON associations_auditevent;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON associations_auditevent
    FOR EACH ROW EXECUTE FUNCTION wasl_audit_append_only();
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON associations_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON associations_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END",
]
BACKWARD = """
DROP TRIGGER IF EXISTS audit_append_only ON associations_auditevent;
DROP FUNCTION IF EXISTS wasl_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_delete")


class Migration(migrations.Migration):
    dependencies = [("associations", "0002_reference_territories_and_sectors")]
    operations = [migrations.RunPython(forward, backward)]
