"""The planning provider: projects, beneficiaries reached and activities done equal direct counts
per association, come out suppressed under five associations (or five people), are broken down by
the associations' region and sector like every figure, and cost the same queries for three or nine
associations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from associations.models import Region
from associations.tenancy import association_scope, cross_tenant_read
from associations.tests.factories import AssociationFactory
from ministry.models import AreaFigure
from ministry.providers import INDICATORS, PROVIDERS
from ministry.rollup import association_rows, rebuild
from ministry.tests.test_providers import cell, figure

pytestmark = pytest.mark.django_db


def with_projects(association, *, statuses=("running",), reached=10, done_activities=1, done_on=None):
    from finance.models import Project as FinanceProject
    from planning.models import Activity, Project

    done_on = done_on or timezone.localdate() - timedelta(days=3)
    with association_scope(association):
        for number, status in enumerate(statuses):
            finance_project = FinanceProject.objects.create(
                code=f"P{number}", name_ar="مشروع", name_fr="Projet"
            )
            project = Project.objects.create(
                finance_project=finance_project, status=status, beneficiaries_reached=reached
            )
            for _ in range(done_activities):
                Activity.objects.create(
                    project=project, title_fr="Atelier", starts_on=done_on - timedelta(days=5),
                    ends_on=done_on, status="done",
                )  # fmt: skip
            Activity.objects.create(
                project=project, title_fr="Plus tard", starts_on=done_on, ends_on=done_on, status="planned"
            )
    return association


def test_the_planning_figures_equal_the_planning_records():
    year = timezone.localdate().year
    a = with_projects(AssociationFactory(), statuses=("running", "done", "idea", "cancelled"), reached=7)
    b = with_projects(AssociationFactory(), statuses=("planned",), reached=3, done_activities=2)
    rebuild()
    assert figure(a, "planning_projects") == 2  # an idea and a cancelled project do not count
    assert figure(a, "planning_projects_running") == 1
    assert figure(a, "planning_beneficiaries") == 14
    assert figure(a, "planning_activities_done", year) == 4  # every project's done activity, idea's too
    assert figure(b, "planning_projects") == 1 and figure(b, "planning_beneficiaries") == 3
    assert figure(b, "planning_activities_done", year) == 2
    national = cell("planning_projects")
    assert national.value == 3 and national.associations == 2
    assert national.hidden  # two associations: under five
    assert cell("planning_beneficiaries").hidden


def test_five_associations_are_shown_by_region_and_sector_and_few_people_are_not():
    region = Region.objects.get(code="MA-06")
    associations = [AssociationFactory(region=region) for _ in range(5)]
    for association in associations:
        with_projects(association, reached=1)
    rebuild()
    national = cell("planning_projects")
    assert national.value == 5 and not national.hidden
    by_region = cell("planning_projects", level="region", area=region.code)
    assert by_region.value == 5 and not by_region.hidden
    sector = associations[0].sector
    if sector is not None and all(a.sector_id == sector.pk for a in associations):
        by_sector = AreaFigure.objects.get(
            level="nation", area="", sector_code=sector.code, size_band="", indicator="planning_projects",
            year=timezone.localdate().year,
        )  # fmt: skip
        assert by_sector.value == 5
    # Five associations but only five people: a count of people under five would be hidden.
    assert cell("planning_beneficiaries").value == 5 and not cell("planning_beneficiaries").hidden


def test_an_activity_done_in_a_later_year_is_not_counted_before_it_happens():
    next_year = date(timezone.localdate().year + 1, 6, 1)
    a = with_projects(AssociationFactory(), done_on=next_year)
    rows = association_rows([a.pk], today=timezone.localdate())
    assert not [r for r in rows if r.indicator == "planning_activities_done"]


def test_the_provider_yields_only_counts_and_sums_of_declared_indicators():
    a = with_projects(AssociationFactory())
    with cross_tenant_read(reason="test"):
        rows = list(PROVIDERS["planning"]([a.pk], today=timezone.localdate()))
    assert rows
    for association_id, year, indicator, value in rows:
        assert association_id == a.pk and isinstance(year, int)
        assert indicator in INDICATORS and isinstance(value, int)


def test_the_provider_costs_the_same_queries_for_three_or_nine_associations():
    def queries_for(count: int) -> int:
        ids = [with_projects(AssociationFactory()).pk for _ in range(count)]
        with cross_tenant_read(reason="test"), CaptureQueriesContext(connection) as captured:
            rows = list(PROVIDERS["planning"](ids, today=timezone.localdate()))
        assert {row[0] for row in rows} == set(ids)
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(9) == 2
