"""Build the roll-ups: per association (through the providers), then per area × sector × size × year.

Every read of tenant data happens in `cross_tenant_read` blocks here (ministry/ is in
CROSS_TENANT_MODULES); what is written is counts and sums (ministry.models).

- `rebuild()`: every association, in chunks; then the area table. The management command
  `ministry_rebuild` and a nightly beat entry call it.
- `refresh_dirty()`: the associations changed since the last sweep, then the area table; beat runs it
  every minute, so a change shows within five minutes. Changed means: its audit chain's head moved
  past the seq its figures were computed at (`SweptAudit`; every service's change appends an event,
  so an audited change writes nothing for the ministry), or a save outside a service marked it
  (`DirtyAssociation`, ministry.signals).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from associations.models import Association, AuditChainHead, Province
from associations.tenancy import cross_tenant_read
from ministry.models import (
    ALL,
    AreaFigure,
    AreaLevel,
    AssociationFigure,
    DirtyAssociation,
    RollupState,
    SweptAudit,
)
from ministry.providers import (
    CURRENT_STATUSES,
    INDICATORS,
    PEOPLE,
    PROVIDERS,
    PUBLIC_FUNDING,
    PUBLIC_GRANTS,
    planning_place_sums,
    size_band,
)
from ministry.suppression import protect

CHUNK = 2000


def _places(association_ids: Sequence[int]) -> dict[int, tuple[str, int, str]]:
    return {
        pk: (region, province, sector)
        for pk, region, province, sector in Association.objects.filter(
            pk__in=association_ids, is_active=True
        ).values_list("pk", "region__code", "province_id", "sector__code")
    }


def association_rows(association_ids: Sequence[int], *, today: date) -> list[AssociationFigure]:
    """The figures of these associations from every provider (non-zero values only)."""
    places = _places(association_ids)
    ids = list(places)
    if not ids:
        return []
    values: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    with cross_tenant_read(reason="ministry roll-ups: counts and sums per association"):
        for fn in PROVIDERS.values():
            for association_id, year, indicator, value in fn(ids, today=today):
                values[(association_id, year, indicator)] += Decimal(value)
    members = {a: int(v) for (a, y, i), v in values.items() if i == "members" and y == today.year}
    rows = []
    for (association_id, year, indicator), value in values.items():
        if not value:
            continue
        region, province, sector = places[association_id]
        rows.append(
            AssociationFigure(
                association_ref=association_id,
                year=year,
                indicator=indicator,
                value=value,
                region_code=region,
                province_ref=province,
                sector_code=sector,
                size_band=size_band(members.get(association_id, 0)),
            )
        )
    return rows


def _replace_association_rows(association_ids: Sequence[int], rows: list[AssociationFigure]) -> None:
    with transaction.atomic():
        AssociationFigure.objects.filter(association_ref__in=association_ids).delete()
        AssociationFigure.objects.bulk_create(rows, batch_size=5000)


def rebuild_areas() -> int:
    """Recompute every area cell from the association table (one GROUP BY, then roll-ups in memory)."""
    fine = (
        AssociationFigure.objects.values_list(
            "region_code", "province_ref", "sector_code", "size_band", "year", "indicator"
        )
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    cells: dict[tuple, list] = defaultdict(lambda: [Decimal("0"), 0])
    for region, province, sector, size, year, indicator, total, n in fine.iterator(chunk_size=20000):
        for level, area in (
            (AreaLevel.NATION, ""),
            (AreaLevel.REGION, region),
            (AreaLevel.PROVINCE, str(province)),
        ):
            for sector_key in (ALL, sector):
                for size_key in (ALL, size):
                    cell = cells[(level, area, sector_key, size_key, year, indicator)]
                    cell[0] += total
                    cell[1] += n
    hidden = protect(
        {key: (total, n, _kind(key[5])) for key, (total, n) in cells.items()}, relations_of(cells)
    )
    objects = [
        AreaFigure(
            level=level,
            area=area,
            sector_code=sector,
            size_band=size,
            year=year,
            indicator=indicator,
            value=total,
            associations=n,
            hidden=(level, area, sector, size, year, indicator) in hidden,
        )
        for (level, area, sector, size, year, indicator), (total, n) in cells.items()
    ]
    with transaction.atomic():
        AreaFigure.objects.all().delete()
        AreaFigure.objects.bulk_create(objects, batch_size=5000)
    return len(objects)


def _kind(indicator: str) -> str:
    found = INDICATORS.get(indicator)
    return found.kind if found else PEOPLE


# Additions between indicators of one cell (the total first): see ministry.suppression.
INDICATOR_SUMS = {
    "sex": ("members", [i for i in INDICATORS if i.startswith("members_sex_")]),
    "age": ("members", [i for i in INDICATORS if i.startswith("members_age_")]),
    "status": ("members", [f"members_status_{s}" for s in CURRENT_STATUSES]),
    "public": ("grants_public", list(PUBLIC_GRANTS)),
    "funders": ("funding_public", list(PUBLIC_FUNDING)),
    "foreign": ("foreign_received", ["foreign_grants", "foreign_donations"]),
    "staff": ("staff", [i for i in INDICATORS if i.startswith("staff_")]),
    # Development projects, of which under way, beneficiaries: by the region where projects run.
    **planning_place_sums(),
}


def relations_of(cells) -> list[tuple[tuple, list[tuple]]]:
    """Every addition that ties the published cells (ministry.suppression)."""
    region_of = {str(pk): code for pk, code in Province.objects.values_list("pk", "region__code")}
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for key in cells:
        level, area, sector, size, year, indicator = key
        if level == AreaLevel.PROVINCE:
            groups[
                ((AreaLevel.REGION, region_of.get(area, ""), sector, size, year, indicator), "geo")
            ].append(key)
        elif level == AreaLevel.REGION:
            groups[((AreaLevel.NATION, "", sector, size, year, indicator), "geo")].append(key)
        if sector != ALL:
            groups[((level, area, ALL, size, year, indicator), "sector")].append(key)
        if size != ALL:
            groups[((level, area, sector, ALL, year, indicator), "size")].append(key)
        for name, (total, parts) in INDICATOR_SUMS.items():
            if indicator in parts:
                groups[((level, area, sector, size, year, total), name)].append(key)
    return [(total, parts) for (total, _name), parts in groups.items()]


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild(*, today: date | None = None, progress=None) -> dict:
    """Every association from scratch, then the area table."""
    started = time.monotonic()
    today = today or timezone.localdate()
    ids = list(Association.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    marked_before = timezone.now()
    heads = _audit_heads()  # read before any figure: a change after this is swept next time
    DirtyAssociation.objects.filter(marked_at__lte=marked_before).delete()
    AssociationFigure.objects.all().delete()
    rows_written = 0
    for done, chunk in enumerate(_chunks(ids), 1):
        rows = association_rows(chunk, today=today)
        AssociationFigure.objects.bulk_create(rows, batch_size=5000)
        rows_written += len(rows)
        if progress:
            progress(done * CHUNK, len(ids))
    _keep_swept(heads)
    cells = rebuild_areas()
    seconds = time.monotonic() - started
    _state(rebuilt=True, seconds=seconds)
    return {"associations": len(ids), "rows": rows_written, "cells": cells, "seconds": round(seconds, 1)}


def refresh_dirty(*, today: date | None = None, limit: int = 20000) -> dict:
    """The associations changed since the last sweep; then the area table. Idempotent.

    Changed: its audit chain moved past the seq kept at its last sweep, or it is marked. The heads
    are read before any figure, so a change committed after that read is taken again next time."""
    started = time.monotonic()
    today = today or timezone.localdate()
    sweep_started = timezone.now()
    marked = list(
        DirtyAssociation.objects.filter(marked_at__lte=sweep_started)
        .order_by("marked_at")
        .values_list("association_ref", flat=True)[:limit]
    )
    moved = _audit_heads(moved_only=True)
    # The oldest marks first, then the chains that moved; past `limit`, the rest wait for the next sweep.
    ids = sorted([*dict.fromkeys([*marked, *sorted(moved)])][:limit])
    if not ids:
        return {"associations": 0}
    for chunk in _chunks(ids):
        _replace_association_rows(chunk, association_rows(chunk, today=today))
    # Only marks older than the sweep: a change made during it keeps its mark for the next one.
    DirtyAssociation.objects.filter(association_ref__in=ids, marked_at__lte=sweep_started).delete()
    swept = set(ids)
    _keep_swept({pk: seq for pk, seq in moved.items() if pk in swept})
    cells = rebuild_areas()
    seconds = time.monotonic() - started
    _state(rebuilt=False, seconds=seconds)
    return {"associations": len(ids), "cells": cells, "seconds": round(seconds, 1)}


def _audit_heads(*, moved_only: bool = False) -> dict[int, int]:
    """Each association's audit chain length (`last_seq`); `moved_only`: only those whose chain moved
    past the seq kept at their last sweep (or never swept)."""
    with cross_tenant_read(reason="ministry roll-ups: how far each association's audit chain has reached"):
        heads = AuditChainHead.objects.all()
        if moved_only:
            kept = SweptAudit.objects.filter(association_ref=OuterRef("association_id")).values("last_seq")
            heads = heads.annotate(kept=Subquery(kept[:1]))
            heads = heads.filter(Q(kept__isnull=True) | Q(last_seq__gt=F("kept")))
        return dict(heads.values_list("association_id", "last_seq"))


def _keep_swept(heads: dict[int, int]) -> None:
    """Keep the audit seq each association's figures were just computed at (read before them)."""
    SweptAudit.objects.bulk_create(
        [SweptAudit(association_ref=pk, last_seq=seq) for pk, seq in heads.items()],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["association_ref"],
        update_fields=["last_seq"],
    )


def mark_dirty(association_id: int) -> None:
    """Mark (or mark again, with the current time) one association: one upsert statement."""
    table = DirtyAssociation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (association_ref, marked_at) VALUES (%s, %s)"  # noqa: S608 (own table)
            " ON CONFLICT (association_ref) DO UPDATE SET marked_at = excluded.marked_at",
            [association_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def _state(*, rebuilt: bool, seconds: float) -> None:
    state, _created = RollupState.objects.get_or_create(pk=1)
    now = timezone.now()
    state.refreshed_at = now
    if rebuilt:
        state.rebuilt_at = now
    state.seconds = seconds
    state.save()
