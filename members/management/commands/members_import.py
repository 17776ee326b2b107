"""`manage.py members_import FILE --association SLUG [--dry-run] [--map COLUMN=FIELD …]
[--on-conflict skip|update|create]`."""

from pathlib import Path

from django.core.management.base import CommandError

from associations.commands import ScopedCommand
from associations.errors import WaslError
from members.importing import (
    CONFLICT_CHOICES,
    IMPORT_FIELDS,
    NAME_FIELDS,
    guess_mapping,
    import_members,
    read_table,
)

ON_CONFLICT_HELP = {
    "skip": "leave those members as they are and ignore the rows",
    "update": "overwrite those members with the file's values (names included)",
    "create": "add the rows as new members (not possible when the CIN number is the member's)",
}


class Command(ScopedCommand):
    help = (
        "Import a member list (CSV or XLSX) into one association: all rows or none. A row that "
        "matches a member (by number, CIN or phone) whose name differs is a conflict: the import "
        "refuses conflicts unless --on-conflict says what to do with them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and list every change; save nothing."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Map a header to a field (overrides the remembered or guessed mapping). "
            f"Fields: {', '.join(IMPORT_FIELDS)}",
        )
        parser.add_argument(
            "--on-conflict",
            choices=CONFLICT_CHOICES,
            help="What to do with rows matching a member whose name differs: "
            + "; ".join(f"{key}: {text}" for key, text in ON_CONFLICT_HELP.items())
            + ". Without it, conflicts stop the import.",
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
            mapping = guess_mapping(table.headers)
            for item in options["map"]:
                header, _, target = item.partition("=")
                if header not in table.headers or target not in IMPORT_FIELDS:
                    raise CommandError(f"--map {item}: unknown column or field.")
                mapping = {k: v for k, v in mapping.items() if v != target}
                mapping[str(table.headers.index(header))] = target
            self.stdout.write(
                "Mapping: " + ", ".join(f"{table.headers[int(i)]} → {t}" for i, t in mapping.items())
            )
            report = import_members(
                actor=actor,
                table=table,
                mapping=mapping,
                dry_run=options["dry_run"],
                on_conflict=options["on_conflict"],
            )
        except WaslError as exc:
            raise CommandError(exc.message) from exc
        for error in report.errors:
            self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
        if report.error_count:
            raise CommandError(f"{report.error_count} of {report.total} rows have errors: nothing was saved.")
        for change in report.changes:
            fields = "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, old, new in change["fields"])
            self.stdout.write(f"row {change['row']}, member {change['number'] or '—'}: {fields}")
        for conflict in report.conflicts:
            register = " ".join(old for name, old, _new in conflict["fields"] if name in NAME_FIELDS and old)
            incoming = " ".join(new for name, _old, new in conflict["fields"] if name in NAME_FIELDS and new)
            decision = conflict["decision"] or "undecided"
            self.stdout.write(
                f"conflict: row {conflict['row']} matches member {conflict['number'] or '—'} by "
                f"{conflict['matched_on']}, but the register says “{register}” and the file “{incoming}” "
                f"({decision})"
            )
        if len(report.conflicts) < report.conflict_count:
            self.stdout.write(
                f"(the first {len(report.conflicts)} of {report.conflict_count} conflicts are listed)"
            )
        if report.undecided and not options["dry_run"]:
            raise CommandError(
                f"{report.undecided} rows match a member whose name differs (listed above): nothing was "
                "saved. Check them with --dry-run, then run again with --on-conflict=skip (leave those "
                "members as they are), --on-conflict=update (overwrite them with the file's values) or "
                "--on-conflict=create (add the rows as new members)."
            )
        counts = (
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.skipped} skipped, {report.undecided} conflicts undecided"
        )
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {counts}."))
