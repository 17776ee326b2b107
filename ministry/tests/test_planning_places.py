"""Development projects by the region where each project runs (its own region, not its
association's seat): the figures equal the planning records, a project with no region is counted
under "region not given" (never dropped), small cells are hidden like every ministry figure and
cannot be worked out from their total, the provider's queries do not grow with the associations or
the projects, and the dashboard shows the three tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Region
from associations.tenancy import association_scope, cross_tenant_read
from associations.tests.factories import AssociationFactory
from ministry.providers import INDICATORS, PLANNING_REGIONS, PROVIDERS
from ministry.rollup import INDICATOR_SUMS, rebuild
from ministry.tests.test_providers import cell, figure

pytestmark = pytest.mark.django_db


def with_projects(association, places, *, reached=10):
    """Projects of `association`, one per (region code or None, status) in `places`."""
    from finance.models import Project as FinanceProject
    from planning.models import Project

    regions = {r.code: r for r in Region.objects.all()}
    with association_scope(association):
        start = FinanceProject.objects.count()
        for number, (code, status) in enumerate(places, start):
            Project.objects.create(
                finance_project=FinanceProject.objects.create(code=f"Q{number}", name_fr="Projet"),
                status=status,
                region=regions[code] if code else None,
                beneficiaries_reached=reached,
            )
    return association


def test_the_figures_by_place_equal_the_planning_records_and_keep_projects_with_no_region():
    seat = Region.objects.get(code="MA-06")
    a = with_projects(
        AssociationFactory(region=seat),
        [("MA-01", "running"), ("MA-01", "running"), ("MA-09", "planned"), (None, "done"),
         ("MA-01", "idea"), (None, "cancelled")],
        reached=7,
    )  # fmt: skip
    rebuild()
    assert figure(a, "planning_projects_in_ma01") == 2  # an idea does not count
    assert figure(a, "planning_running_in_ma01") == 2
    assert figure(a, "planning_reached_in_ma01") == 14
    assert figure(a, "planning_projects_in_ma09") == 1 and figure(a, "planning_running_in_ma09") == 0
    assert figure(a, "planning_projects_in_none") == 1  # no region given: counted, not dropped
    assert figure(a, "planning_reached_in_none") == 7
    assert figure(a, "planning_projects_in_ma06") == 0  # the seat is not where the projects run
    assert figure(a, "planning_projects") == 4 and figure(a, "planning_beneficiaries") == 28
    # The parts add up to their total, for each of the three figures.
    for _group, (total, parts) in ((k, v) for k, v in INDICATOR_SUMS.items() if k.startswith("planning_")):
        assert sum(figure(a, part) for part in parts) == figure(a, total)


def test_every_region_and_not_given_is_declared_once_per_figure():
    assert len(PLANNING_REGIONS) == 12
    for prefix in ("planning_projects_in_", "planning_running_in_", "planning_reached_in_"):
        codes = [code for code in INDICATORS if code.startswith(prefix)]
        assert len(codes) == 13 and f"{prefix}none" in codes
    assert INDICATORS["planning_reached_in_ma01"].kind == "people"
    assert INDICATORS["planning_projects_in_ma01"].kind == "count"


def test_small_cells_by_place_are_hidden_and_cannot_be_worked_out_from_the_total():
    associations = [with_projects(AssociationFactory(), [("MA-01", "running")], reached=3) for _ in range(5)]
    with_projects(associations[0], [("MA-02", "running")], reached=3)
    rebuild()
    in_01, in_02 = cell("planning_projects_in_ma01"), cell("planning_projects_in_ma02")
    total = cell("planning_projects")
    assert total.value == 6 and total.associations == 5
    assert in_01.value == 5 and in_01.associations == 5
    assert in_02.value == 1 and in_02.hidden  # one association: under five
    # The total is shown, so the other part must be hidden too, or 6 - 5 gives the hidden one away.
    assert not total.hidden and in_01.hidden
    # Beneficiaries: five associations, but a part of 3 people is hidden for the people it counts.
    reached_02 = cell("planning_reached_in_ma02")
    assert reached_02.value == 3 and reached_02.hidden
    assert cell("planning_beneficiaries").hidden or cell("planning_reached_in_ma01").hidden


def test_five_associations_running_projects_in_one_region_are_shown():
    for _ in range(5):
        with_projects(AssociationFactory(), [("MA-09", "running"), (None, "planned")], reached=2)
    rebuild()
    shown = cell("planning_projects_in_ma09")
    assert shown.value == 5 and not shown.hidden
    assert cell("planning_running_in_ma09").value == 5 and not cell("planning_running_in_ma09").hidden
    assert cell("planning_reached_in_ma09").value == 10 and not cell("planning_reached_in_ma09").hidden
    none = cell("planning_projects_in_none")
    assert none.value == 5 and not none.hidden


def test_the_provider_costs_two_queries_whatever_the_associations_and_projects():
    def queries_for(count: int, places) -> int:
        ids = [with_projects(AssociationFactory(), places).pk for _ in range(count)]
        with cross_tenant_read(reason="test"), CaptureQueriesContext(connection) as captured:
            rows = list(PROVIDERS["planning"](ids, today=timezone.localdate()))
        assert {row[0] for row in rows} == set(ids)
        for _association, _year, indicator, value in rows:
            assert indicator in INDICATORS and isinstance(value, int)
        return len(captured.captured_queries)

    few = queries_for(2, [("MA-01", "running")])
    many = queries_for(6, [(f"MA-{n:02d}", "running") for n in range(1, 13)] + [(None, "done")] * 3)
    assert few == many == 2


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_dashboard_shows_the_projects_by_the_region_where_they_run(client, language):
    for _ in range(5):
        with_projects(AssociationFactory(), [("MA-01", "running"), (None, "planned")], reached=4)
    rebuild()
    client.force_login(UserFactory(email="reviewer@interieur.gov.ma", is_ministry_reviewer=True))
    client.cookies["django_language"] = language
    html = client.get(reverse("ministry:dashboard")).content.decode()
    titles = {
        "en": ("Development projects by the region where they run", "region not given"),
        "fr": ("Projets de développement par région d'intervention", "région non renseignée"),
        "ar": ("المشاريع التنموية حسب جهة التنفيذ", "جهة غير مصرّح بها"),
    }[language]
    for text in titles:
        assert text.replace("'", "&#x27;") in html
    region = Region.objects.get(code="MA-01")
    assert (region.name_ar if language == "ar" else region.name_fr) in html
    assert 'id="b-planning_place_reached"' in html
    table = html.split('id="b-planning_place_projects"')[1].split("</section>")[0]
    assert "&lt;5" in table or ">5<" in table


def test_the_table_exports_with_its_regions(client):
    for _ in range(5):
        with_projects(AssociationFactory(), [("MA-01", "running")])
    rebuild()
    client.force_login(UserFactory(email="reviewer@interieur.gov.ma", is_ministry_reviewer=True))
    client.cookies["django_language"] = "fr"
    url = reverse("ministry:export_table", args=["planning_place_projects", "csv"])
    body = client.get(url).content.decode()
    assert Region.objects.get(code="MA-01").name_fr in body and "région non renseignée" in body
    assert Decimal(5) == Decimal(cell("planning_projects_in_ma01").value)
