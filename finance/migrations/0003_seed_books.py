"""Load the statement layouts and seed the books of every existing association (new associations
are seeded when they are created, by finance/signals.py). Runs before row-level security is
installed on the new tables (associations/rls.py, after migrate)."""

from django.db import migrations
from django.utils import timezone

from associations.tenancy import association_scope
from finance.seeding import load_layouts, seed_books


def forward(apps, schema_editor):
    load_layouts(get_model=apps.get_model)
    Association = apps.get_model("associations", "Association")
    today = timezone.localdate()
    for association in Association.objects.order_by("pk").iterator():
        with association_scope(association.pk):  # row-level security, if already installed
            seed_books(association, get_model=apps.get_model, today=today)


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_ledger_triggers"), ("associations", "0006_existing_associations_verified_and_keyed")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
