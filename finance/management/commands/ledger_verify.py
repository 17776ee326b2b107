"""`manage.py ledger_verify [--association SLUG]`: recompute balances and hash chains of the books."""

from django.core.management.base import BaseCommand, CommandError

from associations.models import Association
from finance.verify import verify_books


class Command(BaseCommand):
    help = "Recompute every association's books (hash chains, balances, numbers) and name the first fault."

    def add_arguments(self, parser):
        parser.add_argument("--association", help="Only this association (slug).")

    def handle(self, *args, **options):
        associations = Association.objects.order_by("pk")
        if options.get("association"):
            associations = associations.filter(slug=options["association"])
            if not associations.exists():
                raise CommandError(f"No association with slug {options['association']!r}.")
        faults = []
        checked = 0
        for association in associations.iterator():
            checked += 1
            fault = verify_books(association)
            if fault is not None:
                faults.append(fault)
                self.stderr.write(f"FAULT {fault}")
        if faults:
            raise CommandError(f"{len(faults)} of {checked} ledgers have a fault; first: {faults[0]}")
        self.stdout.write(self.style.SUCCESS(f"{checked} ledgers verified."))
