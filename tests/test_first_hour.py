"""The first hour (issue 9, item 14): `make run` checks the PDF libraries and prints the demo logins
last, with the associations as the README names them and the address it serves on; absolute links
follow the address served on; `make test` says why tests are skipped."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from associations.demo import demo_login_lines
from associations.links import absolute_url, serving_origin
from associations.management.commands.serve_demo import Command as ServeDemo
from documents import system
from documents.pdf import verify_url

BASE = Path(settings.BASE_DIR)


def _make_target(name: str) -> list[str]:
    text = (BASE / "Makefile").read_text()
    block = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert block, f"no {name} target"
    return [line.strip() for line in block.group(1).splitlines()]


def _readme_logins() -> dict[str, str]:
    rows = re.findall(
        r"^\| `([^`]+@demo\.wasl\.ma)` \| (.+?) \|$", (BASE / "README.md").read_text(), re.MULTILINE
    )
    return dict(rows)


def test_the_printed_logins_name_the_associations_as_the_readme_does():
    printed = {
        line.split()[0]: line.split(None, 1)[1]
        for line in demo_login_lines("http://x")
        if "@demo.wasl.ma" in line
    }
    assert printed == _readme_logins()
    assert len(printed) == 6


def test_seed_demo_prints_the_logins_last(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().rstrip("\n").splitlines()
    assert lines[-1].startswith("  admin@demo.wasl.ma")
    assert lines[-8] == "Log in at http://127.0.0.1:8000/accounts/login/ with one of these accounts,"
    quiet = io.StringIO()
    call_command("seed_demo", "--no-logins", stdout=quiet)
    assert "@demo.wasl.ma" not in quiet.getvalue()


@pytest.mark.parametrize(
    ("addr", "shown"), [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("localhost", "localhost")]
)
def test_make_run_prints_the_logins_after_the_server_banner_with_its_port(addr, shown):
    command = ServeDemo(stdout=io.StringIO())
    command.addr, command._raw_ipv6, command.protocol = addr, False, "http"
    command.on_bind(8101)
    out = command.stdout._out.getvalue()
    assert out.index("Starting development server") < out.index("Log in at")
    assert f"Log in at http://{shown}:8101/accounts/login/" in out
    assert out.rstrip().splitlines()[-1].startswith("  admin@demo.wasl.ma")


def test_make_run_checks_pdf_libraries_before_serving_and_make_test_says_why_tests_skip():
    run = _make_target("run")
    checks = [i for i, line in enumerate(run) if "manage.py pdf_check" in line]
    assert checks and run[checks[0]].startswith("-")  # says so, and serving goes on
    assert "manage.py serve_demo $(HOST):$(PORT)" in run[-1] and checks[0] < len(run) - 1
    assert any("pytest" in line and "-rs" in line.split() for line in _make_target("test"))


def test_pdf_check_says_plainly_which_libraries_are_missing(monkeypatch):
    def missing():
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(system, "_make_a_pdf", missing)
    with pytest.raises(CommandError) as refused:
        call_command("pdf_check")
    message = str(refused.value)
    assert refused.value.returncode == 1
    for needed in (
        "Pango",
        "HarfBuzz",
        "libpango-1.0-0",
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
    ):
        assert needed in message
    for library in ("Pango", "HarfBuzz", "fontconfig"):
        assert library in (BASE / "README.md").read_text().split("## Architecture")[0]


def test_pdf_check_passes_where_the_libraries_are_installed():
    out = io.StringIO()
    call_command("pdf_check", stdout=out)
    assert "installed" in out.getvalue()


def test_absolute_links_follow_the_address_served_on(settings):
    settings.WASL_BASE_URL = ""
    assert absolute_url("/me/") == "http://127.0.0.1:8000/me/"  # outside a request
    with serving_origin("http://127.0.0.1:8101"):
        assert verify_url("abc") == "http://127.0.0.1:8101/verify/abc"  # the QR code on a PDF
    settings.WASL_BASE_URL = "https://wasl.example.ma/"
    with serving_origin("http://127.0.0.1:8101"):
        assert verify_url("abc") == "https://wasl.example.ma/verify/abc"  # production fixes it


def test_an_invitation_emailed_while_serving_on_another_port_links_to_that_port(
    tenant_a, settings, django_capture_on_commit_callbacks
):
    settings.WASL_BASE_URL = ""
    client = Client(HTTP_HOST="127.0.0.1:8101")
    client.force_login(tenant_a.president)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("associations:invitation_create", kwargs={"association_slug": tenant_a.association.slug}),
            {"email": "new@example.ma", "kind": "member"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert f"http://127.0.0.1:8101/a/{tenant_a.association.slug}/invitations/accept/" in message.body
