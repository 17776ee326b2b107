"""Plan and project pages: every page in every language, who sees and who writes, adoption behind a
confirmation, forms that refuse bad input and change nothing, the project list's query count, and
the project's budget against actual read from the books."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.models import AuditEvent
from associations.tenancy import association_scope
from planning import services
from planning.models import Plan, PlanStatus, Project

YEAR = timezone.localdate().year


def url(tenant, name, **kwargs):
    return reverse(f"planning:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def client_of(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _pages(tenant):
    return [
        ("home", {}),
        ("plan_new", {}),
        ("plan", {"plan_id": tenant.plan.pk}),
        ("plan_edit", {"plan_id": tenant.plan.pk}),
        ("plan_adopt", {"plan_id": tenant.plan.pk}),
        ("plan_new_version", {"plan_id": tenant.plan.pk}),
        ("objective_new", {"plan_id": tenant.plan.pk}),
        ("objective_edit", {"objective_id": tenant.objective.pk}),
        ("objective_remove", {"objective_id": tenant.objective.pk}),
        ("programme_new", {"objective_id": tenant.objective.pk}),
        ("programme_edit", {"programme_id": tenant.programme.pk}),
        ("programme_remove", {"programme_id": tenant.programme.pk}),
        ("projects", {}),
        ("project_new", {}),
        ("project", {"planning_project_id": tenant.planning_project.pk}),
        ("project_edit", {"planning_project_id": tenant.planning_project.pk}),
    ]


MANAGE_PAGES = {
    "plan_new",
    "plan_edit",
    "plan_adopt",
    "plan_new_version",
    "objective_new",
    "objective_edit",
    "programme_new",
    "programme_edit",
    "objective_remove",
    "programme_remove",
    "project_new",
    "project_edit",
}


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_pages_render_in_every_language(tenant_a, language):
    client = client_of(tenant_a.president, language)
    for name, kwargs in _pages(tenant_a):
        response = client.get(url(tenant_a, name, **kwargs))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert f'lang="{language}"' in body
        if language == "ar":
            assert 'dir="rtl"' in body


def test_who_sees_and_who_writes(tenant_a):
    member, treasurer = client_of(tenant_a.member), client_of(tenant_a.treasurer)
    for name, kwargs in _pages(tenant_a):
        assert member.get(url(tenant_a, name, **kwargs)).status_code == 403, name
        expected = 403 if name in MANAGE_PAGES else 200
        assert treasurer.get(url(tenant_a, name, **kwargs)).status_code == expected, name
    page = client_of(tenant_a.president).get(url(tenant_a, "home")).content.decode()
    assert url(tenant_a, "plan_edit", plan_id=tenant_a.plan.pk) in page
    page = treasurer.get(url(tenant_a, "home")).content.decode()
    assert url(tenant_a, "plan_edit", plan_id=tenant_a.plan.pk) not in page


def test_the_menu_leads_to_the_plan(tenant_a):
    body = client_of(tenant_a.president).get(url(tenant_a, "projects")).content.decode()
    assert f'href="{url(tenant_a, "home")}"' in body


def test_the_plan_page_shows_objectives_programmes_and_versions(tenant_a):
    body = client_of(tenant_a.president).get(url(tenant_a, "home")).content.decode()
    assert "Plansecreta" in body and "Programmesecreta" in body and "O1" in body
    assert "Plans and versions" in body


def test_a_bad_plan_in_arabic_shows_the_error_and_changes_nothing(tenant_a):
    client = client_of(tenant_a.president, "ar")
    with association_scope(tenant_a.association):
        before = list(Plan.objects.values())
    response = client.post(
        url(tenant_a, "plan_edit", plan_id=tenant_a.plan.pk),
        {"title_fr": "Changed", "starts_year": str(YEAR + 3), "ends_year": str(YEAR)},
    )
    assert response.status_code == 400
    assert "السنة الأخيرة" in response.content.decode()
    with association_scope(tenant_a.association):
        assert list(Plan.objects.values()) == before


def test_a_programme_ending_before_it_starts_is_refused(tenant_a):
    client = client_of(tenant_a.president, "fr")
    response = client.post(
        url(tenant_a, "programme_new", objective_id=tenant_a.objective.pk),
        {
            "objective": tenant_a.objective.pk,
            "code": "P9",
            "title_fr": "Santé",
            "starts_on": f"{YEAR}-06-01",
            "ends_on": f"{YEAR}-05-01",
        },
    )
    assert response.status_code == 400
    assert "La date de fin est antérieure à la date de début." in response.content.decode()
    with association_scope(tenant_a.association):
        assert not tenant_a.objective.programmes.filter(code="P9").exists()


def _resolution(tenant):
    from planning.tests.test_services import _resolution as make

    with association_scope(tenant.association):
        return make(tenant)


def test_adoption_goes_through_a_confirmation(tenant_a):
    item = _resolution(tenant_a)
    client = client_of(tenant_a.president)
    page = url(tenant_a, "plan_adopt", plan_id=tenant_a.plan.pk)
    assert "Strategic plan" in client.get(page).content.decode()  # the resolution is offered
    confirm = client.post(page, {"agenda_item": item.pk})
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.content.decode()
    with association_scope(tenant_a.association):
        assert Plan.objects.get(pk=tenant_a.plan.pk).status == PlanStatus.DRAFT
    done = client.post(page, {"agenda_item": item.pk, "confirm": "yes"})
    assert done.status_code == 302
    with association_scope(tenant_a.association):
        plan = Plan.objects.get(pk=tenant_a.plan.pk)
        assert plan.status == PlanStatus.ADOPTED and plan.adopted_by_id == item.pk
    body = client.get(url(tenant_a, "home")).content.decode()
    assert "Adopted on" in body and f"/governance/assemblies/{item.assembly_id}/" in body
    # A new version, behind its own confirmation.
    version_page = url(tenant_a, "plan_new_version", plan_id=tenant_a.plan.pk)
    assert client.get(version_page).status_code == 200
    with association_scope(tenant_a.association):
        assert Plan.objects.count() == 1
    assert client.post(version_page, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        draft = Plan.objects.get(previous=tenant_a.plan)
        assert draft.status == PlanStatus.DRAFT and draft.objectives.count() == 1


def test_creating_a_project_with_a_new_finance_project(tenant_a):
    form = client_of(tenant_a.president, "fr").get(url(tenant_a, "project_new")).content.decode()
    assert "4 · Éducation de qualité" in form  # the goals in the reader's language
    client = client_of(tenant_a.president)
    response = client.post(
        url(tenant_a, "project_new"),
        {
            "code": "WELL",
            "name_ar": "بئر",
            "name_fr": "Puits",
            "budget": "5000",
            "status": "planned",
            "programme": tenant_a.programme.pk,
            "beneficiaries_planned": "40",
            "sdg_goals": ["6", "3"],
        },
    )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        project = Project.objects.select_related("finance_project").get(finance_project__code="WELL")
        assert project.sdg_goals == [3, 6] and project.finance_project.budget == Decimal("5000.00")
    body = client.get(response["Location"]).content.decode()
    assert "Clean water and sanitation" in body


def test_a_bad_project_edit_changes_nothing(tenant_a):
    from associations.models import Province

    province = Province.objects.order_by("pk").first()
    other_region = (
        Province.objects.exclude(region=province.region).values_list("region_id", flat=True).first()
    )
    client = client_of(tenant_a.president, "fr")
    with association_scope(tenant_a.association):
        before = list(Project.objects.values())
        events = AuditEvent.objects.count()
    response = client.post(
        url(tenant_a, "project_edit", planning_project_id=tenant_a.planning_project.pk),
        {"status": "running", "region": other_region, "province": province.pk, "beneficiaries_planned": "12"},
    )
    assert response.status_code == 400
    assert "Cette province n&#x27;est pas dans la région choisie." in response.content.decode()
    with association_scope(tenant_a.association):
        assert list(Project.objects.values()) == before and AuditEvent.objects.count() == events


def test_the_project_list_filters_by_status_and_programme(tenant_a):
    from finance.services.projects import project_save

    with association_scope(tenant_a.association):
        other = project_save(actor=tenant_a.president, code="ZZZ", name_ar="ز", name_fr="Zeta")
        services.project_create(actor=tenant_a.president, finance_project_id=other.pk, status="done")
    client = client_of(tenant_a.president)
    everything = client.get(url(tenant_a, "projects")).content.decode()
    assert "Zeta" in everything and "project-secret-a" in everything
    done = client.get(url(tenant_a, "projects") + "?status=done").content.decode()
    assert "Zeta" in done and "project-secret-a" not in done
    in_programme = client.get(
        url(tenant_a, "projects") + f"?programme={tenant_a.programme.pk}"
    ).content.decode()
    assert "Zeta" not in in_programme and "project-secret-a" in in_programme


def test_the_project_list_is_paged_and_keeps_its_filters(tenant_a):
    from finance.services.projects import project_save
    from planning.views import PROJECTS_PER_PAGE

    with association_scope(tenant_a.association):
        for number in range(PROJECTS_PER_PAGE + 5):
            finance_project = project_save(
                actor=tenant_a.president, code=f"R{number:03d}", name_ar="م", name_fr=f"Row {number:03d}"
            )
            services.project_create(
                actor=tenant_a.president, finance_project_id=finance_project.pk, status="done"
            )
    client = client_of(tenant_a.president)
    first = client.get(url(tenant_a, "projects") + "?status=done").content.decode()
    assert "Row 000" in first and f"Row {PROJECTS_PER_PAGE - 1:03d}" in first
    assert f"Row {PROJECTS_PER_PAGE:03d}" not in first
    assert "?status=done&amp;page=2" in first
    second = client.get(url(tenant_a, "projects") + "?status=done&page=2").content.decode()
    assert f"Row {PROJECTS_PER_PAGE + 4:03d}" in second and "Row 000" not in second
    assert "project-secret-a" not in second


def test_the_project_list_query_count_does_not_grow(tenant_a):
    from finance.services.projects import project_save

    client = client_of(tenant_a.president)
    client.get(url(tenant_a, "projects"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "projects"))
    with association_scope(tenant_a.association):
        for number in range(8):
            finance_project = project_save(
                actor=tenant_a.president, code=f"Q{number}", name_ar="م", name_fr=f"Q {number}"
            )
            services.project_create(
                actor=tenant_a.president,
                finance_project_id=finance_project.pk,
                programme_id=tenant_a.programme.pk,
                province_id=1,
                responsible_id=tenant_a.member_row.pk,
            )
    with CaptureQueriesContext(connection) as many:
        client.get(url(tenant_a, "projects"))
    assert len(many) == len(few)


def test_the_project_page_reads_its_money_from_the_books(tenant_a):
    """The actual is the books' total of the posted lines carrying the project; the budget is the
    project's budget lines; the funders are the grants restricted to it."""
    from finance.models import Account, EntryLine, Grant
    from finance.services.budget import budget_save
    from finance.services.entries import LineInput, entry_create

    with association_scope(tenant_a.association):
        year, project = tenant_a.fiscal_year, tenant_a.project
        supplies, cash = Account.objects.get(code="6125"), Account.objects.get(code="5161")
        for amount in ("400.00", "125.50"):
            entry_create(
                actor=tenant_a.treasurer,
                journal_id=tenant_a.journal.pk,
                date=year.start_date,
                label="Fournitures",
                post=True,
                lines=[
                    LineInput(supplies.pk, debit=amount, project_id=project.pk),
                    LineInput(cash.pk, credit=amount),
                ],
            )
        entry_create(  # a draft counts for nothing
            actor=tenant_a.treasurer,
            journal_id=tenant_a.journal.pk,
            date=year.start_date,
            label="Brouillon",
            lines=[
                LineInput(supplies.pk, debit="999.00", project_id=project.pk),
                LineInput(cash.pk, credit="999.00"),
            ],
        )
        budget_save(
            actor=tenant_a.treasurer, year_id=year.pk, amounts={supplies.pk: "1000"}, project_id=project.pk
        )
        books = EntryLine.objects.filter(
            project=project, fiscal_year=year, entry_status="posted", account__account_class=6
        ).aggregate(total=Sum(F("debit") - F("credit")))["total"]
        Grant.objects.filter(pk=tenant_a.grant.pk).update(project=project)
    assert books == Decimal("525.50")
    response = client_of(tenant_a.president).get(
        url(tenant_a, "project", planning_project_id=tenant_a.planning_project.pk) + f"?year={year.pk}"
    )
    money = response.context["money"]
    assert money.actual_expenses == books and money.budget_expenses == Decimal("1000.00")
    assert money.used_percent == Decimal("52.6")
    body = response.content.decode()
    assert "grant-secret-a" in body and "Funder a" in body
    assert [grant.pk for grant in response.context["funders"]] == [tenant_a.grant.pk]


