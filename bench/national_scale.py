"""The ministry's roll-ups at national scale, on PostgreSQL.

    BENCH_SIZES=2000,10000,50000 .venv/bin/python bench/national_scale.py

For each size (associations; BENCH_MEMBERS members each on average, 48 by default = 12,000,000 at
250,000): (re)creates the database `wasl_ministry` as the owner role, migrates it, loads the
associations, their members (status, sex, birth date spread) and one posted dues entry for one in
three associations with COPY, then as the application role (`wasl_app`, row-level security on):

- `rebuild()` (the full roll-up), its time and the rows it writes;
- 1,000 changes (a member admitted through the service in 1,000 associations), then one
  `refresh_dirty()` sweep: how long until every change shows;
- the dashboard, national / a region / a province: median and p95 over BENCH_RUNS requests.

The load runs as the owner with FORCE ROW LEVEL SECURITY lifted for the COPY only (restored after).
Drops the database at the end unless BENCH_KEEP=1.
"""

import io
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1:5432"
DB = os.environ.get("BENCH_DB", "wasl_ministry")
OWNER_URL = f"postgres://wasl_owner:wasl_owner@{HOST}/{DB}"
APP_URL = f"postgres://wasl_app:wasl_app@{HOST}/{DB}"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "2000,10000,50000").split(",")]
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "48"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
CHANGES = int(os.environ.get("BENCH_CHANGES", "1000"))


def psql(sql: str, db: str = "postgres") -> None:
    env = {**os.environ, "PGPASSWORD": "wasl_owner"}
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "wasl_owner", "-d", db, "-c", sql], check=True, env=env
    )


def manage(*args, url=OWNER_URL) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


TEMPLATE = f"{DB}_tpl"


