"""The Bilan's assets get gross, depreciation and provisions, and net columns (CNC layout): each
asset line names its contra accounts, and the layouts shipped in finance/data/ are reloaded.
Layouts are platform reference data: no tenant rows, no row-level security involved."""

from django.db import migrations, models

from finance.seeding import load_layouts


def reload_layouts(apps, schema_editor):
    load_layouts(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0011_instalment_donation_declaration_keys_lead_with_association"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementlayout",
            name="gross_columns",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="statementline",
            name="contra",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(reload_layouts, migrations.RunPython.noop),
    ]
