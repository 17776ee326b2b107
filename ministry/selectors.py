"""What the ministry's pages, exports and API read: area cells of the roll-up, already suppressed.

Nothing here reads a tenant table: the dashboard reads only `AreaFigure` (and the public reference
tables: regions, provinces, sectors). Every value leaves as a `Figure`, whose `shown` is "<5" when
the cell is hidden, so pages, spreadsheets and the API print the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from associations.models import Province, Region, Sector
from ministry.models import ALL, AreaFigure, AreaLevel, RollupState
from ministry.providers import INDICATORS, MONEY, SIZE_BANDS
from ministry.suppression import HIDDEN

# The indicators a reviewer may shade the map by and chart (the others appear in breakdowns).
MAP_INDICATORS = (
    "associations",
    "associations_active",
    "members",
    "resources_dues",
    "resources_donations",
    "grants_public",
    "grants_international",
    "training_participants",
    "gov_assembly_12m",
    "gov_associations_declarations_late",
    "funding_public",
    "foreign_received",
    "volunteers",
)
# Each breakdown (a group of indicators) and the total printed under it, if any.
BREAKDOWNS = {
    "members_sex": "members",
    "members_age": "members",
    "members_status": None,
    "resources": None,
    "funders": None,
    "foreign": None,
    "governance": None,
    "sgg": None,
    "training": None,
    "volunteering": None,
    "volunteer_time": None,
    "staff": "staff",
    "planning_place_projects": "planning_projects",
    "planning_place_running": "planning_projects_running",
    "planning_place_reached": "planning_beneficiaries",
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Decimal | int | None  # None when hidden
    hidden: bool

    @property
    def shown(self):
        if self.hidden:
            return HIDDEN
        return _plain(self.value)


def _plain(value):
    if value is None:
        return 0
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


@dataclass(frozen=True)
class Filters:
    year: int
    indicator: str = "associations"
    sector: str = ALL
    size: str = ALL
    region: str = ""  # drill-down: the provinces of this region

    def as_params(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def years() -> list[int]:
    return sorted(set(AreaFigure.objects.filter(level=AreaLevel.NATION).values_list("year", flat=True)))


def state() -> RollupState | None:
    return RollupState.objects.filter(pk=1).first()


def indicator_label(code: str) -> str:
    found = INDICATORS.get(code)
    return str(found.label) if found else code


def is_money(code: str) -> bool:
    found = INDICATORS.get(code)
    return bool(found and found.kind == MONEY)


def parse_filters(params, *, default_year: int) -> Filters:
    """Filters from a query string; an unknown value falls back to the default (never an error page)."""
    year_options = years() or [default_year]
    try:
        year = int(params.get("year", ""))
    except ValueError:
        year = year_options[-1]
    if year not in year_options:
        year = year_options[-1]
    indicator = params.get("indicator", "")
    if indicator not in MAP_INDICATORS:
        indicator = "associations"
    sector = params.get("sector", "")
    if sector and not Sector.objects.filter(code=sector).exists():
        sector = ALL
    size = params.get("size", "")
    if size not in {code for code, _lo, _hi in SIZE_BANDS}:
        size = ALL
    region = params.get("region", "")
    if region and not Region.objects.filter(code=region).exists():
        region = ""
    return Filters(year=year, indicator=indicator, sector=sector, size=size, region=region)


def _cells(f: Filters, *, level: str, indicators, areas=None) -> dict[tuple[str, str], AreaFigure]:
    found = AreaFigure.objects.filter(
        level=level, year=f.year, sector_code=f.sector, size_band=f.size, indicator__in=list(indicators)
    )
    if areas is not None:
        found = found.filter(area__in=list(areas))
    return {(c.area, c.indicator): c for c in found}


def _figure(key: str, label: str, cell: AreaFigure | None) -> Figure:
    if cell is None:
        return Figure(key, label, 0, False)
    return Figure(key, label, None if cell.hidden else cell.value, cell.hidden)


def national_trend(f: Filters, indicators=MAP_INDICATORS) -> dict[str, list[tuple[int, Figure]]]:
    """Each indicator of the nation (with the sector and size filters) for every year."""
    cells = AreaFigure.objects.filter(
        level=AreaLevel.NATION,
        area="",
        sector_code=f.sector,
        size_band=f.size,
        indicator__in=list(indicators),
    )
    by = {(c.indicator, c.year): c for c in cells}
    all_years = years()
    return {
        code: [(year, _figure(str(year), str(year), by.get((code, year)))) for year in all_years]
        for code in indicators
    }


def headline(f: Filters) -> list[Figure]:
    cells = _cells(f, level=AreaLevel.NATION, indicators=MAP_INDICATORS, areas=[""])
    return [_figure(code, indicator_label(code), cells.get(("", code))) for code in MAP_INDICATORS]


def area_table(f: Filters) -> tuple[list[Figure], Figure, str]:
    """The regions of the nation, or the provinces of `f.region`, for the chosen indicator, with
    their total (the nation or the region), and the level of the rows."""
    if f.region:
        region = Region.objects.get(code=f.region)
        provinces = list(Province.objects.filter(region=region).order_by("name_fr"))
        cells = _cells(
            f, level=AreaLevel.PROVINCE, indicators=[f.indicator], areas=[str(p.pk) for p in provinces]
        )
        rows = [_figure(str(p.pk), p.name, cells.get((str(p.pk), f.indicator))) for p in provinces]
        total = _cells(f, level=AreaLevel.REGION, indicators=[f.indicator], areas=[f.region])
        return rows, _figure(f.region, region.name, total.get((f.region, f.indicator))), AreaLevel.PROVINCE
    regions = list(Region.objects.all())
    cells = _cells(f, level=AreaLevel.REGION, indicators=[f.indicator])
    rows = [_figure(r.code, r.name, cells.get((r.code, f.indicator))) for r in regions]
    total = _cells(f, level=AreaLevel.NATION, indicators=[f.indicator], areas=[""])
    return rows, _figure("", _("Morocco"), total.get(("", f.indicator))), AreaLevel.REGION


def breakdowns(f: Filters, groups) -> dict[str, tuple[list[Figure], Figure | None]]:
    """Breakdowns of the chosen area (nation or region): members by sex, by age band…, each as
    (rows, total), read in one query whatever the number of groups."""
    level, area = (AreaLevel.REGION, f.region) if f.region else (AreaLevel.NATION, "")
    codes = {group: [code for code, ind in INDICATORS.items() if ind.group == group] for group in groups}
    wanted = {code for group in groups for code in codes[group]}
    wanted |= {BREAKDOWNS[group] for group in groups if BREAKDOWNS.get(group)}
    cells = _cells(f, level=level, indicators=wanted, areas=[area])
    found = {}
    for group in groups:
        total_code = BREAKDOWNS.get(group)
        rows = [_figure(code, indicator_label(code), cells.get((area, code))) for code in codes[group]]
        total = _figure(total_code, _("Total"), cells.get((area, total_code))) if total_code else None
        found[group] = (rows, total)
    return found


def breakdown(f: Filters, group: str) -> tuple[list[Figure], Figure | None]:
    """One breakdown of the chosen area (see `breakdowns`)."""
    return breakdowns(f, [group])[group]


def open_data_rows():
    """Every published cell (the open-data export): hidden values as "<5", no association count."""
    regions = dict(Region.objects.values_list("code", "name_fr"))
    provinces = {str(pk): name for pk, name in Province.objects.values_list("pk", "name_fr")}
    for cell in AreaFigure.objects.order_by(
        "year", "level", "area", "sector_code", "size_band", "indicator"
    ).iterator(chunk_size=5000):
        name = {
            "nation": "Maroc",
            "region": regions.get(cell.area, ""),
            "province": provinces.get(cell.area, ""),
        }[cell.level]
        yield [
            cell.year,
            cell.level,
            cell.area,
            name,
            cell.sector_code or "*",
            cell.size_band or "*",
            cell.indicator,
            HIDDEN if cell.hidden else _plain(cell.value),
        ]


OPEN_DATA_HEADER = ["year", "level", "area", "area_name", "sector", "size", "indicator", "value"]
