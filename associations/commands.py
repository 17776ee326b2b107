"""Entry point for the command line: management commands that work inside one association."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from associations.models import Association
from associations.tenancy import association_scope


class ScopedCommand(BaseCommand):
    """Subclasses implement handle_scoped(association, **options); `--association SLUG` is required."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--association", required=True, help="Slug of the association to work in.")
        return parser

    def handle(self, *args, **options):
        slug = options.pop("association")
        association = Association.objects.filter(slug=slug).first()
        if association is None:
            raise CommandError(f"No association with slug {slug!r}.")
        with association_scope(association):
            return self.handle_scoped(association, *args, **options)

    def handle_scoped(self, association: Association, *args, **options):
        raise NotImplementedError
