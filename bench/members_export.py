"""Export of the member register (CSV and XLSX) at scale: 200,000 members by default, generated
with members_scale.populate. Runs the export the way the code base in this folder does it: as a
background job (job_start → the members.export kind, Celery eager) when members/exports.py
exists, else through the old request (GET /a/<slug>/members/export/), so the same script measures
before and after.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/members_export.py
    BENCH_SIZE=50000 .venv/bin/python bench/members_export.py          # SQLite, smaller

Creates and drops its own test database.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", "200000"))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_as_job(association, president, file_format: str) -> tuple[float, int]:
    from django.utils import translation

    from associations.tenancy import association_scope
    from documents.files import private_storage
    from jobs.models import Job
    from members.exports import member_export_start

    with association_scope(association), translation.override("fr"):
        job = member_export_start(actor=president, role_kind="president", filters={}, file_format=file_format)
    with association_scope(association):
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, (job.status, job.error_message)
        return job.progress_done, private_storage().size(job.result_file)


def export_by_request(association, president, file_format: str) -> tuple[float, int]:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(president)
    response = client.get(f"/a/{association.slug}/members/export/", {"format": file_format})
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return SIZE, len(content)


def main() -> None:
    from members_scale import populate

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory

        as_job = Path(__file__).resolve().parent.parent.joinpath("members", "exports.py").exists()
        association = AssociationFactory(slug="bench-export")
        president = UserFactory()
        RoleFactory(association=association, user=president)
        start = time.perf_counter()
        populate(association, president, SIZE)
        print(
            f"{connection.vendor}; {SIZE:,} members (generated in {time.perf_counter() - start:.0f} s); "
            f"export {'as a background job' if as_job else 'inside the request'}, CIN column included"
        )
        for file_format in ("csv", "xlsx"):
            start, cpu = time.perf_counter(), time.process_time()
            rows, size = (export_as_job if as_job else export_by_request)(association, president, file_format)
            print(
                f"  {file_format}: {time.perf_counter() - start:6.1f} s wall, {time.process_time() - cpu:6.1f} s CPU, "
                f"{rows:,} rows, {size / 1024 / 1024:.1f} MiB file, process peak RSS so far {rss_mib():.0f} MiB"
            )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
