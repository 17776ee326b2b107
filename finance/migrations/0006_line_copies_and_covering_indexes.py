"""Lines carry copies of their entry's fiscal year, date, status and kind, so balances and ledgers
read the lines alone through two covering partial indexes (posted lines only):
(association, fiscal_year, account) INCLUDE (debit, credit, entry_kind) for the trial balance, Bilan
and CPC, and (association, account, fiscal_year, date, entry, id) INCLUDE (...) for ledger pages.

Existing lines are filled from their entries (the line guard and the row-level security are set
aside for that one UPDATE, as the owner running the migration). Then the triggers keep the copies
true: the line guard sets year, date and kind from the entry on every insert or update of a line,
and the deferred check refuses at commit any entry whose lines disagree with it (year, date,
status, kind). Lines of a posted entry never change, so the copy cannot drift afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE finance_entryline AS l
   SET fiscal_year_id = e.fiscal_year_id, date = e.date, entry_status = e.status, entry_kind = e.kind
  FROM finance_entry AS e
 WHERE e.id = l.entry_id
"""

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION wasl_finance_check_entry(entry_id bigint) RETURNS void AS $$
DECLARE
    e_status text;
    e_year bigint;
    e_date date;
    e_kind text;
    n integer;
    total_debit numeric;
    total_credit numeric;
    bad integer;
    stale integer;
BEGIN
    SELECT status, fiscal_year_id, date, kind INTO e_status, e_year, e_date, e_kind
      FROM finance_entry WHERE id = entry_id;
    IF NOT FOUND THEN
        RETURN;  -- a deleted draft
    END IF;
    SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0),
           count(*) FILTER (WHERE (debit > 0) = (credit > 0)),
           count(*) FILTER (WHERE l.entry_status IS DISTINCT FROM e_status
                              OR l.fiscal_year_id IS DISTINCT FROM e_year
                              OR l.date IS DISTINCT FROM e_date
                              OR l.entry_kind IS DISTINCT FROM e_kind)
      INTO n, total_debit, total_credit, bad, stale
      FROM finance_entryline AS l WHERE l.entry_id = wasl_finance_check_entry.entry_id;
    IF stale > 0 THEN
        RAISE EXCEPTION 'lines of entry % disagree with it (fiscal year, date, status or kind)', entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF e_status IS DISTINCT FROM 'posted' THEN
        RETURN;
    END IF;
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

-- Lines: none added to, changed in or removed from a posted entry, or an entry of a closed year;
-- a line's copies of its entry's year, date and kind are set from the entry.
CREATE OR REPLACE FUNCTION wasl_finance_line_guard() RETURNS trigger AS $$
DECLARE
    entry_status text;
    year_status text;
    e_year bigint;
    e_date date;
    e_kind text;
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
    SELECT e.status, y.status, e.fiscal_year_id, e.date, e.kind
      INTO entry_status, year_status, e_year, e_date, e_kind
      FROM finance_entry e JOIN finance_fiscalyear y ON y.id = e.fiscal_year_id WHERE e.id = NEW.entry_id;
    IF entry_status = 'posted' THEN
        RAISE EXCEPTION 'posted entry % is frozen: no line may be added', NEW.entry_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF year_status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'fiscal year of entry % is closed: it accepts no line', NEW.entry_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.fiscal_year_id := e_year;
    NEW.date := e_date;
    NEW.entry_kind := e_kind;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        schema_editor.execute(
            "UPDATE finance_entryline SET"
            " fiscal_year_id = (SELECT fiscal_year_id FROM finance_entry e WHERE e.id = entry_id),"
            " date = (SELECT date FROM finance_entry e WHERE e.id = entry_id),"
            " entry_status = (SELECT status FROM finance_entry e WHERE e.id = entry_id),"
            " entry_kind = (SELECT kind FROM finance_entry e WHERE e.id = entry_id)",
            params=None,
        )
        return
    # As the owner: the row-level security (FORCE) and the freezing triggers would hide or refuse
    # the rows; the copies written are the entries' own values, checked again just below.
    for statement in (
        "ALTER TABLE finance_entryline NO FORCE ROW LEVEL SECURITY",
        "ALTER TABLE finance_entry NO FORCE ROW LEVEL SECURITY",
        "ALTER TABLE finance_entryline DISABLE TRIGGER finance_line_guard",
        "ALTER TABLE finance_entryline DISABLE TRIGGER finance_line_balanced",
        FILL,
        "ALTER TABLE finance_entryline ENABLE TRIGGER finance_line_balanced",
        "ALTER TABLE finance_entryline ENABLE TRIGGER finance_line_guard",
    ):
        schema_editor.execute(statement, params=None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM finance_entryline l JOIN finance_entry e ON e.id = l.entry_id"
            " WHERE (l.fiscal_year_id, l.date, l.entry_status, l.entry_kind)"
            " IS DISTINCT FROM (e.fiscal_year_id, e.date, e.status, e.kind)"
        )
        (stale,) = cursor.fetchone()
    if stale:
        raise RuntimeError(f"{stale} entry lines were not filled from their entries")
    for statement in (
        "ALTER TABLE finance_entry FORCE ROW LEVEL SECURITY",
        "ALTER TABLE finance_entryline FORCE ROW LEVEL SECURITY",
    ):
        schema_editor.execute(statement, params=None)


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        old = import_module("finance.migrations.0002_ledger_triggers")
        schema_editor.execute(old.FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("finance", "0005_budget_and_bank")]

    operations = [
        migrations.AddField(
            model_name="entryline",
            name="fiscal_year",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="finance.fiscalyear",
            ),
        ),
        migrations.AddField(model_name="entryline", name="date", field=models.DateField(null=True)),
        migrations.AddField(
            model_name="entryline",
            name="entry_status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("posted", "Posted")],
                db_default="draft",
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="entryline",
            name="entry_kind",
            field=models.CharField(
                choices=[
                    ("standard", "Entry"),
                    ("opening", "Opening balances"),
                    ("closing", "Closing"),
                    ("allocation", "Allocation of the result"),
                ],
                db_default="standard",
                default="standard",
                max_length=12,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="entryline",
            name="fiscal_year",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="finance.fiscalyear",
            ),
        ),
        migrations.AlterField(model_name="entryline", name="date", field=models.DateField()),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                condition=models.Q(("entry_status", "posted")),
                fields=["association", "fiscal_year", "account"],
                include=["debit", "credit", "entry_kind"],
                name="finance_line_balance_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(
                condition=models.Q(("entry_status", "posted")),
                fields=["association", "account", "fiscal_year", "date", "entry", "id"],
                include=["debit", "credit", "entry_kind"],
                name="finance_line_ledger_idx",
            ),
        ),
        migrations.RunPython(install_triggers, restore_triggers),
    ]
