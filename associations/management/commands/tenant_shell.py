"""`manage.py tenant_shell --association SLUG`: a Python shell inside one association's scope."""

import code

from associations.commands import ScopedCommand


class Command(ScopedCommand):
    help = "Open a Python shell inside one association's scope (ORM filter and row-level security)."

    def add_arguments(self, parser):
        parser.add_argument("-c", "--command", help="Run this code instead of an interactive shell.")

    def handle_scoped(self, association, *args, **options):
        namespace = {"association": association}
        if options.get("command"):
            exec(options["command"], namespace)  # noqa: S102 - operator-supplied code, like `manage.py shell -c`
            return
        code.interact(banner=f"Scope: {association.slug} (id {association.pk})", local=namespace)
