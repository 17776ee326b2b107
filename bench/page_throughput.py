"""Throughput of the workspace pages as a ratio of an empty page, measured in one run: an empty
view behind the same middleware, the member list (first page, a search), a member's page, the
association's home and /me/, for a president of an association of BENCH_SIZE members (10,000).

    .venv/bin/python bench/page_throughput.py                                   # SQLite
    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/page_throughput.py
    BENCH_PROFILE=1 .venv/bin/python bench/page_throughput.py                   # + where the list page's CPU goes

Requests go through the Django test client (the whole middleware stack, request signals included,
so DATABASE_CONN_MAX_AGE=0 reconnects on every request as a server would). Each page is requested
for BENCH_SECONDS (3) after a warm-up; the figure is requests per second, then the ratio to the
empty page and the statements each request sent. Creates and drops its own test database.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))


def empty(request):
    return HttpResponse("")


def throughput(client, url, params=None) -> tuple[float, float, int]:
    for _ in range(5):
        assert client.get(url, params or {}).status_code == 200
    statements = []  # (CaptureQueriesContext would be emptied by the request_started signal)
    with connection.execute_wrapper(
        lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)
    ):
        client.get(url, params or {})
    samples, deadline = [], time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        client.get(url, params or {})
        samples.append(time.perf_counter() - start)
    return len(samples) / sum(samples), statistics.median(samples) * 1000, len(statements)


def main() -> None:
    from members_scale import populate

    import config.urls

    config.urls.urlpatterns.insert(0, path("bench-empty/", empty))
    clear_url_caches()
    setup_test_environment()
    # ... without the test runner's instrumented template rendering, which copies every context
    # for assertions and would be most of what is measured.
    from django.template import Template
    from django.test import utils

    Template._render = utils._TestState.saved_data.template_render
    db_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory

        association = AssociationFactory(slug="bench-pages")
        president = UserFactory()
        RoleFactory(association=association, user=president)
        for _ in range(3):  # a person in a few associations, as officers often are
            RoleFactory(association=AssociationFactory(), user=president, kind="member")
        populate(association, president, SIZE)
        from associations.tenancy import association_scope
        from members.models import Member

        with association_scope(association):
            member_id = Member.objects.order_by("number").values_list("id", flat=True)[SIZE // 2]
        client = Client(headers={"Accept-Language": "fr"})
        client.force_login(president)
        base = f"/a/{association.slug}/"
        pages = [
            ("empty page (same middleware)", "/bench-empty/", None),
            ("member list, first page", f"{base}members/", None),
            ("member list, search 'alaoui'", f"{base}members/", {"q": "alaoui"}),
            ("member page", f"{base}members/{member_id}/", None),
            ("association home", base, None),
            ("/me/", "/me/", None),
        ]
        print(
            f"{connection.vendor}; {SIZE:,} members; CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}; "
            f"{SECONDS:.0f} s per page"
        )
        print(f"  {'page':34} {'req/s':>7} {'median ms':>10} {'× empty':>8} {'statements':>10}")
        reference = None
        for label, url, params in pages:
            rate, median, statements = throughput(client, url, params)
            reference = reference or rate
            print(f"  {label:34} {rate:7.0f} {median:10.1f} {rate / reference:8.2f} {statements:10}")
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                client.get(f"{base}members/")
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(
                30
            )
    finally:
        teardown_databases(db_config, verbosity=0)


if __name__ == "__main__":
    main()
