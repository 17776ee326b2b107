"""The data of planning's PDF reports: a project's logical framework (logframe) as funders ask
for it, with its activities and its budget against the books.

Rows: the overall goal (the plan's objective the project serves), the specific objective (the
project itself), its outputs, its activities. Columns: the narrative, the indicators (baseline,
target and the latest measured value), the means of verification and the assumptions.

Money is read from finance, never kept here: the budget against actual is finance's own report
(`finance.reports.budget.budget_vs_actual` for the finance project and a fiscal year); the
funders are the grants restricted to the finance project.

Everything is read in a few queries for a batch of projects (the plan report renders its projects
in batches, one job step each): no query per indicator or per activity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Subquery
from django.utils import translation
from django.utils.translation import pgettext_lazy

from associations.formatting import format_amount, text_direction
from planning.models import Activity, Indicator, IndicatorUnit, LogframeLevel, Plan, Project

ZERO = Decimal("0.00")

# The labels printed in both languages (Arabic and French), whatever the reader's language. Their
# own context keeps them apart from the pages' entries of the same words.
LABELS = {
    "goal": pgettext_lazy("planning report", "Overall goal"),
    "purpose": pgettext_lazy("planning report", "Specific objective"),
    "output": pgettext_lazy("planning report", "Outputs"),
    "activities": pgettext_lazy("planning report", "Activities"),
    "level": pgettext_lazy("planning report", "Level"),
    "narrative": pgettext_lazy("planning report", "Narrative"),
    "indicators": pgettext_lazy("planning report", "Indicators"),
    "means": pgettext_lazy("planning report", "Means of verification"),
    "assumptions": pgettext_lazy("planning report", "Assumptions"),
    "baseline": pgettext_lazy("planning report", "Baseline"),
    "target": pgettext_lazy("planning report", "Target"),
    "latest": pgettext_lazy("planning report", "Latest measured"),
    "not_measured": pgettext_lazy("planning report", "not measured yet"),
    "logframe": pgettext_lazy("planning report", "Logical framework"),
    "budget": pgettext_lazy("planning report", "Budget against actual"),
    "project_sheet": pgettext_lazy("planning report", "Project sheet"),
    "plan_report": pgettext_lazy("planning report", "Plan report"),
    "place": pgettext_lazy("planning report", "Place"),
    "target_group": pgettext_lazy("planning report", "Target group"),
    "beneficiaries": pgettext_lazy("planning report", "Beneficiaries (planned / reached)"),
    "status": pgettext_lazy("planning report", "Status"),
    "dates": pgettext_lazy("planning report", "Dates"),
    "partners": pgettext_lazy("planning report", "Partners"),
    "funders": pgettext_lazy("planning report", "Funders"),
    "programme": pgettext_lazy("planning report", "Programme"),
    "objectives": pgettext_lazy("planning report", "Objectives and programmes"),
    "vision": pgettext_lazy("planning report", "Vision"),
    "projects": pgettext_lazy("planning report", "Projects"),
    "no_year": pgettext_lazy("planning report", "No fiscal year in the books: no budget to compare."),
    "income": pgettext_lazy("planning report", "Income"),
    "expenses": pgettext_lazy("planning report", "Expenses"),
    "budgeted": pgettext_lazy("planning report", "Budget"),
    "actual": pgettext_lazy("planning report", "Actual"),
    "used": pgettext_lazy("planning report", "Used (%)"),
    "printed_on": pgettext_lazy("planning report", "Printed on"),
    "year": pgettext_lazy("planning report", "Fiscal year"),
    "no_indicator": pgettext_lazy("planning report", "No indicator at this level."),
    "no_activity": pgettext_lazy("planning report", "No activity."),
}


def bilingual(message) -> dict:
    """{"ar": …, "fr": …}: a label of the reports in both languages of the documents."""
    found = {}
    for language in ("ar", "fr"):
        with translation.override(language):
            found[language] = str(message)
    return found


def labels() -> dict[str, dict]:
    return {key: bilingual(message) for key, message in LABELS.items()}


def texts(ar: str, fr: str) -> list[dict]:
    """The Arabic and the French version of a text, each with its direction (empty ones left out)."""
    return [{"text": value, "dir": text_direction(value)} for value in (ar, fr) if value]


def number(value: Decimal | None, unit: str, *, language: str) -> str:
    """An indicator's value: whole numbers without decimals; money with two; a percent sign."""
    if value is None:
        return ""
    if unit == IndicatorUnit.MAD:
        return f"{format_amount(value, language=language)} MAD"
    whole = value == value.to_integral_value()
    shown = str(int(value)) if whole else format_amount(value, language=language)
    return f"{shown} %" if unit == IndicatorUnit.PERCENT else shown


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class IndicatorLine:
    name: list[dict]
    baseline: str
    target: str
    latest: str
    latest_on: str
    means: str
    assumptions: str


