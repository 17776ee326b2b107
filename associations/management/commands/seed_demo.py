"""`manage.py seed_demo`: demo data for `make run`, from every module's registered seeder. Safe to
run again: each seeder creates only what is missing. The demo logins come last."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from associations.demo import demo_login_lines
from associations.links import base_url
from associations.seams import demo_seeders


class Command(BaseCommand):
    help = "Create the demo data of every module (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the logins (`make run` prints them when serving).",
        )

    @transaction.atomic
    @translation.override("en")  # the printed summary is for the operator's terminal
    def handle(self, *args, **options):
        summary: list[str] = []
        for seeder in demo_seeders():  # each after the seeders it depends on
            summary.extend(seeder.seed() or ())
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in summary:
            self.stdout.write(line)
        if not options["no_logins"]:
            self.stdout.write("")
            for line in demo_login_lines(base_url()):
                self.stdout.write(line)
