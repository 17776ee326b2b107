"""`manage.py serve_demo [ADDRPORT]`: `runserver` for `make run`, which prints the demo logins
last, once the server listens, with the address it really serves on."""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.utils import translation

from associations.demo import demo_login_lines


class Command(RunserverCommand):
    help = "Serve like runserver, then print the demo logins with the address served on."

    def on_bind(self, server_port):
        super().on_bind(server_port)
        host = (
            f"[{self.addr}]"
            if self._raw_ipv6
            else ("127.0.0.1" if self.addr in ("0", "0.0.0.0") else self.addr)  # noqa: S104 - a link, not a bind
        )
        with translation.override("en"):
            lines = demo_login_lines(f"{self.protocol}://{host}:{server_port}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
