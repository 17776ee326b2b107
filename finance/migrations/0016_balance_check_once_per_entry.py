"""The deferred balance check runs once per posted entry at commit, not once per touched row.

Before, a posting queued four checks of the same entry (the draft's INSERT, each line's INSERT, the
entry's UPDATE to posted), each reading the entry and summing its lines. Now:

- the entry's INSERT queues a check only when the entry is not inserted as a draft (a draft with no
  line yet has nothing to check; its lines and its later UPDATE queue their own);
- the entry's UPDATE queues the full check (`wasl_finance_check_entry`), as before;
- a line's INSERT or UPDATE queues a check of that line (`wasl_finance_line_balanced`): its copies of
  the entry's year, date, status and kind must match the entry at commit; if the entry is posted,
  the full check of the entry runs too — unless the entry row was written by the very
  (sub)transaction that wrote the line (equal `xmin`): then the entry was posted after the line
  (the line guard refuses any line change in a posted entry), by an UPDATE whose own queued check
  sees the line. An entry posted by anyone else (a concurrent transaction) is checked in full;
- a line's DELETE, or an UPDATE moving it to another entry, checks the entry it left in full, as
  before.

Every refusal stays: unbalanced, fewer than two lines, a line with both or neither of debit and
credit, a line's copies disagreeing with its entry; the guards (frozen posted entries and lines,
closed years) are unchanged. finance/tests/test_ledger_triggers.py tries each with raw SQL.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION wasl_finance_line_balanced() RETURNS trigger AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.entry_id IS DISTINCT FROM NEW.entry_id) THEN
        PERFORM wasl_finance_check_entry(OLD.entry_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    -- The line as it is now (it may have changed since this event), against its entry.
    SELECT l.entry_id, e.status AS entry_status,
           (l.entry_status, l.fiscal_year_id, l.date, l.entry_kind)
               IS DISTINCT FROM (e.status, e.fiscal_year_id, e.date, e.kind) AS stale,
           e.xmin = l.xmin AS same_writer
      INTO r
      FROM finance_entryline AS l JOIN finance_entry AS e ON e.id = l.entry_id
     WHERE l.id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;  -- the line was deleted since (its DELETE checks its entry), or its draft is gone
    END IF;
    IF r.stale THEN
        RAISE EXCEPTION 'lines of entry % disagree with it (fiscal year, date, status or kind)', r.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF r.entry_status = 'posted' AND r.same_writer IS NOT TRUE THEN
        PERFORM wasl_finance_check_entry(r.entry_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS finance_entry_balanced ON finance_entry;
CREATE CONSTRAINT TRIGGER finance_entry_balanced AFTER UPDATE ON finance_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wasl_finance_entry_balanced();
CREATE CONSTRAINT TRIGGER finance_entry_balanced_insert AFTER INSERT ON finance_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM 'draft')
    EXECUTE FUNCTION wasl_finance_entry_balanced();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS finance_entry_balanced_insert ON finance_entry;
DROP TRIGGER IF EXISTS finance_entry_balanced ON finance_entry;
CREATE CONSTRAINT TRIGGER finance_entry_balanced AFTER INSERT OR UPDATE ON finance_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wasl_finance_entry_balanced();

CREATE OR REPLACE FUNCTION wasl_finance_line_balanced() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM wasl_finance_check_entry(NEW.entry_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM wasl_finance_check_entry(OLD.entry_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0015_receipt_link_version")]
    operations = [migrations.RunPython(forward, backward)]
