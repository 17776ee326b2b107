"""`manage.py seed_demo`: demo data for `make run`, from every module's registered seeder. Safe to
run again: each seeder creates only what is missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from associations.seams import demo_seeders


class Command(BaseCommand):
    help = "Create the demo data of every module (idempotent) and print the demo logins."

    @transaction.atomic
    @translation.override("en")  # the printed summary is for the operator's terminal
    def handle(self, *args, **options):
        summary: list[str] = []
        for seeder in demo_seeders():  # each after the seeders it depends on
            summary.extend(seeder.seed() or ())
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        for line in summary:
            self.stdout.write(line)
