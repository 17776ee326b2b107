"""Tracking a project in a real browser: activities added (an end before the start refused) and
moved under way, the timeline on a phone (month columns scrolling inside their own frame, the page
itself never sideways), an indicator (a percent target of 120 refused), a measurement with its
evidence, its correction behind a confirmation, volunteer hours given to an activity, and the home
card. Arabic on a phone, French and English on a desktop; every page passes `Visit.check`
(lang/dir, no sideways scroll, contrast, target size, no untranslated string)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from members import services as member_services
from planning.models import ActivityHours, Measurement

from .support import PASSWORD, TASK_COMBINATIONS, open_visit

JOURNEYS = [*TASK_COMBINATIONS, pytest.param("en", "desktop", id="en-desktop")]
tasks = pytest.mark.parametrize(("lang", "size"), JOURNEYS)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def tracked(live_db):
    from finance.models import Project as FinanceProject
    from planning.models import Activity, Project
    from planning.services_tracking import activity_save
    from resources import services as resource_services

    today = timezone.localdate()
    association = AssociationFactory(slug="nour", name_ar="جمعية النور للتنمية", name_fr="Association Nour")
    president = UserFactory(email="khadija@example.ma", full_name="خديجة المنصوري", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    with association_scope(association):
        member = member_services.member_admit(
            actor=president,
            first_name_ar="يوسف",
            last_name_ar="العمراني",
            first_name_latin="Youssef",
            last_name_latin="Amrani",
            phone="0661234568",
            cin="JK445567",
            nationality="مغربية",
        )
        books = FinanceProject.objects.create(code="P1", name_ar="محو الأمية", name_fr="Alphabétisation")
        project = Project.objects.create(finance_project=books, beneficiaries_planned=120)
        late = activity_save(
            actor=president,
            planning_project_id=project.pk,
            title_ar="تكوين المؤطرين",
            title_fr="Formation des animatrices",
            starts_on=today - timedelta(days=70),
            ends_on=today - timedelta(days=5),
            responsible_id=member.pk,
        )
        volunteer = resource_services.volunteer_save(actor=president, name_ar="سعاد الإدريسي")
        hours = resource_services.hours_record(
            actor=president, volunteer_id=volunteer.pk, day=today, hours="3", activity="تنظيف القسم"
        )
        assert Activity.objects.count() == 1
    return {
        "server": live_db,
        "association": association,
        "president": president,
        "member": member,
        "project": project,
        "late": late,
        "hours": hours,
    }


@tasks
def test_track_a_project(browser, tracked, request, lang, size, tmp_path):
    visit = open_visit(browser, tracked["server"], request, lang, size, session_user=tracked["president"])
    page = visit.page
    today = timezone.localdate()
    base = "/a/nour/planning"
    project_id = tracked["project"].pk

    # Activities: an end before the start is refused, then the activity is added and started.
    visit.goto(f"{base}/projects/{project_id}/activities/")
    visit.check("activities")
    form = page.locator("#activity-form")
    form.locator("input[name=title_ar]").fill("حملة تحسيسية")
    form.locator("input[name=title_fr]").fill("Campagne de sensibilisation")
    form.locator("input[name=starts_on]").fill(today.isoformat())
    form.locator("input[name=ends_on]").fill((today - timedelta(days=3)).isoformat())
    form.locator("select[name=responsible]").select_option(str(tracked["member"].pk))
    form.locator("[type=submit]").click()
    page.locator(".invalid-feedback").first.wait_for()
    visit.check("activity-refused")
    form = page.locator("#activity-form")
    form.locator("input[name=ends_on]").fill((today + timedelta(days=60)).isoformat())
    form.locator("[type=submit]").click()
    page.wait_for_url(re.compile(r"/activities/$"))
    assert page.locator("#activities > li").count() == 2
    page.locator("#activities > li").last.locator("form button").first.click()  # under way
    page.wait_for_url(re.compile(r"/activities/$"))
    visit.check("activities-running")

    # The timeline: on a phone the months scroll inside their frame, never the page.
    visit.goto(f"{base}/timeline/?project={project_id}")
    visit.check("timeline")
    frame = page.locator("#timeline-frame")
    widths = frame.evaluate("el => [el.scrollWidth, el.clientWidth]")
    if size == "phone":
        assert widths[0] > widths[1], widths  # the months overflow their frame, which scrolls
    assert page.locator(".timeline-bar").count() == 2
    assert page.locator(".timeline-bar.bg-danger").count() == 1  # the overdue one

    # An indicator: a percent target of 120 is refused, 80 is taken.
    visit.goto(f"{base}/projects/{project_id}/indicators/")
    visit.check("indicators-empty")
    form = page.locator("#indicator-form")
    form.locator("input[name=name_ar]").fill("نسبة النجاح")
    form.locator("input[name=name_fr]").fill("Taux de réussite")
    form.locator("select[name=unit]").select_option("percent")
    form.locator("input[name=baseline]").fill("20")
    form.locator("input[name=target]").fill("120")
    form.locator("[type=submit]").click()
    page.locator(".invalid-feedback").first.wait_for()
    visit.check("indicator-refused")
    page.locator("#indicator-form input[name=target]").fill("80")
    page.locator("#indicator-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/indicators/\d+/$"))
    indicator_url = page.url

    # A measurement with its evidence, then corrected behind a confirmation.
    evidence = tmp_path / "liste-presence.pdf"
    evidence.write_bytes(PDF)
    form = page.locator("#measurement-form")
    form.locator("input[name=value]").fill("35")
    form.locator("input[name=note]").fill("الفصل الأول" if lang == "ar" else "Premier trimestre")
    form.locator("input[name=evidence]").set_input_files(str(evidence))
    form.locator("[type=submit]").click()
    page.wait_for_url(indicator_url)
    assert page.locator("svg.indicator-chart circle.point").count() == 1
    visit.check("indicator")
    with page.expect_download() as caught:
        page.locator("#measurements a[href$='/evidence/']").first.click()
    assert caught.value.suggested_filename == "liste-presence.pdf"
    page.locator("#measurements a[href$='/correct/']").first.click()
    page.wait_for_url(re.compile(r"/correct/$"))
    page.locator("input[name=value]").fill("40")
    page.locator("input[name=reason]").fill("خطأ في العد" if lang == "ar" else "Erreur de comptage")
    page.locator("form [type=submit]").last.click()
    page.locator("input[name=confirm]").wait_for(state="attached")
    visit.check("correction-confirm")
    page.locator("form button.btn-danger").click()
    page.wait_for_url(indicator_url)
    assert page.locator("#measurements del").count() == 1  # the corrected value stays, struck through
    visit.check("indicator-corrected")

    # Volunteer hours given to the overdue activity.
    visit.goto(f"{base}/activities/{tracked['late'].pk}/hours/")
    page.locator("select[name=hours]").select_option(str(tracked["hours"].pk))
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/hours/$"))
    visit.check("activity-hours")

    # The home card counts the overdue activity.
    visit.goto("/a/nour/")
    card = page.locator("a[href='/a/nour/planning/timeline/']").first
    assert card.count() == 1
    visit.check("home")

    with association_scope(tracked["association"]):
        assert Measurement.objects.count() == 2
        assert Measurement.objects.filter(corrects__isnull=False).count() == 1
        assert ActivityHours.objects.count() == 1