@dataclass
class LevelBlock:
    key: str  # goal, purpose, output
    narrative: list[dict]
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass
class ActivityLine:
    title: list[dict]
    starts_on: str
    ends_on: str
    status: dict


@dataclass
class ProjectSheet:
    pk: int
    code: str
    name: list[dict]
    programme: list[dict]
    place: str
    target_group: str
    beneficiaries: str
    status: dict
    dates: str
    partners: str
    funders: list[str]
    levels: list[LevelBlock]
    outputs: list[LevelBlock]
    activities: list[ActivityLine]
    budget: dict | None  # finance's budget against actual, shaped for the PDF


def with_latest(indicators):
    """Indicators annotated with their latest measured value and date: the latest row that no
    correction replaced (a correction is a row of its own, so it counts at its own date)."""
    from planning.selectors_tracking import _current

    latest = _current()
    return indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    )


def _indicator_line(indicator: Indicator, language: str) -> IndicatorLine:
    unit = indicator.unit
    return IndicatorLine(
        name=texts(indicator.name_ar, indicator.name_fr),
        baseline=number(indicator.baseline, unit, language=language),
        target=number(indicator.target, unit, language=language),
        latest=number(indicator.latest_value, unit, language=language),
        latest_on=day(indicator.latest_on),
        means=indicator.means_of_verification,
        assumptions=indicator.assumptions,
    )


def budget_part(finance_project, year, *, language: str) -> dict | None:
    """Finance's budget against actual of the finance project in `year`, as cells for the PDF
    (finance.reports.render.shaped_rows: amounts in the reader's format, left to right)."""
    if year is None:
        return None
    from finance.reports.budget import budget_vs_actual
    from finance.reports.render import shaped_rows

    report = budget_vs_actual(year, finance_project)
    return {
        "year": str(year),
        "facts": report.facts,
        "tables": [
            {
                "title": table.title,
                "columns": table.columns,
                "rows": list(shaped_rows(table.rows, table.columns, language=language)),
            }
            for table in report.tables
        ],
    }


def _funders(finance_project_ids: list[int]) -> dict[int, list[str]]:
    from finance.models import Grant

    found: dict[int, list[str]] = defaultdict(list)
    for project_id, funder, amount in (
        Grant.objects.filter(project_id__in=finance_project_ids)
        .order_by("signed_on", "pk")
        .values_list("project_id", "funder__name", "amount_granted")
    ):
        found[project_id].append(f"{funder} ({format_amount(amount, language='fr')} MAD)")
    return found


