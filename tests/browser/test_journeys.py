"""Real tasks in a real browser, in Arabic and French, on a 360-px phone and a 1366-px desktop.

Each page on the way is checked by `Visit.check` (conftest.py): lang and dir, no sideways scroll,
WCAG contrast and target size, no untranslated string; its screenshot is kept under var/browser/.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from associations.capabilities import RoleKind
from associations.models import Region, Role
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from members import services as member_services
from members.models import Member

from .support import ARTEFACTS, COMBINATIONS, PASSWORD, TASK_COMBINATIONS, open_visit

tasks = pytest.mark.parametrize(("lang", "size"), TASK_COMBINATIONS)


@pytest.fixture
def site(live_db):
    """An association with its president (who logs in with PASSWORD) and one active member."""
    association = AssociationFactory(
        slug="tilila", name_ar="جمعية تيليلا للتنمية", name_fr="Association Tilila pour le développement"
    )
    president = UserFactory(email="rachida@example.ma", full_name="رشيدة بناني", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    with association_scope(association):
        member = member_services.member_admit(
            actor=president, first_name_ar="فاطمة", last_name_ar="الزهراء", phone="0661234567"
        )
    return {"server": live_db, "association": association, "president": president, "member": member}


@tasks
def test_log_in(browser, site, request, lang, size):
    visit = open_visit(browser, site["server"], request, lang, size)
    visit.goto("/accounts/login/")
    visit.check("login")
    visit.page.fill("input[name=login]", "rachida@example.ma")
    visit.page.fill("input[name=password]", PASSWORD)
    visit.page.locator("form:has(input[name=password]) [type=submit]").first.click()
    visit.page.wait_for_url(re.compile(r"/me/$"))
    visit.check("me")
    assert visit.page.locator("a[href='/a/tilila/']").count()  # the workspace is one click away


@tasks
def test_add_and_find_a_member_in_arabic(browser, site, request, lang, size):
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/members/")
    visit.check("members")
    page.locator("a[href='/a/tilila/members/new/']").first.click()
    page.wait_for_url(re.compile(r"/members/new/$"))
    visit.check("new-member")
    page.fill("#id_first_name_ar", "يوسف")
    page.fill("#id_last_name_ar", "التازي")
    page.fill("#id_phone", "0612345678")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/members/\d+/$"))
    visit.check("member")
    with association_scope(site["association"]):
        assert Member.objects.filter(last_name_ar="التازي", first_name_ar="يوسف").count() == 1

    from playwright.sync_api import expect

    visit.goto("/a/tilila/members/")
    page.fill("input[name=q]", "التازي")  # htmx replaces the results as one types
    results = page.locator("#member-results")
    expect(results.get_by_text("الزهراء")).to_have_count(0)  # the other member is filtered out
    expect(results.get_by_text("التازي")).to_have_count(1)
    visit.check("found")


@tasks
def test_import_a_file(browser, site, request, lang, size, tmp_path):
    upload = tmp_path / "liste-adherents.csv"
    upload.write_text(
        "الاسم الشخصي,الاسم العائلي,الهاتف\nأمينة,العلوي,0611111111\nعمر,بنجلون,0622222222\n",
        encoding="utf-8",
    )
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/members/import/")
    visit.check("upload")
    page.set_input_files("#id_file", str(upload))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/members/import/\d+/$"))
    for index, field in enumerate(("first_name_ar", "last_name_ar", "phone")):
        page.select_option(f"select[name=map_{index}]", field)
    visit.check("columns")
    page.click("button[name=action][value=check]")
    page.locator("button[name=action][value=import]").wait_for()
    visit.check("checked")
    page.click("button[name=action][value=import]")
    page.locator(".alert-success").first.wait_for()
    visit.check("imported")
    with association_scope(site["association"]):
        assert set(Member.objects.values_list("last_name_ar", flat=True)) == {"الزهراء", "العلوي", "بنجلون"}


@tasks
def test_download_a_card(browser, site, request, lang, size):
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto(f"/a/tilila/members/{site['member'].pk}/")
    visit.check("member")
    page.locator(f"form[action='/a/tilila/members/{site['member'].pk}/card/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/a/tilila/documents/$"))
    visit.check("documents")
    with page.expect_download() as caught:
        page.locator("a[href$='/download/']").first.click()
    saved = ARTEFACTS / f"{visit.name}-{lang}-{size}-card.pdf"
    caught.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert caught.value.suggested_filename.endswith(".pdf")


@tasks
def test_invite_and_accept(browser, site, request, lang, size):
    invitee = UserFactory(email="nadia@example.ma", full_name="نادية الإدريسي")
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/roles/")
    visit.check("roles")
    page.fill("#id_email", "nadia@example.ma")
    page.select_option("#id_kind", "member")
    page.locator("form:has(#id_email) [type=submit]").click()
    page.wait_for_url(re.compile(r"/a/tilila/roles/$"))
    visit.check("invited")
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    path = re.search(r"/a/tilila/invitations/accept/[^/\s]+/", mail.outbox[0].body).group(0)

    guest = open_visit(browser, site["server"], request, lang, size, session_user=invitee)
    guest.name += "-invitee"
    guest.goto(path)
    guest.check("accept")
    guest.page.locator("main form [type=submit]").first.click()
    guest.page.wait_for_url(re.compile(r"/a/tilila/$"))
    guest.check("joined")
    with association_scope(site["association"]):
        assert Role.objects.get(user=invitee).kind == RoleKind.MEMBER


@tasks
def test_a_job_page(browser, site, request, lang, size):
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/members/")
    page.locator("form[action='/a/tilila/members/cards/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/a/tilila/jobs/\d+/$"))
    download = page.locator("a[href$='/download/']")
    download.wait_for()  # the sheet of cards was made (tasks run in-process in tests)
    visit.check("job")
    visit.goto("/a/tilila/jobs/")
    visit.check("jobs")


@tasks
def test_volunteers_hours_and_the_inventory(browser, site, request, lang, size):
    """Resources: add a volunteer, refuse negative hours with a translated error, record hours,
    add an item to the inventory and see the premises page."""
    from datetime import timedelta

    from django.utils import timezone

    from resources.models import Asset, VolunteerHours

    days_ago = (timezone.localdate() - timedelta(days=2)).isoformat()

    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/resources/")
    visit.check("volunteers")
    page.locator("a[href='/a/tilila/resources/volunteers/new/']").first.click()
    page.wait_for_url(re.compile(r"/resources/volunteers/new/$"))
    visit.check("new-volunteer")
    page.fill("#id_name_ar", "سعاد المرابط")
    page.fill("#id_skills", "محو الأمية")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/resources/volunteers/\d+/$"))
    visit.check("volunteer")
    page.fill("#id_date", days_ago)
    page.fill("#id_hours", "-2")
    page.fill("#id_activity", "دروس محو الأمية")
    page.locator("main form [type=submit]").first.click()
    page.locator(".invalid-feedback, .alert-danger").first.wait_for()
    visit.check("hours-refused")
    page.fill("#id_hours", "3")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/resources/volunteers/\d+/$"))
    with association_scope(site["association"]):
        assert list(VolunteerHours.objects.values_list("hours", flat=True)) == [3]
    visit.goto("/a/tilila/resources/inventory/new/")
    visit.check("new-item")
    page.fill("#id_name", "حاسوب محمول")
    page.fill("#id_value", "4500")
    page.fill("#id_acquired_on", days_ago)
    page.select_option("#id_acquisition", "donated")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/resources/inventory/$"))
    visit.check("inventory")
    with association_scope(site["association"]):
        assert Asset.objects.filter(acquisition="donated").count() == 1
    visit.goto("/a/tilila/resources/premises/")
    visit.check("premises")


FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const bar = el.closest('.navbar-wasl');
  const box = el.getBoundingClientRect();
  return {
    element: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
    inBar: !!bar, isMain: el.tagName === 'MAIN',
    skip: el.classList.contains('skip-link'), text: el.textContent.trim(),
    box: {top: box.top, left: box.left, width: box.width, height: box.height},
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor, boxShadow: style.boxShadow,
    bar: bar ? getComputedStyle(bar).backgroundColor : null,
  };
}"""


