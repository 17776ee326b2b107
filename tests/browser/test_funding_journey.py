"""The treasurer's funding pages in a real browser: a gift recorded through its confirmation, a
foreign grant's instalment opening its declaration, the treasurer's home and public money; checked
by `Visit.check` (lang/dir, no sideways scroll, contrast, targets, no untranslated string)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from finance.models import Account, Donation, FiscalYear, ForeignDeclaration
from finance.services import funding as funding_services

from .support import PASSWORD, TASK_COMBINATIONS, open_visit

tasks = pytest.mark.parametrize(("lang", "size"), TASK_COMBINATIONS)


@pytest.fixture
def treasury(live_db):
    association = AssociationFactory(slug="amal", name_ar="جمعية الأمل", name_fr="Association Amal")
    treasurer = UserFactory(email="nadia@example.ma", full_name="نادية العلوي", password=PASSWORD)
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    with association_scope(association):
        year = FiscalYear.objects.filter(start_date__lte=date.today(), end_date__gte=date.today()).first()
        funder = funding_services.funder_create(
            actor=treasurer,
            name="Fondation Méditerranée",
            funder_type="foreign_organisation",
            country="Espagne",
        )
        grant = funding_services.grant_create(
            actor=treasurer, funder_id=funder.pk, name="Puits", amount_granted="50000"
        )
        donor = funding_services.donor_create(actor=treasurer, kind="person", name="سعيد", cin="AB12345")
    return {"server": live_db, "treasurer": treasurer, "grant": grant, "donor": donor, "year": year}


@tasks
def test_record_a_gift_and_a_foreign_instalment(browser, treasury, request, lang, size):
    visit = open_visit(browser, treasury["server"], request, lang, size, session_user=treasury["treasurer"])
    page = visit.page
    visit.goto(f"/a/amal/finance/funding/donors/{treasury['donor'].pk}/donation/")
    visit.check("donation-form")
    page.fill("#id_amount", "250")
    page.locator("form [type=submit]").last.click()
    page.locator("button[name=confirm]").wait_for()
    visit.check("donation-confirm")
    page.locator("button[name=confirm]").click()
    page.wait_for_url(re.compile(r"/donors/\d+/$"))
    visit.check("donor")
    visit.goto(f"/a/amal/finance/funding/grants/{treasury['grant'].pk}/instalment/")
    page.fill("#id_amount", "20000")
    page.locator("form [type=submit]").last.click()
    page.locator("button[name=confirm]").click()
    page.wait_for_url(re.compile(r"/grants/\d+/$"))
    visit.check("grant")
    visit.goto("/a/amal/finance/funding/")
    visit.check("treasurer-home")
    visit.goto("/a/amal/finance/funding/declarations/")
    visit.check("declarations")
    visit.goto("/a/amal/finance/funding/public-money/")
    visit.check("public-money")
    with association_scope(treasury["grant"].association):
        assert Donation.objects.count() == 1 and ForeignDeclaration.objects.count() == 1
        assert Account.objects.get(code="71615")