def project_sheets(projects: list[Project], *, year, language: str) -> list[ProjectSheet]:
    """The logframes of these projects (loaded with their finance project, programme, objective,
    region and province): three queries for their indicators, activities and funders, plus
    finance's budget report per project."""
    ids = [project.pk for project in projects]
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in with_latest(Indicator.objects.filter(project_id__in=ids)).order_by("project", "pk"):
        indicators[indicator.project_id].append(indicator)
    activities: dict[int, list[Activity]] = defaultdict(list)
    for activity in Activity.objects.filter(project_id__in=ids).order_by("project", "starts_on", "pk"):
        activities[activity.project_id].append(activity)
    funders = _funders([project.finance_project_id for project in projects])
    sheets = []
    for project in projects:
        fp = project.finance_project
        programme = project.programme
        objective = programme.objective if programme else None
        by_level: dict[str, list[IndicatorLine]] = defaultdict(list)
        outputs = []
        for indicator in indicators[project.pk]:
            line = _indicator_line(indicator, language)
            if indicator.level == LogframeLevel.OUTPUT:
                outputs.append(LevelBlock(key="output", narrative=line.name, indicators=[line]))
            else:
                by_level[indicator.level].append(line)
        goal = LevelBlock(
            key="goal",
            narrative=(
                [{"text": objective.code, "dir": "ltr"}, *texts(objective.text_ar, objective.text_fr)]
                if objective
                else []
            ),
            indicators=by_level[LogframeLevel.GOAL],
        )
        purpose = LevelBlock(
            key="purpose",
            narrative=texts(fp.name_ar, fp.name_fr) + texts(project.target_group, ""),
            indicators=by_level[LogframeLevel.PURPOSE],
        )
        place = " · ".join(
            part
            for part in (
                _place_name(project.region, language),
                _place_name(project.province, language),
                project.commune,
            )
            if part
        )
        sheets.append(
            ProjectSheet(
                pk=project.pk,
                code=fp.code,
                name=texts(fp.name_ar, fp.name_fr),
                programme=(
                    [{"text": programme.code, "dir": "ltr"}, *texts(programme.title_ar, programme.title_fr)]
                    if programme
                    else []
                ),
                place=place,
                target_group=project.target_group,
                beneficiaries=f"{project.beneficiaries_planned} / {project.beneficiaries_reached}",
                status=_choice(Project, "status", project.status),
                dates=" – ".join(d for d in (day(fp.starts_on), day(fp.ends_on)) if d),
                partners=project.partners,
                funders=funders.get(fp.pk, []),
                levels=[goal, purpose],
                outputs=outputs,
                activities=[
                    ActivityLine(
                        title=texts(activity.title_ar, activity.title_fr),
                        starts_on=day(activity.starts_on),
                        ends_on=day(activity.ends_on),
                        status=_choice(Activity, "status", activity.status),
                    )
                    for activity in activities[project.pk]
                ],
                budget=budget_part(fp, year, language=language),
            )
        )
    return sheets


def _place_name(place, language: str) -> str:
    if place is None:
        return ""
    return (place.name_ar or place.name_fr) if language == "ar" else (place.name_fr or place.name_ar)


_CHOICE_CACHE: dict[tuple[str, str, str], dict] = {}


def _choice(model, field_name: str, value: str) -> dict:
    """A choice's label in both languages."""
    key = (model.__name__, field_name, value)
    if key not in _CHOICE_CACHE:
        label = dict(model._meta.get_field(field_name).flatchoices).get(value, value)
        found = {}
        for language in ("ar", "fr"):
            with translation.override(language):
                found[language] = str(label)
        _CHOICE_CACHE[key] = found
    return _CHOICE_CACHE[key]


def projects_loaded(queryset):
    return queryset.select_related("finance_project", "programme__objective", "region", "province").order_by(
        "pk"
    )


def plan_projects(plan: Plan):
    """The projects of a plan: those under a programme of one of its objectives."""
    return Project.objects.filter(programme__objective__plan=plan)


def plan_cover(plan: Plan, *, language: str) -> dict:
    """The plan's first pages: titles, vision, objectives with their programmes, project count."""
    objectives = []
    for objective in plan.objectives.order_by("position", "pk").prefetch_related("programmes"):
        objectives.append(
            {
                "code": objective.code,
                "text": texts(objective.text_ar, objective.text_fr),
                "programmes": [
                    {"code": p.code, "title": texts(p.title_ar, p.title_fr)}
                    for p in sorted(objective.programmes.all(), key=lambda p: (p.code, p.pk))
                ],
            }
        )
    return {
        "title": texts(plan.title_ar, plan.title_fr),
        "vision": texts(plan.vision_ar, plan.vision_fr),
        "years": f"{plan.starts_year}–{plan.ends_year}",
        "version": plan.version,
        "status": _choice(Plan, "status", plan.status),
        "objectives": objectives,
        "projects": plan_projects(plan).count(),
    }