def _rgb(value: str) -> tuple[float, ...]:
    parts = [float(p) for p in re.findall(r"[\d.]+", value)]
    return tuple(parts[:3]) + ((parts[3],) if len(parts) > 3 else (1.0,))


def _contrast(top: str, below: str) -> float:
    """WCAG contrast of a (possibly translucent) colour drawn over an opaque one."""
    *fg, alpha = _rgb(top)
    bg = _rgb(below)[:3]
    fg = [f * alpha + b * (1 - alpha) for f, b in zip(fg, bg, strict=True)]

    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_ring_contrast(focus: dict) -> float:
    """Contrast against the green bar of what marks the focused element: its outline, or else the
    colour of a box-shadow ring at least 2 px wide; 1.0 when nothing marks it."""
    if focus["outlineStyle"] == "auto":  # Chromium's own ring: dark, edged with white
        return max(
            _contrast(focus["outlineColor"], focus["bar"]), _contrast("rgb(255,255,255)", focus["bar"])
        )
    if focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2:
        return _contrast(focus["outlineColor"], focus["bar"])
    shadow = re.match(r"(rgba?\([^)]*\))\s+0px\s+0px\s+0px\s+([\d.]+)px", focus["boxShadow"] or "")
    if shadow and float(shadow.group(2)) >= 2:
        return _contrast(shadow.group(1), focus["bar"])
    return 1.0


