"""The tables of the ministry's view, built once for the page, the spreadsheets and the PDF report."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ministry import selectors
from ministry.models import AreaLevel


@dataclass
class Table:
    key: str
    title: str
    first_column: str
    rows: list
    total: object = None
    money: bool = False
    note: str = ""


def area_table(f) -> Table:
    rows, total, level = selectors.area_table(f)
    label = selectors.indicator_label(f.indicator)
    column = _("Province") if level == AreaLevel.PROVINCE else _("Region")
    return Table("areas", label, column, rows, total, selectors.is_money(f.indicator))


def trend_table(f) -> Table:
    points = selectors.national_trend(f, indicators=[f.indicator])[f.indicator]
    title = _("%(indicator)s by year (Morocco)") % {"indicator": selectors.indicator_label(f.indicator)}
    return Table(
        "trend", title, _("Year"), [figure for _year, figure in points], None, selectors.is_money(f.indicator)
    )


def breakdown_tables(f) -> list[Table]:
    titles = {
        "members_sex": _("Members by sex"),
        "members_age": _("Members by age band"),
        "members_status": _("Member records by status"),
        "resources": _("Resources by origin (MAD)"),
        "funders": _("Grants received by type of funder (MAD)"),
        "foreign": _("Foreign money received (MAD)"),
        "governance": _("Assemblies and bureau declarations"),
        "sgg": _("Declarations of foreign money to the SGG"),
        "training": _("Training"),
        "volunteering": _("Volunteers and staff"),
        "volunteer_time": _("Volunteer hours and their value"),
        "staff": _("Staff by contract"),
        "planning": _("Development projects"),
        "planning_place_projects": _("Development projects by the region where they run"),
        "planning_place_running": _("Projects under way by the region where they run"),
        "planning_place_reached": _("Beneficiaries reached by the region where the projects run"),
    }
    money = {"resources", "funders", "foreign"}
    # A project's own region may differ from its association's seat: the filters choose the
    # associations (by their seat), these tables place their projects.
    by_place = {"planning_place_projects", "planning_place_running", "planning_place_reached"}
    place_note = _(
        "By the region where each project runs, which may differ from its association's seat; the "
        "filters choose the associations by their seat."
    )
    found = []
    for group, (rows, total) in selectors.breakdowns(f, list(titles)).items():
        column = _("Region where the project runs") if group in by_place else _("Indicator")
        note = place_note if group in by_place else ""
        found.append(Table(group, titles[group], column, rows, total, group in money, note))
    return found


def all_tables(f) -> list[Table]:
    return [area_table(f), trend_table(f), *breakdown_tables(f)]


def table_by_key(f, key: str) -> Table | None:
    return next((t for t in all_tables(f) if t.key == key), None)
