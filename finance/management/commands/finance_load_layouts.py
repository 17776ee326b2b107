"""`manage.py finance_load_layouts [FILE]`: load statement layouts (Bilan, CPC) from JSON."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand

from finance.seeding import load_layouts


class Command(BaseCommand):
    help = "Load or replace statement layouts from a JSON file (default: the association layout shipped)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON file (see finance/data/layouts/).")

    def handle(self, *args, **options):
        count = load_layouts(
            get_model=apps.get_model, path=Path(options["file"]) if options.get("file") else None
        )
        self.stdout.write(self.style.SUCCESS(f"{count} layouts loaded."))
