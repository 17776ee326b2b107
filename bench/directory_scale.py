"""The public directory at 6 and at 20,000 associations, measured in one run: requests per second
of the first page, a late page and a search, and the ratio of each to the same page at 6.

    .venv/bin/python bench/directory_scale.py                                   # SQLite
    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/directory_scale.py

A late page is the page that starts at the 15,000th association: `?cursor=` (keyset) where the
directory has one, `?page=750` where it still pages by number. Each figure is BENCH_SECONDS (3) of
requests through the test client after a warm-up. Creates and drops its own test database.
"""

import os
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

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "6,20000").split(",")]


def populate(start: int, end: int) -> None:
    """Associations start..end-1 (bench/association_directory.py's names: one in 500 a look-alike,
    one in 10 unverified)."""
    from association_directory import WORDS_AR, WORDS_FR
    from django.utils import timezone

    from associations.models import Association, Province, Region, Sector
    from associations.text import name_key, normalise_for_search

    region = Region.objects.get(code="MA-06")
    province = Province.objects.filter(region=region).first()
    sector = Sector.objects.get(code="ICNPO-02")
    now, batch = timezone.now(), []
    for i in range(start, end):
        n = i - 1 if i % 500 == 1 else i
        name_fr = f"Association {WORDS_FR[n % 8]} du quartier {n}"
        name_ar = f"جمعية {WORDS_AR[n % 8]} للحي {n}"
        batch.append(
            Association(
                slug=f"a{i}", name_ar=name_ar, name_fr=name_fr, region=region, province=province,
                sector=sector, search_text=normalise_for_search(f"{name_ar} {name_fr}"),
                name_ar_key=name_key(name_ar), name_fr_key=name_key(name_fr),
                verified_at=None if i % 10 == 0 else now,
            )
        )  # fmt: skip
    Association.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE associations_association")


def rate(client, params) -> float:
    for _ in range(3):
        assert client.get("/", params).status_code == 200
    count, spent, deadline = 0, 0.0, time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        client.get("/", params)
        spent += time.perf_counter() - start
        count += 1
    return count / spent


def late_page_params(size: int) -> dict:
    from associations import selectors

    if not hasattr(selectors, "directory_page"):
        return {"page": max(1, size * 3 // 4 // 20)}
    before = selectors.association_directory()[max(0, size * 3 // 4 - 1)]
    return {"cursor": selectors._directory_cursor_encode(before)}


def main() -> None:
    from django.core.cache import cache
    from django.template import Template
    from django.test import utils

    setup_test_environment()
    Template._render = utils._TestState.saved_data.template_render  # not the tests' instrumented one
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        client = Client(headers={"Accept-Language": "fr"})
        figures: dict[str, list[float]] = {}
        print(f"{connection.vendor}; {SECONDS:.0f} s of requests per figure")
        made = 0
        for size in SIZES:
            populate(made, size)  # bulk inserts: no signal, so the cached counts are cleared by hand
            made = size
            cache.clear()
            for label, params in (
                ("first page", {}),
                ("late page", late_page_params(size)),
                ("search 'amal'", {"q": "amal"}),
                ("search 'amal quartier 17'", {"q": "amal quartier 17"}),
            ):
                figures.setdefault(label, []).append(rate(client, params))
        print(f"  {'page':28}" + "".join(f"{size:>12,}" for size in SIZES) + "   ratio")
        for label, rates in figures.items():
            print(
                f"  {label:28}" + "".join(f"{r:10.0f}/s" for r in rates) + f"   {rates[-1] / rates[0]:5.2f}"
            )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
