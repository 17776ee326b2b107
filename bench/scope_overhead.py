"""Cost of opening an association scope around one query, in microseconds (median, p95).

Creates a throwaway database (Django's test-database machinery), two associations with roles,
then times N iterations of: a plain query on a non-tenant table; the same role lookup inside
association_scope(); and cross_tenant_read(). The scope adds a SAVEPOINT/transaction and one
set_config() round trip on PostgreSQL.
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
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

N = int(os.environ.get("BENCH_N", "2000"))


def timed(fn) -> list[float]:
    samples = []
    for _ in range(N):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def report(label: str, samples: list[float]) -> None:
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:45} median {statistics.median(samples):8.1f} µs   p95 {p95:8.1f} µs")


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from associations.models import Association, Role
        from associations.tenancy import association_scope, cross_tenant_read
        from associations.tests.factories import AssociationFactory, RoleFactory

        a = AssociationFactory()
        for _ in range(50):
            RoleFactory(association=a)
        user_id = RoleFactory(association=AssociationFactory()).user_id

        def plain():
            Association.objects.filter(pk=a.pk).exists()

        def scoped():
            with association_scope(a):
                Role.objects.filter(user_id=user_id).exists()

        def crossing():
            with cross_tenant_read(reason="benchmark"):
                Role.objects.filter(user_id=user_id).exists()

        print(f"{connection.vendor}, {N} iterations each")
        for label, fn in (
            ("plain query, no scope (non-tenant table)", plain),
            ("association_scope() + tenant query", scoped),
            ("cross_tenant_read() + tenant query", crossing),
        ):
            timed(fn)  # warm up
            report(label, timed(fn))
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
