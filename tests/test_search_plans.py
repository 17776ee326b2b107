"""Search under row-level security (PostgreSQL): the planner may use the trigram index for a name
search and the phone index for a phone, as the application role, inside a tenant's scope.

Plans only (figures: bench/search_rls.py), on 3,000 members, sequential scans switched off: the
question is which index the planner may use under the policy, not whether the table is small."""

import pytest
from django.db import connection

from associations.tenancy import association_scope
from members import selectors

pytestmark = pytest.mark.postgres


SIZE = 3000


@pytest.fixture
def register(tenant_a):
    from members.models import Member
    from members.text import member_search_text

    first = ["Amina", "Youssef", "Fatima", "Omar"]
    last, last_ar = ["Alaoui", "Tazi", "Bennani", "Idrissi"], ["العلوي", "التازي", "بناني", "الإدريسي"]
    with association_scope(tenant_a.association):
        rows = []
        for i in range(SIZE):
            member = Member(
                number=1000 + i,
                first_name_latin=first[i % 4] if i % 500 else "Zaynebqx",
                last_name_latin=last[(i // 4) % 4],
                first_name_ar="يوسف" if i % 4 == 1 else "سلمى",
                last_name_ar=last_ar[(i // 4) % 4],
                phone=f"+2126{20000000 + i * 13:08d}",
            )
            member.search_text = member_search_text(member)
            rows.append(member)
        Member.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")
    return tenant_a.association


def explain(association, query: str) -> str:
    with association_scope(association):
        sql, params = selectors.member_search(query=query).query.sql_with_params()
        with connection.cursor() as cursor:
            # A test table is small enough to read whole; the question is which index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())


def textlike_is_leakproof() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT proleakproof FROM pg_proc WHERE proname = 'textlike'")
        return cursor.fetchone()[0]


def test_the_application_role_is_bound_by_row_level_security(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is False  # else these plans would say nothing about RLS


def test_name_search_uses_the_trigram_index_under_row_level_security(register):
    if not textlike_is_leakproof():
        pytest.skip("textlike is not LEAKPROOF here: run deploy/postgres/database.sql as a superuser")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'member_search_trgm'")
        assert cursor.fetchone(), "migration members.0006 creates the index where pg_trgm exists"
        # Inside the test's transaction (rolled back): leave the trigram index the only one that
        # could avoid reading the whole table. It can only if the planner may evaluate the LIKE
        # before the tenant policy, i.e. if textlike is LEAKPROOF; else the plan is a scan.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' deferred checks, now
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'members_member'::regclass AND contype = 'u'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE members_member DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'members_member' "
            "AND indexname NOT IN ('members_member_pkey', 'member_search_trgm')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
    for query in ("zaynebqx", "alaoui zaynebqx", "zaynebqx التازي"):
        plan = explain(register, query)
        assert "member_search_trgm" in plan, plan


def test_phone_search_is_a_range_of_the_phone_index(register):
    for query in (f"06{20000000 + 700 * 13:08d}", "06 2000 91"):
        plan = explain(register, query)
        assert "member_phone" in plan and "~~" not in plan, plan
