"""The strategic plan and its projects in a real browser (Arabic on a phone, French and English on a
desktop): a plan written, given an objective and a programme, adopted by a voted resolution through
its confirmation; a project created on a new project of the books, and a project whose page reads
its funders and its budget against actual from the books. Each page passes `Visit.check`
(lang/dir, no sideways scroll, contrast, target size, no untranslated string); screenshots under
var/browser/."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from members import services as member_services

from .support import PASSWORD, TASK_COMBINATIONS, open_visit

tasks = pytest.mark.parametrize(
    ("lang", "size"), [*TASK_COMBINATIONS, pytest.param("en", "desktop", id="en-desktop")]
)

WORDS = {
    "ar": {"plan": "مخطط التنمية", "objective": "تحسين التمدرس", "programme": "الدعم المدرسي", "name": "بئر الدوار"},
    "fr": {"plan": "Plan de développement", "objective": "Améliorer la scolarité", "programme": "Soutien scolaire",
           "name": "Puits du douar"},
    "en": {"plan": "Development plan", "objective": "Better schooling", "programme": "School support",
           "name": "Village well"},
}  # fmt: skip


@pytest.fixture
def planning_site(live_db):
    from finance import selectors as finance_selectors
    from finance.models import Account, Journal
    from finance.services import funding as funding_services
    from finance.services.budget import budget_save
    from finance.services.entries import LineInput, entry_create
    from finance.services.projects import project_save
    from governance.models import AgendaItem, Assembly, Poll, PollMethod, PollStatus

    association = AssociationFactory(slug="tafraout", name_ar="جمعية تافراوت", name_fr="Association Tafraout")
    president = UserFactory(email="amina@example.ma", full_name="أمينة الإدريسي", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    with association_scope(association):
        member = member_services.member_admit(
            actor=president,
            first_name_ar="يوسف",
            last_name_ar="أمزيان",
            first_name_latin="Youssef",
            last_name_latin="Amzian",
            phone="0661234568",
            cin="JK445567",
            nationality="مغربية",
        )
        held = timezone.now() - datetime.timedelta(days=2)
        assembly = Assembly.objects.create(
            title="AG",
            status="closed",
            first_call_at=held,
            opened_at=held,
            closed_at=held,
            created_by=president,
        )
        item = AgendaItem.objects.create(assembly=assembly, position=1, kind="resolution", title="2027-2029")
        Poll.objects.create(
            assembly=assembly, agenda_item=item, question="OK", method=PollMethod.SHOW_OF_HANDS,
            status=PollStatus.CLOSED, present_count=9, members_count=12, hands_for=8, hands_against=1,
            hands_abstain=0,
        )  # fmt: skip
        year = finance_selectors.current_year()
        books = project_save(
            actor=president, code="ECOLE", name_ar="مدرسة الدوار", name_fr="École du douar", budget="30000"
        )
        supplies, cash = Account.objects.get(code="6125"), Account.objects.get(code="5161")
        entry_create(
            actor=president, journal_id=Journal.objects.get(code="CAI").pk, date=year.start_date,
            label="Fournitures", post=True,
            lines=[LineInput(supplies.pk, debit="1250.00", project_id=books.pk), LineInput(cash.pk, credit="1250.00")],
        )  # fmt: skip
        budget_save(actor=president, year_id=year.pk, amounts={supplies.pk: "5000"}, project_id=books.pk)
        funder = funding_services.funder_create(actor=president, name="مؤسسة الأطلس", funder_type="indh")
        grant = funding_services.grant_create(
            actor=president, funder_id=funder.pk, name="Convention 12/2026", amount_granted="20000"
        )
        grant.project = books
        grant.save(update_fields=["project"])
    return {"server": live_db, "president": president, "member": member, "item": item, "books": books}


@tasks
def test_write_adopt_and_follow_the_plan(browser, planning_site, request, lang, size):
    from planning.models import Plan, Project

    words = WORDS[lang]
    year = timezone.localdate().year
    visit = open_visit(
        browser, planning_site["server"], request, lang, size, session_user=planning_site["president"]
    )
    page = visit.page
    visit.goto("/a/tafraout/planning/")
    visit.check("plan-empty")
    page.locator("a[href='/a/tafraout/planning/plans/new/']").first.click()
    page.locator("#id_starts_year").wait_for()
    page.fill("#id_title_ar" if lang == "ar" else "#id_title_fr", words["plan"])
    page.fill("#id_starts_year", str(year + 1))
    page.fill("#id_ends_year", str(year))  # refused: the last year is before the first
    page.locator("form [type=submit]").last.click()
    page.locator(".invalid-feedback").first.wait_for()
    visit.check("plan-form-refused")
    page.fill("#id_ends_year", str(year + 2))
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/planning/plans/\d+/$"))
    plan_url = page.url
    page.locator("a[href$='/objectives/new/']").click()
    page.fill("#id_code", "O1")
    page.fill("#id_text_ar" if lang == "ar" else "#id_text_fr", words["objective"])
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(plan_url)
    page.locator("a[href$='/programmes/new/']").first.click()
    page.fill("#id_code", "P1")
    page.fill("#id_title_ar" if lang == "ar" else "#id_title_fr", words["programme"])
    page.fill("#id_starts_on", f"{year + 1}-01-01")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(plan_url)

    # A second objective with a programme under it: the objective cannot go while the programme hangs
    # on it (the page says so and offers no button); the programme goes, then the objective, each
    # behind its confirmation.
    page.locator("a[href$='/objectives/new/']").click()
    page.fill("#id_code", "O2")
    page.fill("#id_text_ar" if lang == "ar" else "#id_text_fr", words["objective"] + " 2")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(plan_url)
    page.locator("a[href$='/programmes/new/']").last.click()
    page.fill("#id_code", "P2")
    page.fill("#id_title_ar" if lang == "ar" else "#id_title_fr", words["programme"] + " 2")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(plan_url)
    with association_scope(planning_site["books"].association):
        from planning.models import Objective, Programme

        second = Objective.objects.get(code="O2")
        second_programme = Programme.objects.get(code="P2")
    page.locator(f"a[href$='/objectives/{second.pk}/remove/']").click()
    page.locator(".alert-danger").wait_for()
    assert "O2" in page.locator(".alert-danger").inner_text() and page.locator("text=P2").count()
    assert not page.locator("input[name=confirm]").count()
    visit.check("remove-refused")
    page.locator(".alert-danger ~ a").click()
    page.wait_for_url(plan_url)
    page.locator(f"a[href$='/programmes/{second_programme.pk}/remove/']").click()
    confirm = page.locator("form:has(input[name=confirm]) [type=submit]")
    confirm.wait_for()
    visit.check("remove-programme-confirm")
    confirm.click()
    page.wait_for_url(plan_url)
    page.locator(f"a[href$='/objectives/{second.pk}/remove/']").click()
    confirm.wait_for()
    visit.check("remove-objective-confirm")
    confirm.click()
    page.wait_for_url(plan_url)
    assert not page.locator(f"a[href$='/objectives/{second.pk}/remove/']").count()
    with association_scope(planning_site["books"].association):
        assert list(Objective.objects.values_list("code", flat=True)) == ["O1"]
        assert list(Programme.objects.values_list("code", flat=True)) == ["P1"]
    visit.check("plan-draft")
    page.locator("a[href$='/adopt/']").click()
    page.locator("select[name=agenda_item]").select_option(str(planning_site["item"].pk))
    visit.check("adopt-form")
    page.locator("form [type=submit]").last.click()
    confirm = page.locator("form:has(input[name=confirm]) [type=submit]")
    confirm.wait_for()
    visit.check("adopt-confirm")
    confirm.click()
    page.wait_for_url(plan_url)
    assert page.locator(".alert-success").count()
    visit.check("plan-adopted")

    # A project on a new project of the books, with its goals.
    visit.goto("/a/tafraout/planning/projects/new/")
    page.fill("#id_code", "PUITS")
    page.fill("#id_name_ar", words["name"] if lang == "ar" else "بئر")
    page.fill("#id_name_fr", words["name"] if lang != "ar" else "Puits")
    page.fill("#id_budget", "8000")
    page.locator("select[name=programme]").select_option(index=1)
    page.locator("select[name=responsible]").select_option(str(planning_site["member"].pk))
    page.locator("input[name=sdg_goals][value='6']").check()
    page.locator("input[name=sdg_goals][value='3']").check()
    visit.check("project-form")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/planning/projects/\d+/$"))
    visit.check("project-new")

    # The project on the books' ECOLE: its funders and its budget against actual.
    with association_scope(planning_site["books"].association):
        from planning import services

        school = services.project_create(
            actor=planning_site["president"], finance_project_id=planning_site["books"].pk, status="running"
        )
    visit.goto(f"/a/tafraout/planning/projects/{school.pk}/")
    assert page.locator("text=Convention 12/2026").count()
    assert "1" in page.locator("[data-actual-expenses]").inner_text()
    visit.check("project-money")
    visit.goto("/a/tafraout/planning/projects/?status=running")
    assert page.locator("text=ECOLE").count() and not page.locator("text=PUITS").count()
    visit.check("projects-filtered")
    with association_scope(planning_site["books"].association):
        assert Plan.objects.get().status == "adopted" and Project.objects.count() == 2
