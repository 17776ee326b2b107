"""`manage.py members_import FILE --association SLUG [--dry-run] [--map COLUMN=FIELD …]`."""

from pathlib import Path

from django.core.management.base import CommandError

from associations.commands import ScopedCommand
from associations.errors import WaslError
from members.importing import IMPORT_FIELDS, guess_mapping, import_members, read_table


class Command(ScopedCommand):
    help = "Import a member list (CSV or XLSX) into one association: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a header to a field (overrides the remembered or guessed mapping). "
            f"Fields: {', '.join(IMPORT_FIELDS)}",
        )
        parser.add_argument("--actor", help="E-mail of the officer recorded in the audit trail.")

    def handle_scoped(self, association, *args, **options):
        from accounts.models import User

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = User.objects.filter(email__iexact=options["actor"]).first() if options["actor"] else None
        try:
            table = read_table(path.read_bytes())
            mapping = guess_mapping(table)
            for item in options["map"]:
                header, _, target = item.partition("=")
                if header not in table.headers or target not in IMPORT_FIELDS:
                    raise CommandError(f"--map {item}: unknown column or field.")
                mapping = {k: v for k, v in mapping.items() if v != target}
                mapping[str(table.headers.index(header))] = target
            self.stdout.write(
                "Mapping: " + ", ".join(f"{table.headers[int(i)]} → {t}" for i, t in mapping.items())
            )
            report = import_members(actor=actor, table=table, mapping=mapping, dry_run=options["dry_run"])
        except WaslError as exc:
            raise CommandError(exc.message) from exc
        for error in report.errors:
            self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
        if report.error_count:
            raise CommandError(f"{report.error_count} of {report.total} rows have errors: nothing was saved.")
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {report.created} new, {report.updated} updated."))
