"""Member register at scale: list page times (first page, a late page, searches) for associations
of 10,000 and 100,000 members, and the time to import 10,000 rows.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench .venv/bin/python bench/members_scale.py

Creates and drops its own test database. BENCH_SIZES=10000,100000 and BENCH_RUNS=20 by default.
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

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
LAST = ["Alaoui", "Bennani", "Chraibi", "Idrissi", "Tazi", "Berrada", "El Fassi", "Ouazzani"]
LAST_AR = ["العلوي", "بناني", "الشرايبي", "الإدريسي", "التازي", "برادة", "الفاسي", "الوزاني"]


def timed(client, url, params=None) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, params or {})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def populate(association, president, size: int) -> None:
    from associations.tenancy import association_scope
    from members.models import Member, MemberNumberCounter
    from members.text import member_search_text

    with association_scope(association):
        batch = []
        for i in range(1, size + 1):
            member = Member(
                number=i,
                first_name_latin=f"Prenom{i}",
                last_name_latin=LAST[i % 8],
                first_name_ar="أمينة",
                last_name_ar=LAST_AR[i % 8],
                phone=f"+2126{10000000 + i:08d}",
                status="active" if i % 10 else "resigned",
            )
            member.search_text = member_search_text(member)
            batch.append(member)
            if len(batch) == 5000:
                Member.objects.bulk_create(batch)
                batch = []
        Member.objects.bulk_create(batch)
        MemberNumberCounter.objects.create(last_number=size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE members_member")


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
        from members.importing import import_members, read_table
        from members.selectors import _encode

        print(
            f"{connection.vendor}; {RUNS} requests per figure (median / p95, ms, through the full Django stack)"
        )
        for size in SIZES:
            association = AssociationFactory(slug=f"bench-{size}")
            president = UserFactory()
            RoleFactory(association=association, user=president)
            start = time.perf_counter()
            populate(association, president, size)
            print(f"\n{size:,} members (generated in {time.perf_counter() - start:.0f} s)")
            client = Client(headers={"Accept-Language": "fr"})
            client.force_login(president)
            url = f"/a/{association.slug}/members/"
            with association_scope(association):
                from members.models import Member

                late = Member.objects.order_by("number").values_list("number", "id")[size - 100]
            for label, params in (
                ("first page", {}),
                ("late page (cursor near the end)", {"cursor": _encode(list(late))}),
                ("search 'alaoui' (1 in 8)", {"q": "alaoui"}),
                ("search Arabic 'العلوي'", {"q": "العلوي"}),
                ("search a phone number", {"q": f"06{10000000 + size // 2:08d}"}),
                ("search rare name, late match", {"q": f"prenom{size - 3}"}),
            ):
                median, p95 = timed(client, url, params)
                print(f"  {label:34} {median:8.1f} / {p95:8.1f}")

        association = AssociationFactory(slug="bench-import")
        president = UserFactory()
        RoleFactory(association=association, user=president)
        lines = ["N°;Nom;Prénom;Téléphone"] + [
            f"{i};{LAST[i % 8]};Prenom{i};06{20000000 + i:08d}" for i in range(1, 10001)
        ]
        content = "\n".join(lines).encode("utf-8")
        with association_scope(association):
            table = read_table(content)
            mapping = {"0": "number", "1": "last_name_latin", "2": "first_name_latin", "3": "phone"}
            start = time.perf_counter()
            report = import_members(actor=president, table=table, mapping=mapping, dry_run=False)
            elapsed = time.perf_counter() - start
        print(
            f"\nimport of 10,000 rows: {elapsed:.1f} s ({report.created} created, {report.error_count} errors)"
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
