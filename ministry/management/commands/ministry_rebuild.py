"""Rebuild every roll-up of the ministry's view from scratch: `manage.py ministry_rebuild`."""

from django.core.management.base import BaseCommand

from ministry.rollup import rebuild


class Command(BaseCommand):
    help = "Rebuild the ministry's roll-ups (every association, then every area) from scratch."

    def handle(self, *args, **options):
        result = rebuild(progress=lambda done, total: self.stderr.write(f"{min(done, total)}/{total}"))
        self.stdout.write(
            f"{result['associations']} associations, {result['rows']} figures, "
            f"{result['cells']} area cells in {result['seconds']} s"
        )
