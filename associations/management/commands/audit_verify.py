"""`manage.py audit_verify [--association SLUG]`: recompute audit hash chains."""

from django.core.management.base import BaseCommand, CommandError

from associations.audit import audit_verify_association
from associations.models import Association


class Command(BaseCommand):
    help = "Recompute every association's audit hash chain and name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--association", help="Only this association (slug).")

    def handle(self, *args, **options):
        associations = Association.objects.order_by("pk")
        if options.get("association"):
            associations = associations.filter(slug=options["association"])
            if not associations.exists():
                raise CommandError(f"No association with slug {options['association']!r}.")
        broken = []
        checked = 0
        for association in associations.iterator():
            checked += 1
            result = audit_verify_association(association)
            if result is not None:
                broken.append(result)
                self.stderr.write(f"BROKEN {result.association_slug}: event #{result.seq}: {result.reason}")
        if broken:
            raise CommandError(f"{len(broken)} of {checked} audit chains are broken.")
        self.stdout.write(self.style.SUCCESS(f"{checked} audit chains intact."))
