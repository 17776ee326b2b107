"""Reads of the plan and its projects for the pages, in a fixed number of queries each. Money is read
from the books (finance's budget-vs-actual report and its grants), never kept here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from planning.models import Objective, Plan, PlanStatus, Programme, Project

ZERO = Decimal("0.00")

# The United Nations' sustainable-development goals, by number (their short names).
SDG_NAMES = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}


def sdg_tags(goals) -> list[tuple[int, str]]:
    return [(goal, SDG_NAMES[goal]) for goal in goals or () if goal in SDG_NAMES]


# --- Plans -----------------------------------------------------------------------------------------


def current_plan() -> Plan | None:
    """The adopted version, else the latest draft, else the latest version."""
    plans = Plan.objects.select_related("adopted_by__assembly", "previous")
    return (
        plans.filter(status=PlanStatus.ADOPTED).first()
        or plans.filter(status=PlanStatus.DRAFT).order_by("-version", "-pk").first()
        or plans.order_by("-version", "-pk").first()
    )


def plan_detail(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("adopted_by__assembly", "previous").filter(pk=plan_id).first()


def plan_objectives(plan: Plan) -> list[Objective]:
    """The plan's objectives with their programmes (two queries)."""
    return list(
        Objective.objects.filter(plan=plan)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("programmes", queryset=Programme.objects.order_by("code", "pk")))
    )


def plan_versions() -> list[Plan]:
    """Every plan and version of the association, the latest first."""
    return list(Plan.objects.order_by("-starts_year", "-version", "-pk")[:50])


def plan_has_next_version(plan: Plan) -> bool:
    return Plan.objects.filter(previous=plan).exists()


def adoptable_resolutions():
    """Resolutions of closed general assemblies (the candidates a plan's adoption may name), newest
    first. Whether the vote adopted one is checked when the adoption is recorded."""
    from governance.models import AgendaItem, AgendaItemKind, AssemblyKind, AssemblyStatus

    return (
        AgendaItem.objects.filter(kind=AgendaItemKind.RESOLUTION, assembly__status=AssemblyStatus.CLOSED)
        .exclude(assembly__kind=AssemblyKind.BOARD)
        .select_related("assembly")
        .order_by("-assembly__first_call_at", "position", "pk")
    )


def objective_detail(*, objective_id: int) -> Objective | None:
    return Objective.objects.select_related("plan").filter(pk=objective_id).first()


def programme_detail(*, programme_id: int) -> Programme | None:
    return Programme.objects.select_related("objective__plan").filter(pk=programme_id).first()


def programme_choices() -> QuerySet[Programme]:
    """Programmes of the versions still in force (draft or adopted), for the project forms."""
    return (
        Programme.objects.exclude(objective__plan__status=PlanStatus.SUPERSEDED)
        .select_related("objective")
        .order_by("code", "pk")
    )


# --- Projects --------------------------------------------------------------------------------------


def project_list(*, status: str = "", programme_id: int | None = None) -> QuerySet[Project]:
    """The planning projects, filtered by status and programme: one query, whatever their number."""
    found = Project.objects.select_related(
        "finance_project", "programme", "region", "province", "responsible"
    ).order_by("finance_project__code", "pk")
    if status:
        found = found.filter(status=status)
    if programme_id:
        found = found.filter(programme_id=programme_id)
    return found


def project_detail(*, planning_project_id: int) -> Project | None:
    return (
        Project.objects.select_related(
            "finance_project", "programme__objective__plan", "region", "province", "responsible"
        )
        .filter(pk=planning_project_id)
        .first()
    )


def finance_projects_free():
    """The books' projects not archived and not yet carrying a planning project."""
    from finance.models import Project as FinanceProject

    return (
        FinanceProject.objects.filter(archived_at=None)
        .exclude(pk__in=Project.objects.values("finance_project_id"))
        .order_by("code")
    )


def project_funders(project: Project) -> list:
    """The grants restricted to the project's finance project, with their funder (read from the
    books, never copied)."""
    from finance.models import Grant

    return list(Grant.objects.filter(project_id=project.finance_project_id).select_related("funder"))


@dataclass
class ProjectMoney:
    """The budget against the actual for one fiscal year, from the books (finance's report)."""

    year: object
    years: list
    report: object
    budget_income: Decimal = ZERO
    actual_income: Decimal = ZERO
    budget_expenses: Decimal = ZERO
    actual_expenses: Decimal = ZERO
    granted: Decimal = ZERO
    facts: dict = field(default_factory=dict)

    @property
    def used_percent(self) -> Decimal | None:
        if not self.budget_expenses:
            return None
        return (self.actual_expenses * 100 / self.budget_expenses).quantize(Decimal("0.1"))


def project_money(project: Project, *, year_id: int | None = None) -> ProjectMoney | None:
    """Finance's budget vs actual of the project's finance project for a fiscal year (the chosen
    one, else the year being kept). None when the books have no fiscal year."""
    from finance import selectors as finance_selectors
    from finance.models import FiscalYear
    from finance.reports.budget import budget_vs_actual

    years = list(FiscalYear.objects.order_by("-start_date"))
    year = next((y for y in years if y.pk == year_id), None) if year_id else None
    if year is None:
        year = finance_selectors.current_year()
    if year is None:
        return None
    report = budget_vs_actual(year, project.finance_project)
    facts = report.facts
    return ProjectMoney(
        year=year,
        years=years,
        report=report,
        budget_income=facts.get("budget_income", ZERO),
        actual_income=facts.get("actual_income", ZERO),
        budget_expenses=facts.get("budget_expenses", ZERO),
        actual_expenses=facts.get("actual_expenses", ZERO),
        facts=facts,
    )
