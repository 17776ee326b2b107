"""The books' invariants in PostgreSQL itself, so no code path (a bug, a shell, raw SQL as the
application role) can break them:

- at COMMIT (deferred constraint triggers): a posted entry has two lines at least, balances, and
  each of its lines has exactly one of debit and credit above zero;
- a posted entry and its lines are never updated nor deleted, and no line is added to it;
- nothing is written into a closed fiscal year, and a closed year row never changes;
- an entry's date lies inside its fiscal year.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION wasl_finance_check_entry(entry_id bigint) RETURNS void AS $$
DECLARE
    entry_status text;
    n integer;
    total_debit numeric;
    total_credit numeric;
    bad integer;
BEGIN
    SELECT status INTO entry_status FROM finance_entry WHERE id = entry_id;
    IF entry_status IS DISTINCT FROM 'posted' THEN
        RETURN;
    END IF;
    SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0),
           count(*) FILTER (WHERE (debit > 0) = (credit > 0))
      INTO n, total_debit, total_credit, bad
      FROM finance_entryline WHERE finance_entryline.entry_id = wasl_finance_check_entry.entry_id;
    IF n < 2 THEN
        RAISE EXCEPTION 'posted entry % has fewer than two lines', entry_id USING ERRCODE = 'check_violation';
    END IF;
    IF bad > 0 THEN
        RAISE EXCEPTION 'posted entry % has a line with both or neither of debit and credit', entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF total_debit <> total_credit THEN
        RAISE EXCEPTION 'posted entry % does not balance (debit %, credit %)', entry_id, total_debit, total_credit
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION wasl_finance_entry_balanced() RETURNS trigger AS $$
BEGIN
    PERFORM wasl_finance_check_entry(NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

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

DROP TRIGGER IF EXISTS finance_entry_balanced ON finance_entry;
CREATE CONSTRAINT TRIGGER finance_entry_balanced AFTER INSERT OR UPDATE ON finance_entry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wasl_finance_entry_balanced();
DROP TRIGGER IF EXISTS finance_line_balanced ON finance_entryline;
CREATE CONSTRAINT TRIGGER finance_line_balanced AFTER INSERT OR UPDATE OR DELETE ON finance_entryline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wasl_finance_line_balanced();

-- Entries: a posted entry is frozen; nothing enters a closed year; the date lies in the year.
CREATE OR REPLACE FUNCTION wasl_finance_entry_guard() RETURNS trigger AS $$
DECLARE
    year_status text;
    year_start date;
    year_end date;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'posted' THEN
        RAISE EXCEPTION 'posted entry % is frozen (% refused)', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    SELECT status, start_date, end_date INTO year_status, year_start, year_end
      FROM finance_fiscalyear WHERE id = NEW.fiscal_year_id;
    IF year_status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'fiscal year % is closed: it accepts no entry', NEW.fiscal_year_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.date < year_start OR NEW.date > year_end THEN
        RAISE EXCEPTION 'entry date % is outside its fiscal year', NEW.date USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS finance_entry_guard ON finance_entry;
CREATE TRIGGER finance_entry_guard BEFORE INSERT OR UPDATE OR DELETE ON finance_entry
    FOR EACH ROW EXECUTE FUNCTION wasl_finance_entry_guard();

-- Lines: none added to, changed in or removed from a posted entry, or an entry of a closed year.
CREATE OR REPLACE FUNCTION wasl_finance_line_guard() RETURNS trigger AS $$
DECLARE
    entry_status text;
    year_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT e.status, y.status INTO entry_status, year_status
          FROM finance_entry e JOIN finance_fiscalyear y ON y.id = e.fiscal_year_id WHERE e.id = OLD.entry_id;
        IF entry_status = 'posted' THEN
            RAISE EXCEPTION 'lines of posted entry % are frozen (% refused)', OLD.entry_id, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF year_status = 'closed' THEN
            RAISE EXCEPTION 'fiscal year of entry % is closed (% refused)', OLD.entry_id, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    SELECT e.status, y.status INTO entry_status, year_status
      FROM finance_entry e JOIN finance_fiscalyear y ON y.id = e.fiscal_year_id WHERE e.id = NEW.entry_id;
    IF entry_status = 'posted' THEN
        RAISE EXCEPTION 'posted entry % is frozen: no line may be added', NEW.entry_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF year_status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'fiscal year of entry % is closed: it accepts no line', NEW.entry_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS finance_line_guard ON finance_entryline;
CREATE TRIGGER finance_line_guard BEFORE INSERT OR UPDATE OR DELETE ON finance_entryline
    FOR EACH ROW EXECUTE FUNCTION wasl_finance_line_guard();

-- A closed fiscal year never changes and is never deleted.
CREATE OR REPLACE FUNCTION wasl_finance_year_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'fiscal year % is closed (% refused)', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS finance_year_guard ON finance_fiscalyear;
CREATE TRIGGER finance_year_guard BEFORE UPDATE OR DELETE ON finance_fiscalyear
    FOR EACH ROW EXECUTE FUNCTION wasl_finance_year_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS finance_year_guard ON finance_fiscalyear;
DROP TRIGGER IF EXISTS finance_line_guard ON finance_entryline;
DROP TRIGGER IF EXISTS finance_entry_guard ON finance_entry;
DROP TRIGGER IF EXISTS finance_line_balanced ON finance_entryline;
DROP TRIGGER IF EXISTS finance_entry_balanced ON finance_entry;
DROP FUNCTION IF EXISTS wasl_finance_year_guard();
DROP FUNCTION IF EXISTS wasl_finance_line_guard();
DROP FUNCTION IF EXISTS wasl_finance_entry_guard();
DROP FUNCTION IF EXISTS wasl_finance_line_balanced();
DROP FUNCTION IF EXISTS wasl_finance_entry_balanced();
DROP FUNCTION IF EXISTS wasl_finance_check_entry(bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_books")]
    operations = [migrations.RunPython(forward, backward)]