def fresh_database() -> None:
    """A migrated template is made once (migrating takes minutes on a loaded machine); each size
    starts from a copy of it. wasl_app gets data rights only, as deploy/postgres/database.sql says."""
    env = {**os.environ, "PGPASSWORD": "wasl_owner"}
    exists = subprocess.run(
        ["psql", "-Atq", "-h", "127.0.0.1", "-U", "wasl_owner", "-d", "postgres", "-c",
         f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE}'"],
        check=True, env=env, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        psql(f"CREATE DATABASE {TEMPLATE} OWNER wasl_owner")
        psql(
            "ALTER DEFAULT PRIVILEGES FOR ROLE wasl_owner IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wasl_app; "
            "ALTER DEFAULT PRIVILEGES FOR ROLE wasl_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO wasl_app",
            db=TEMPLATE,
        )
        manage("migrate", "-v", "0", url=f"postgres://wasl_owner:wasl_owner@{HOST}/{TEMPLATE}")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB} OWNER wasl_owner TEMPLATE {TEMPLATE}")


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows into `table`; NOT NULL columns not given get their type's empty value."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    fill = {}
    for name, data_type, nullable, _default in cursor.fetchall():
        if name in columns or name == "id" or nullable == "YES":
            continue
        fill[name] = {
            "boolean": "f",
            "jsonb": "{}",
            "json": "{}",
            "date": "2020-01-01",
            "timestamp with time zone": "2020-01-01 00:00:00+00",
        }.get(data_type, "0" if data_type in ("integer", "bigint", "smallint", "numeric") else "")
    all_columns = columns + list(fill)
    extra = "\t".join(fill.values())
    buffer = io.StringIO()
    n = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        if extra:
            buffer.write("\t" + extra)
        buffer.write("\n")
        n += 1
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(all_columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return n


def load(size: int) -> dict:
    import psycopg

    rng = random.Random(size)
    timings = {}
    with psycopg.connect(f"host=127.0.0.1 dbname={DB} user=wasl_owner password=wasl_owner") as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, region_id FROM associations_province")
        provinces = cur.fetchall()
        cur.execute("SELECT id FROM associations_sector")
        sectors = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id, code FROM associations_region")
        tables = ["members_member", "members_membernumbercounter", "finance_account", "finance_fiscalyear", "finance_journal", "finance_entry",
                  "finance_entryline"]  # fmt: skip
        for table in tables:
            cur.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        started = time.perf_counter()
        assoc_rows = []
        for i in range(1, size + 1):
            province, region = provinces[rng.randrange(len(provinces))]
            assoc_rows.append(
                (
                    i,
                    f"bench-{i}",
                    f"جمعية {i}",
                    f"Association {i}",
                    region,
                    province,
                    sectors[rng.randrange(len(sectors))],
                    "t",
                    "declared",
                    "local",
                    15,
                    50,
                    3,
                    1,
                    1,
                )
            )
        copy_rows(cur, "associations_association",
                  ["id", "slug", "name_ar", "name_fr", "region_id", "province_id", "sector_id", "is_active",
                   "legal_status", "reach", "ga_notice_days", "ga_quorum_percent", "board_term_years",
                   "max_proxies_per_holder", "fiscal_year_start_month"], assoc_rows)  # fmt: skip
        timings["associations_s"] = time.perf_counter() - started
        started = time.perf_counter()
        statuses = ["active"] * 80 + ["suspended"] * 5 + ["resigned"] * 10 + ["applicant"] * 5
        today = date.today()

        last_numbers = {}

        def members():
            member_id = 0
            for association in range(1, size + 1):
                count = max(1, int(rng.expovariate(1 / MEMBERS)))
                last_numbers[association] = count
                for number in range(1, count + 1):
                    member_id += 1
                    born = (
                        today - timedelta(days=rng.randrange(15 * 365, 85 * 365))
                        if rng.random() < 0.9
                        else None
                    )
                    yield (member_id, association, number, rng.choice("FM") if rng.random() < 0.95 else "",
                           born, rng.choice(statuses), today, f"Prenom{member_id}", "Nom")  # fmt: skip

        count = copy_rows(cur, "members_member",
                          ["id", "association_id", "number", "gender", "birth_date", "status", "status_since",
                           "first_name_latin", "last_name_latin"], members())  # fmt: skip
        timings["members"] = count
        copy_rows(cur, "members_membernumbercounter", ["id", "association_id", "last_number"],
                  ((a, a, n) for a, n in last_numbers.items()))  # fmt: skip
        timings["members_s"] = time.perf_counter() - started
        started = time.perf_counter()
        booked = list(range(1, size + 1, 3))
        year_start = date(today.year, 1, 1)
        copy_rows(cur, "finance_account", ["id", "association_id", "code", "name_ar", "name_fr", "account_class",
                  "nature", "role", "origin"],
                  [row for a in booked for row in ((a, a, "7152", "اشتراكات", "Cotisations", 7, "income", "dues", "core"),
                   (size + a, a, "5161", "الصندوق", "Caisse", 5, "asset", "cash", "core"))])  # fmt: skip
        copy_rows(cur, "finance_fiscalyear", ["id", "association_id", "start_date", "end_date", "status"],
                  ((a, a, year_start, date(today.year, 12, 31), "open") for a in booked))  # fmt: skip
        copy_rows(cur, "finance_journal", ["id", "association_id", "code", "name_ar", "name_fr", "kind"],
                  ((a, a, "OD", "عمليات", "Opérations diverses", "operations") for a in booked))  # fmt: skip
        copy_rows(cur, "finance_entry", ["id", "association_id", "journal_id", "fiscal_year_id", "date", "status",
                  "kind", "number", "label", "chain_index"],
                  ((a, a, a, a, today, "posted", "standard", 1, "Cotisations", 1) for a in booked))  # fmt: skip
        # Lines of a posted entry are frozen by a trigger: lifted for the load only (owner), restored.
        cur.execute("ALTER TABLE finance_entryline DISABLE TRIGGER USER")
        amounts = {a: f"{rng.randrange(100, 20000)}.00" for a in booked}
        # The lines carry copies of their entry's year, date, status and kind (checked at commit).
        copy_rows(cur, "finance_entryline", ["id", "association_id", "entry_id", "account_id", "debit", "credit",
                  "fiscal_year_id", "date", "entry_status", "entry_kind"],
                  [row for a in booked for row in ((a, a, a, a, "0.00", amounts[a], a, today, "posted", "standard"),
                                                   (size + a, a, a, size + a, amounts[a], "0.00", a, today, "posted",
                                                    "standard"))])  # fmt: skip
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are deferred: check them now
        cur.execute("ALTER TABLE finance_entryline ENABLE TRIGGER USER")
        timings["books_s"] = time.perf_counter() - started
        # Sequences past the loaded ids (read before row-level security is forced again).
        for table in ["associations_association", *tables]:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        for table in tables:
            cur.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        conn.commit()
        cur.execute("ANALYZE")
    return timings


def measure(size: int) -> dict:
    os.environ["DATABASE_URL"] = APP_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from associations.models import Association, Province
    from associations.tenancy import association_scope
    from members import services as member_services
    from ministry.models import AreaFigure, AssociationFigure
    from ministry.rollup import rebuild, refresh_dirty
    from ministry.signals import _mark  # noqa: F401 - signals are connected by the app

    result = {}
    started = time.perf_counter()
    built = rebuild()
    result["rebuild_s"] = time.perf_counter() - started
    result["figures"] = AssociationFigure.objects.count()
    result["cells"] = AreaFigure.objects.count()
    actor = User.objects.create(email="bench@wasl.ma", full_name="Bench")
    reviewer = User.objects.create(email="reviewer@wasl.ma", full_name="Reviewer", is_ministry_reviewer=True)
    ids = random.Random(1).sample(range(1, size + 1), min(CHANGES, size))
    started = time.perf_counter()

    for association_id in ids:
        with association_scope(association_id):
            member_services.member_admit(actor=actor, first_name_latin="New", last_name_latin="Member")
    result["changes_s"] = time.perf_counter() - started
    started = time.perf_counter()
    swept = refresh_dirty()
    result["refresh_s"] = time.perf_counter() - started
    result["refreshed"] = swept["associations"]
    client = Client()
    client.force_login(reviewer)
    region = Association.objects.filter(pk=1).values_list("region__code", flat=True).first()
    province = Province.objects.filter(region__code=region).first()
    pages = {
        "baseline /me/": None,  # a page of the same site with no figures: the machine's load, as a ratio
        "national": {},
        "region": {"region": region},
        "province": {"region": region, "indicator": "members", "sector": "", "size": ""},
        "province+sector": {"region": region, "indicator": "members", "sector": "ICNPO-01"},
    }
    for name, params in pages.items():
        samples = []
        url = "/me/" if params is None else "/ministry/"
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params or {})
        for _ in range(RUNS):
            t = time.perf_counter()
            response = client.get(url, params or {})
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        samples.sort()
        result[f"{name}_median_ms"] = statistics.median(samples)
        result[f"{name}_p95_ms"] = samples[max(0, int(len(samples) * 0.95) - 1)]
        result[f"{name}_queries"] = len(queries.captured_queries)
    reset_queries()
    del built, province
    return result


if __name__ == "__main__":
    size = SIZES[0] if len(SIZES) == 1 else None
    if size is None:  # one process per size (Django is set up once per process)
        for each in SIZES:
            subprocess.run(
                [sys.executable, __file__], check=True, env={**os.environ, "BENCH_SIZES": str(each)}
            )
        sys.exit(0)
    started = time.perf_counter()
    fresh_database()
    migrate_s = time.perf_counter() - started
    timings = load(size)
    figures = measure(size)
    line = {"associations": size, "migrate_s": migrate_s, **timings, **figures}
    print(
        " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in line.items()), flush=True
    )
    if os.environ.get("BENCH_KEEP") != "1":
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB}")
