"""`manage.py pdf_check`: can this machine make PDFs? `make run` asks before serving.

WeasyPrint draws PDFs with system libraries (Pango, HarfBuzz, fontconfig, GLib) that pip does not
install. Without them everything else works, but certificates, member cards and personal-data
PDFs fail; this says so plainly, with the command that installs them, and exits 1."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from documents.system import pdf_libraries_problem

INSTALL_HINT = """\
PDFs cannot be made on this machine: WeasyPrint needs the system libraries Pango, HarfBuzz,
fontconfig and GLib, and could not use them:
  {problem}
Install them, then run `make run` again:
  Debian / Ubuntu:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  Fedora:           sudo dnf install pango
  macOS (Homebrew): brew install pango
Everything else works meanwhile; certificates, member cards and personal-data PDFs will fail."""


class Command(BaseCommand):
    help = "Check that the system libraries PDFs need (Pango, HarfBuzz, fontconfig) are installed."

    def handle(self, *args, **options):
        problem = pdf_libraries_problem()
        if problem:
            raise CommandError(INSTALL_HINT.format(problem=problem), returncode=1)
        self.stdout.write(self.style.SUCCESS("PDFs: the system libraries WeasyPrint needs are installed."))
