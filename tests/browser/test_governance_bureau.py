"""The bureau register and a declaration to the local authority, in a real browser (Arabic and
French, phone and desktop): each page passes `Visit.check` (lang/dir, no sideways scroll,
contrast, target size, no untranslated string); screenshots under var/browser/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from members import services as member_services

from .support import PASSWORD, TASK_COMBINATIONS, open_visit

tasks = pytest.mark.parametrize(("lang", "size"), TASK_COMBINATIONS)


@pytest.fixture
def bureau_site(live_db):
    association = AssociationFactory(
        slug="tilila", name_ar="جمعية تيليلا للتنمية", name_fr="Association Tilila"
    )
    president = UserFactory(email="rachida@example.ma", full_name="رشيدة بناني", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    with association_scope(association):
        member = member_services.member_admit(
            actor=president,
            first_name_ar="فاطمة",
            last_name_ar="الزهراء",
            first_name_latin="Fatima",
            last_name_latin="Zahra",
            phone="0661234567",
            cin="JK445566",
            nationality="مغربية",
        )
    return {"server": live_db, "association": association, "president": president, "member": member}


@tasks
def test_record_the_bureau_and_open_its_declaration(browser, bureau_site, request, lang, size):
    visit = open_visit(
        browser, bureau_site["server"], request, lang, size, session_user=bureau_site["president"]
    )
    page = visit.page
    visit.goto("/a/tilila/governance/bureau/")
    visit.check("bureau-empty")
    form = page.locator("form[action='/a/tilila/governance/bureau/mandates/new/']")
    form.locator("select[name=member]").select_option(str(bureau_site["member"].pk))
    form.locator("select[name=office]").select_option("treasurer")
    form.locator("input[name=starts_on]").fill(timezone.localdate().isoformat())
    form.locator("[type=submit]").click()
    page.wait_for_url(re.compile(r"/governance/bureau/$"))
    assert page.locator("text=JK445566").count()  # the president sees CIN numbers
    visit.check("bureau")
    visit.goto("/a/tilila/governance/declarations/")
    page.locator("select[name=kind]").select_option("bureau")
    page.locator("input[name=changed_on]").fill(timezone.localdate().isoformat())
    page.locator("form:has(select[name=kind]) [type=submit]").click()
    page.wait_for_url(re.compile(r"/governance/declarations/\d+/$"))
    visit.check("declaration")
    visit.goto("/a/tilila/governance/minutes/")
    visit.check("minutes")
    visit.goto("/a/tilila/governance/reports/")
    visit.check("reports")
