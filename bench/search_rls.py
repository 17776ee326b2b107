"""Member search under row-level security at 100,000 members (PostgreSQL, as the application role).

Prints, for each search the register runs (names in Latin and Arabic script, one word and two in
either order, a rare name, a phone number whole and by its beginning), the EXPLAIN ANALYZE plan of
the query the member list sends, inside the association's scope, as `wasl_app`, and the median of
the whole list page (20 requests, through Django).

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_speed .venv/bin/python bench/search_rls.py

Creates and drops its own test database, from template1 (where deploy/postgres/database.sql
declares textlike LEAKPROOF). BENCH_TEMPLATE=template0 builds it from a template without that
declaration: the plans PostgreSQL makes where the superuser step was not run (the degraded case).
BENCH_SIZE=100000, BENCH_RUNS=20 by default.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django
from django.conf import settings

TEMPLATE = os.environ.get("BENCH_TEMPLATE", "")
if TEMPLATE:
    settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = TEMPLATE
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

SIZE = int(os.environ.get("BENCH_SIZE", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
FIRST = ["Amina", "Youssef", "Fatima", "Mohamed", "Khadija", "Omar", "Salma", "Hamza"]
FIRST_AR = ["أمينة", "يوسف", "فاطمة", "محمد", "خديجة", "عمر", "سلمى", "حمزة"]
LAST = ["Alaoui", "Bennani", "Chraibi", "Idrissi", "Tazi", "Berrada", "El Fassi", "Ouazzani"]
LAST_AR = ["العلوي", "بناني", "الشرايبي", "الإدريسي", "التازي", "برادة", "الفاسي", "الوزاني"]


def populate(association, size: int) -> None:
    from associations.tenancy import association_scope
    from members.models import Member, MemberNumberCounter
    from members.text import member_search_text

    with association_scope(association):
        batch = []
        for i in range(1, size + 1):
            member = Member(
                number=i,
                first_name_latin=FIRST[i % 8] if i % 1000 else f"Rare{i}",
                last_name_latin=LAST[(i // 8) % 8],
                first_name_ar=FIRST_AR[i % 8],
                last_name_ar=LAST_AR[(i // 8) % 8],
                phone=f"+2126{10000000 + i * 7:08d}",
                status="active" if i % 10 else "resigned",
            )
            member.search_text = member_search_text(member)
            batch.append(member)
            if len(batch) == 5000:
                Member.objects.bulk_create(batch)
                batch = []
        Member.objects.bulk_create(batch)
        MemberNumberCounter.objects.create(last_number=size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")


def plan(association, query: str) -> tuple[str, str]:
    from django.db.models import F

    from associations.tenancy import association_scope
    from members.selectors import PAGE_SIZE, member_search

    with association_scope(association):
        members = member_search(query=query).order_by(F("number").asc(nulls_last=True), "id")[: PAGE_SIZE + 1]
        sql, params = members.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
    return sql, "\n".join(lines)


def page_median(client, url, query) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, {"q": query})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory

        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, proleakproof FROM pg_proc WHERE proname = 'textlike'")
            user, leakproof = cursor.fetchone()
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_member' ORDER BY 1")
            indexes = [row[0] for row in cursor.fetchall()]
        association = AssociationFactory(slug="bench-search")
        president = UserFactory()
        RoleFactory(association=association, user=president)
        start = time.perf_counter()
        populate(association, SIZE)
        print(
            f"PostgreSQL as {user}; textlike LEAKPROOF: {leakproof}; {SIZE:,} members in one association "
            f"(generated in {time.perf_counter() - start:.0f} s)\nindexes on members_member: {', '.join(indexes)}"
        )
        client = Client(headers={"Accept-Language": "fr"})
        client.force_login(president)
        url = f"/a/{association.slug}/members/"
        for label, query in (
            ("one word, 1 in 8", "alaoui"),
            ("two words", "alaoui amina"),
            ("two words, other order", "amina alaoui"),
            ("Arabic, two words", "التازي يوسف"),
            ("a rare name", f"rare{SIZE - 1000}"),
            ("a phone number, whole", f"06{10000000 + (SIZE // 2) * 7:08d}"),
            ("a phone number, its beginning", "06 1003"),
        ):
            _sql, text = plan(association, query)
            print(
                f"\n=== {label}: {query!r}   (list page, median of {RUNS}: {page_median(client, url, query):.1f} ms)"
            )
            print(text)
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
