"""Associations at national scale (250,000): the look-alike name check run at every registration,
the public directory (first page, a search) with its verified badge and ordering, and the admin
list with its look-alike flag (all rows, and filtered to look-alikes only).

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/association_directory.py

Creates and drops its own test database. BENCH_SIZE=250000 and BENCH_RUNS=20 by default; one
association in 500 is a look-alike of another, one in 10 unverified.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", "250000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WORDS_FR = ["Amal", "Annour", "Tifawin", "Assafa", "Ennakhil", "Al Waha", "Attawasoul", "Essalam"]
WORDS_AR = ["الأمل", "النور", "تيفاوين", "الصفاء", "النخيل", "الواحة", "التواصل", "السلام"]


def timed(action) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def populate(size: int) -> None:
    from django.utils import timezone

    from associations.models import Association, Province, Region, Sector
    from associations.text import name_key, normalise_for_search

    region = Region.objects.get(code="MA-06")
    province = Province.objects.filter(region=region).first()
    sector = Sector.objects.get(code="ICNPO-02")
    now = timezone.now()
    batch = []
    for i in range(size):
        n = i - 1 if i % 500 == 1 else i  # every 500th pair shares its names
        word = n % len(WORDS_FR)
        name_fr = f"Association {WORDS_FR[word]} du quartier {n}"
        name_ar = f"جمعية {WORDS_AR[word]} للحي {n}"
        batch.append(
            Association(
                slug=f"a{i}",
                name_ar=name_ar,
                name_fr=name_fr,
                region=region,
                province=province,
                sector=sector,
                search_text=normalise_for_search(f"{name_ar} {name_fr}"),
                name_ar_key=name_key(name_ar),
                name_fr_key=name_key(name_fr),
                verified_at=None if i % 10 == 0 else now,
            )
        )
        if len(batch) == 5000:
            Association.objects.bulk_create(batch)
            batch = []
    Association.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE associations_association")


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.selectors import associations_with_similar_names
        from associations.tests.factories import UserFactory

        start = time.perf_counter()
        populate(SIZE)
        print(f"{SIZE} associations created in {time.perf_counter() - start:.1f} s ({connection.vendor})")

        def check_new_name():
            list(associations_with_similar_names(name_ar="جمعية الأمل للحي 777", name_fr="Nouvelle")[:5])

        def check_look_alike():
            found = list(
                associations_with_similar_names(
                    name_ar="جمعيه امل للحي 1000", name_fr="ASSOCIATION AMAL DU QUARTIER 1000"
                )[:5]
            )
            assert found, "the look-alike was not found"

        client = Client(headers={"Accept-Language": "fr"})
        admin = Client(headers={"Accept-Language": "fr"})
        admin.force_login(UserFactory(is_staff=True, is_superuser=True))

        def page(c, url, params=None):
            def run():
                response = c.get(url, params or {})
                assert response.status_code == 200, response.status_code

            return run

        cases = [
            ("look-alike check, no match", check_new_name),
            ("look-alike check, a match", check_look_alike),
            ("directory, first page", page(client, "/")),
            ("directory, search 'amal'", page(client, "/", {"q": "amal"})),
            ("admin list, first page", page(admin, "/admin/associations/association/")),
            (
                "admin list, look-alikes only",
                page(admin, "/admin/associations/association/", {"similar": "yes"}),
            ),
            (
                "admin list, unverified only",
                page(admin, "/admin/associations/association/", {"verified": "no"}),
            ),
        ]
        for label, action in cases:
            median, p95 = timed(action)
            print(f"  {label:32} median {median:8.1f} ms   p95 {p95:8.1f} ms")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
