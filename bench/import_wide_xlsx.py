"""Hostile member lists through the upload and mapping pages: time and peak memory.

    .venv/bin/python bench/import_wide_xlsx.py
    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/import_wide_xlsx.py

Builds, in memory, the files of issue 7 item 5 and sends each through the real views (Django test
client, full middleware stack): the upload (POST: checks, parses and keeps the file), then the
column-mapping page (GET, three times). For each step it prints the wall time, the growth of the
process's peak resident memory during the step (ru_maxrss, its high-water mark reset before each
step through /proc/self/clear_refs), and the size of the answer.

- wide: an XLSX of 10,000 rows with three ordinary columns and a cell in column XFD (16,384) on
  every row, as openpyxl writes it;
- shared: an XLSX of a few hundred KB whose one shared string is BENCH_SHARED_MB (300) MB;
- inline: the same, the string written in the sheet itself (an inline string);
- csv: a CSV whose header and one row have 60,000 columns;
- formatted: the wide rows with an empty, formatted cell in XFD instead of a value (accepted);
- plain: the same 10,000 rows without column XFD (accepted), for comparison.

BENCH_FILES=wide,formatted,shared,inline,csv,plain chooses the files; BENCH_TRACEMALLOC=1 adds the peak of Python
allocations (a second, slower run of each step). Creates and drops its own test database.
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

from members.tests.spreadsheets import (  # noqa: E402
    xlsx_with_inline_string,
    xlsx_with_openpyxl,
    xlsx_with_shared_strings,
)

FILES = os.environ.get("BENCH_FILES", "wide,formatted,shared,inline,csv,plain").split(",")
SHARED_MB = int(os.environ.get("BENCH_SHARED_MB", "300"))
TRACEMALLOC = os.environ.get("BENCH_TRACEMALLOC") == "1"
ROWS = 10_000


def wide_xlsx() -> bytes:
    rows = [["Nom", "Prénom", "Téléphone"]] + [[f"Nom{i}", "Karim", f"06{i:08d}"] for i in range(ROWS)]
    return xlsx_with_openpyxl(rows, far_cell=16_384)


def plain_xlsx() -> bytes:
    rows = [["Nom", "Prénom", "Téléphone"]] + [[f"Nom{i}", "Karim", f"06{i:08d}"] for i in range(ROWS)]
    return xlsx_with_openpyxl(rows)


def formatted_xlsx() -> bytes:
    """The same rows, with an empty but formatted cell in column XFD on each: accepted, and the
    sheet declares itself A1:XFD10001, which made the old reader pad every row to 16,384 cells."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Téléphone"])
    for i in range(ROWS):
        sheet.append([f"Nom{i}", "Karim", f"06{i:08d}"])
        sheet.cell(row=i + 2, column=16_384).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shared_string_xlsx() -> bytes:
    return xlsx_with_shared_strings(
        [["Nom", "Prénom"], ["BIG", "Karim"], ["Alaoui", "Salma"]], huge_string_bytes=SHARED_MB * 1024 * 1024
    )


def inline_string_xlsx() -> bytes:
    return xlsx_with_inline_string(
        [["Nom", "Prénom"], ["BIG", "Karim"], ["Alaoui", "Salma"]], huge_string_bytes=SHARED_MB * 1024 * 1024
    )


def wide_csv() -> bytes:
    header = ";".join(["Nom", "Prénom"] + [f"c{i}" for i in range(60_000 - 2)])
    row = ";".join(["Alaoui", "Karim"] + ["x"] * (60_000 - 2))
    return (header + "\n" + row + "\n").encode("utf-8")


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def measure(step):
    """(seconds, peak RSS growth in MB, peak Python allocation in MB or None, result) of step()."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset the high-water mark of resident memory
    before = _rss_kb()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    python_peak = None
    if TRACEMALLOC:
        tracemalloc.start()
        step()
        python_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return seconds, growth, python_peak, result


def _line(label, seconds, growth, python_peak, response) -> str:
    size = len(response.content) / 1024 if response.status_code != 302 else 0
    extra = f"  python {python_peak:8.1f} MB" if python_peak is not None else ""
    page = f", {size:,.0f} KB page" if size else ""
    return (
        f"  {label:11} {seconds:7.2f} s  peak RSS +{growth:7.1f} MB{extra}  -> {response.status_code}{page}"
    )


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
        from members.models import MemberImport

        association = AssociationFactory(slug="bench-wide")
        president = UserFactory()
        RoleFactory(association=association, user=president)
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(president)
        base = f"/a/{association.slug}/members/import/"
        builders = {
            "wide": ("wide.xlsx", wide_xlsx, "XLSX, 10,000 rows, a cell in column XFD on each"),
            "formatted": (
                "formatted.xlsx",
                formatted_xlsx,
                "XLSX, 10,000 rows, an empty formatted cell in XFD on each",
            ),
            "plain": ("plain.xlsx", plain_xlsx, "XLSX, 10,000 ordinary rows (accepted)"),
            "shared": ("shared.xlsx", shared_string_xlsx, f"XLSX, one {SHARED_MB} MB shared string"),
            "inline": (
                "inline.xlsx",
                inline_string_xlsx,
                f"XLSX, one {SHARED_MB} MB inline string in the sheet",
            ),
            "csv": ("wide.csv", wide_csv, "CSV, 60,000 columns"),
        }
        print(f"{connection.vendor}; upload (POST) then the mapping page (GET) through the full Django stack")
        for key in FILES:
            name, build, label = builders[key]
            content = build()
            print(f"\n{label}: {len(content) / 1024:,.0f} KB")

            def upload(name=name, content=content):
                return client.post(base, {"file": SimpleUploadedFile(name, content)})

            seconds, growth, python_peak, response = measure(upload)
            print(_line("upload", seconds, growth, python_peak, response))
            if response.status_code == 400:
                text = response.content.decode()
                start = text.find("alert-danger")
                print("  refused:", text[text.find(">", start) + 1 : text.find("</div>", start)].strip())
                continue
            with association_scope(association):
                member_import = MemberImport.objects.latest("created_at")
            page_url = f"{base}{member_import.pk}/"
            for attempt in range(1, 4):
                seconds, growth, python_peak, page = measure(lambda page_url=page_url: client.get(page_url))
                print(_line(f"map page #{attempt}", seconds, growth, python_peak, page))
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
