"""The assembly's day in a real browser, on a phone (360 px), in Arabic, French and English: an
officer checks members in at the door (name search as they type, then the card field refusing a
code that is no member card), and a member casts a secret ballot from their portal and gets their
receipt once. Every page passes `Visit.check` (lang/dir, no sideways scroll, contrast, target
size, no untranslated string) at the phone's size and at the desktop's; screenshots under
var/browser/."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from governance import services
from governance.models import AgendaItem, Attendance, Ballot, Participation
from members import services as member_services

from .support import PASSWORD, open_visit

on_a_phone = pytest.mark.parametrize(
    ("lang", "size"), [pytest.param(lang, "phone", id=f"{lang}-phone") for lang in ("ar", "fr", "en")]
)
# What the door's search is typed with: the script a volunteer at the door would use.
SEARCH = {"ar": "فاطمة", "fr": "Fatima", "en": "Zahra"}


@pytest.fixture
def assembly_day(live_db):
    """An association in session: its president (who checks people in), three members — the first
    with an account — and an ordinary assembly convened a month ago for today, opened."""
    association = AssociationFactory(
        slug="tilila", name_ar="جمعية تيليلا للتنمية", name_fr="Association Tilila pour le développement"
    )
    president = UserFactory(email="rachida@example.ma", full_name="رشيدة بناني", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    voter = UserFactory(email="fatima@example.ma", full_name="فاطمة الزهراء", password=PASSWORD)
    RoleFactory(association=association, user=voter, kind=RoleKind.MEMBER)
    zone = timezone.get_current_timezone()
    nine = datetime.datetime.combine(timezone.localdate(), datetime.time(9)).replace(tzinfo=zone)
    with association_scope(association):
        members = [
            member_services.member_admit(
                actor=president, first_name_ar=ar_first, last_name_ar=ar_last,
                first_name_latin=latin_first, last_name_latin=latin_last, phone=phone,
            )
            for ar_first, ar_last, latin_first, latin_last, phone in [
                ("فاطمة", "الزهراء", "Fatima", "Zahra", "0661234567"),
                ("يوسف", "العلوي", "Youssef", "Alaoui", "0662345678"),
                ("خديجة", "بنسعيد", "Khadija", "Bensaid", "0663456789"),
            ]
        ]  # fmt: skip
        members[0].user = voter
        members[0].save(update_fields=["user"])
        assembly = services.assembly_create(
            actor=president,
            values={"title": "الجمع العام العادي 2026", "first_call_at": nine, "place": "دار الشباب"},
        )
        services.agenda_item_add(
            actor=president, assembly_id=assembly.pk, kind="resolution", title="المصادقة على الميزانية"
        )
        services.assembly_convene(
            actor=president, assembly_id=assembly.pk, now=nine - datetime.timedelta(days=30)
        )
        services.assembly_open(actor=president, assembly_id=assembly.pk)
    return {
        "server": live_db,
        "association": association,
        "president": president,
        "voter": voter,
        "members": members,
        "assembly": assembly,
    }


@on_a_phone
def test_the_door_checks_a_member_in_by_name(browser, assembly_day, request, lang, size):
    assembly, fatima = assembly_day["assembly"], assembly_day["members"][0]
    visit = open_visit(
        browser, assembly_day["server"], request, lang, size, session_user=assembly_day["president"]
    )
    page = visit.page
    door = f"/a/tilila/governance/assemblies/{assembly.pk}/door/"
    visit.goto(door)
    assert page.locator("#quorum .fs-3").inner_text().replace(" ", "") == "0/3"  # nobody in, of three
    visit.check("door")
    # The search answers as the name is typed (HTMX), in the script the volunteer uses.
    page.locator("input[name=q]").press_sequentially(SEARCH[lang], delay=30)
    result = page.locator("#door-results li", has_text=str(fatima.number))
    result.wait_for()
    assert page.locator("#door-results li").count() == 1
    visit.check("door-search")
    result.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/door/$"))
    assert page.locator(".alert-success").count() == 1
    assert page.locator("#quorum .fs-3").inner_text().replace(" ", "") == "1/3"
    visit.check("door-checked-in")
    # The same person searched again shows as already in: no second check-in button.
    page.locator("input[name=q]").press_sequentially(SEARCH[lang], delay=30)
    page.locator("#door-results li .badge").wait_for()
    assert page.locator("#door-results li button").count() == 0
    # A scanned code that is no member card of the association: refused, said in the language.
    page.locator("input[name=card]").fill("https://example.ma/verify/not-a-real-card-token")
    page.locator("form:has(input[name=card]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/door/$"))
    assert page.locator(".alert-danger").count() == 1
    visit.check("door-bad-card")
    with association_scope(assembly_day["association"]):
        assert list(Attendance.objects.filter(assembly=assembly).values_list("member_id", flat=True)) == [
            fatima.pk
        ]


@on_a_phone
def test_a_member_votes_on_their_phone_and_sees_the_receipt_once(browser, assembly_day, request, lang, size):
    assembly, members = assembly_day["assembly"], assembly_day["members"]
    president = assembly_day["president"]
    with association_scope(assembly_day["association"]):
        for member in members[:2]:
            services.attendance_check_in(actor=president, assembly_id=assembly.pk, member_id=member.pk)
        item = AgendaItem.objects.get(assembly=assembly)
        poll = services.poll_create(actor=president, agenda_item_id=item.pk)
        services.poll_open(actor=president, poll_id=poll.pk)
    visit = open_visit(
        browser, assembly_day["server"], request, lang, size, session_user=assembly_day["voter"]
    )
    page = visit.page
    visit.goto("/a/tilila/my/")
    visit.check("portal-vote-open")
    page.locator(f"a[href='/a/tilila/governance/polls/{poll.pk}/vote/']").first.click()
    page.wait_for_url(re.compile(r"/vote/$"))
    visit.check("ballot")
    page.locator("button[name=choice][value=for]").click()
    page.wait_for_load_state("load")
    receipt = page.locator(".alert-success .font-monospace").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", receipt), receipt
    assert page.locator("button[name=choice]").count() == 0  # no vote left in hand
    visit.check("ballot-receipt")
    # Shown once: the page seen again holds no receipt and no ballot form.
    visit.goto(f"/a/tilila/governance/polls/{poll.pk}/vote/")
    assert receipt not in page.content() and page.locator("button[name=choice]").count() == 0
    visit.check("ballot-after")
    # The receipt page says the code is counted (never how it voted).
    visit.goto(f"/a/tilila/governance/polls/{poll.pk}/receipt/?code={receipt.lower()}")
    assert page.locator(".alert-success").count() == 1
    visit.check("receipt-check")
    with association_scope(assembly_day["association"]):
        assert (
            Ballot.objects.filter(poll=poll).count() == Participation.objects.filter(poll=poll).count() == 1
        )
        assert Ballot.objects.get(poll=poll).receipt_code == receipt