def test_the_project_page_links_to_its_tracking_and_its_sheet(tenant_a):
    from django.urls import reverse

    body = (
        client_of(tenant_a.president)
        .get(url(tenant_a, "project", planning_project_id=tenant_a.planning_project.pk))
        .content.decode()
    )
    kwargs = {
        "association_slug": tenant_a.association.slug,
        "planning_project_id": tenant_a.planning_project.pk,
    }
    for name in (
        "planning_tracking:activities",
        "planning_tracking:indicators",
        "planning_outputs:project_sheet",
    ):
        assert reverse(name, kwargs=kwargs) in body


def test_dates_shown_are_days(tenant_a):
    with association_scope(tenant_a.association):
        services.programme_save(
            actor=tenant_a.president,
            objective_id=tenant_a.objective.pk,
            programme_id=tenant_a.programme.pk,
            code="P1",
            title_fr="Programmesecreta",
            starts_on=datetime.date(YEAR, 2, 1),
        )
    body = client_of(tenant_a.president).get(url(tenant_a, "home")).content.decode()
    assert f"01/02/{YEAR}" in body


def test_the_plan_page_query_count_does_not_grow(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "plan", plan_id=tenant_a.plan.pk)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    with association_scope(tenant_a.association):
        for number in range(2, 6):
            objective = services.objective_save(
                actor=tenant_a.president,
                plan_id=tenant_a.plan.pk,
                code=f"O{number}",
                text_fr=f"Goal {number}",
            )
            for letter in "ab":
                services.programme_save(
                    actor=tenant_a.president,
                    objective_id=objective.pk,
                    code=f"P{number}{letter}",
                    title_fr="T",
                )
    with CaptureQueriesContext(connection) as many:
        body = client.get(page).content.decode()
    assert "P5b" in body
    assert len(many) == len(few)