@pytest.mark.parametrize(("lang", "size"), COMBINATIONS)
def test_keyboard_skip_link_and_focus_ring_on_the_green_bar(browser, site, request, lang, size):
    visit = open_visit(browser, site["server"], request, lang, size, session_user=site["president"])
    page = visit.page
    visit.goto("/a/tilila/")
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS_JS)
    assert focus["skip"], f"the first Tab stop is {focus['element']}, not the skip link"
    assert focus["box"]["width"] > 40 and focus["box"]["height"] >= 24 and focus["box"]["top"] >= 0, focus
    visit.check("skip-link")  # shown, contrasted, translated
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS_JS)["isMain"], "the skip link does not move the focus to the content"
    assert page.url.endswith("#main")

    visit.goto("/a/tilila/")
    page.keyboard.press("Tab")  # the skip link; the next stops are on the green bar
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if not focus["inBar"]:
            break
        stops.append((focus["element"], focus["text"][:30], round(focus_ring_contrast(focus), 2)))
        if len(stops) == 2:
            visit.screenshot("focus-ring")  # the second stop on the bar, as a person sees it
    assert len(stops) >= 2, stops  # the brand and the menu button or links at least
    faint = [stop for stop in stops if stop[2] < 3]
    assert not faint, f"focus not visible on the green bar (ring contrast under 3:1): {faint}"


@tasks
def test_a_ministry_reviewer_reads_the_figures(browser, site, request, lang, size):
    """The ministry's dashboard: the map, a region's provinces, the compliance lists (issue 14)."""
    from ministry.rollup import rebuild

    for i in range(6):  # enough associations in one region for figures to show beside "<5" cells
        other = AssociationFactory(
            slug=f"jam-{i}", region=site["association"].region, province=site["association"].province
        )
        with association_scope(other):
            for j in range(6):
                Member.objects.create(
                    number=j + 1, first_name_latin="X", last_name_latin="Y", gender="FM"[j % 2]
                )
            # Development projects running away from the seat: five in Souss-Massa, and the first
            # association's two others (in Tanger, and with no region given) are alone in theirs.
            from finance.models import Project as FinanceProject
            from planning.models import Project

            for place in ["MA-09"] if i else ["MA-01", None]:
                Project.objects.create(
                    finance_project=FinanceProject.objects.create(code=f"P{place or 0}", name_fr="Puits"),
                    status="running",
                    region=Region.objects.get(code=place) if place else None,
                    beneficiaries_reached=40,
                )
    rebuild()
    reviewer = UserFactory(email="reviewer@interieur.gov.ma", full_name="Reviewer", is_ministry_reviewer=True)
    visit = open_visit(browser, site["server"], request, lang, size, session_user=reviewer)
    visit.goto("/ministry/?indicator=members")
    visit.check("dashboard")
    # Development projects by the region where they run: five associations in Souss-Massa are shown,
    # the lone project with no region given is "<5" (and so is the one in Tanger).
    places = visit.page.locator("#b-planning_place_projects")
    assert places.count() == 1
    table = visit.page.locator("section:has(#b-planning_place_projects) table")
    souss = Region.objects.get(code="MA-09")
    row = table.locator("tbody tr", has_text=souss.name_ar if lang == "ar" else souss.name_fr)
    assert row.locator("td").inner_text().strip() == "5"
    assert "<5" in table.locator("tbody tr").last.inner_text()
    table.scroll_into_view_if_needed()
    visit.screenshot("projects-by-place")
    region = site["association"].region.code
    visit.page.locator(f"a[href*='region={region}']").first.click()
    visit.page.wait_for_url(re.compile(rf"region={region}"))
    visit.check("provinces")
    visit.goto("/ministry/compliance/")
    visit.check("compliance")


@tasks
def test_record_a_dues_payment_and_see_its_receipt(browser, site, request, lang, size):
    """The treasurer records a member's dues on a phone: the form, the preview, the receipt."""
    from decimal import Decimal

    from django.utils import timezone

    from finance import selectors as finance_selectors
    from finance.models import Due, Receipt

    treasurer = UserFactory(email="khadija@example.ma", full_name="خديجة العلمي", password=PASSWORD)
    RoleFactory(association=site["association"], user=treasurer, kind=RoleKind.TREASURER)
    member = site["member"]
    with association_scope(site["association"]):
        year = finance_selectors.current_year()
        Due.objects.create(
            member=member, fiscal_year=year, amount=Decimal("120.00"), due_date=year.start_date
        )
    visit = open_visit(browser, site["server"], request, lang, size, session_user=treasurer)
    page = visit.page
    visit.goto("/a/tilila/finance/dues/")
    visit.check("dues")
    visit.goto("/a/tilila/finance/payments/new/")
    visit.check("payment-form")
    page.fill("#id_payer_number", str(member.number))
    page.fill("#id_amount", "120")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.locator("main form [type=submit]").first.click()
    page.wait_for_selector("button[name=confirm]")
    visit.check("payment-preview")
    page.locator("button[name=confirm]").click()
    page.wait_for_url(re.compile(r"/finance/receipts/\d+/$"))
    visit.check("receipt")
    with association_scope(site["association"]):
        assert Receipt.objects.count() == 1
        assert finance_selectors.member_standing(member).up_to_date
