"""Training in a real browser: a learner follows a platform course's lessons and takes its quiz from
their association's portal; an officer invites an outside participant, who takes the place through
the link; an officer sets the association's attendance statuses. Arabic on a 360-px phone and French
on a desktop, each page checked at both sizes (support.Visit.check)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from members import services as member_services
from members.models import Member
from training import lessons, services
from training.models import Enrolment

from .support import PASSWORD, TASK_COMBINATIONS, open_visit

tasks = pytest.mark.parametrize(("lang", "size"), TASK_COMBINATIONS)


@pytest.fixture
def school(live_db):
    """An association (its president, a member with an account) and a self-paced platform course
    with one session, a text lesson, a PDF lesson and a one-question quiz; the member is seated."""
    association = AssociationFactory(
        slug="tilila", name_ar="جمعية تيليلا للتنمية", name_fr="Association Tilila pour le développement"
    )
    president = UserFactory(email="rachida@example.ma", full_name="رشيدة بناني", password=PASSWORD)
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    learner = UserFactory(email="fatima@example.ma", full_name="فاطمة الزهراء", password=PASSWORD)
    RoleFactory(association=association, user=learner, kind=RoleKind.MEMBER)
    manager = UserFactory(email="formation@example.ma", full_name="Formation", password=PASSWORD)
    manager.is_training_manager = True
    manager.save()
    start = timezone.now() + timedelta(days=3)
    course = services.platform_course_save(
        actor=manager, title_ar="تدبير مالية الجمعية", title_fr="Gérer les finances de l'association",
        format="self_paced", is_published=True,
    )  # fmt: skip
    session = services.platform_session_save(
        actor=manager, course_id=course.pk, dates=[(start, start + timedelta(hours=3))], capacity=20
    )
    module = lessons.module_save(
        actor=manager, course_id=course.pk, title_ar="الميزانية", title_fr="Le budget", platform=True
    )
    text = lessons.lesson_save(
        actor=manager, module_id=module.pk, title_ar="ما هي الميزانية؟", title_fr="Qu'est-ce qu'un budget ?",
        kind="text", body_ar="<p>الميزانية توقع للمداخيل والمصاريف.</p>",
        body_fr="<p>Le budget prévoit les recettes et les dépenses.</p>", platform=True,
    )  # fmt: skip
    lessons.lesson_save(
        actor=manager, module_id=module.pk, title_ar="دليل", title_fr="Guide", kind="file",
        upload=SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"x" * 2000), platform=True,
    )  # fmt: skip
    quiz = lessons.lesson_save(
        actor=manager, module_id=module.pk, title_ar="اختبار قصير", title_fr="Petit quiz", kind="quiz",
        pass_mark=100, max_attempts=2, platform=True,
    )  # fmt: skip
    question = lessons.question_add(
        actor=manager, lesson_id=quiz.pk, text_ar="هل الميزانية توقع؟", text_fr="Le budget est-il une prévision ?",
        multiple=False, choices=[("نعم", "Oui", True), ("لا", "Non", False)], platform=True,
    )  # fmt: skip
    with association_scope(association):
        member = member_services.member_admit(
            actor=president, first_name_ar="فاطمة", last_name_ar="الزهراء", first_name_latin="Fatima",
            last_name_latin="Zahra", phone="0661234567",
        )  # fmt: skip
        Member.objects.filter(pk=member.pk).update(user=learner)
        services.enrolment_create(actor=president, member_id=member.pk, platform_session_id=session.pk)
        own = services.course_save(
            actor=president, title_ar="الإسعافات الأولية", title_fr="Premiers secours", is_published=True
        )
        own_session = services.session_save(
            actor=president, course_id=own.pk, dates=[(start, start + timedelta(hours=3))], capacity=10
        )
    return {
        "server": live_db, "association": association, "president": president, "learner": learner,
        "course": course, "text": text, "quiz": quiz, "question": question, "own_session": own_session,
    }  # fmt: skip


@tasks
def test_a_learner_follows_a_platform_course_from_the_portal(browser, school, request, lang, size):
    visit = open_visit(browser, school["server"], request, lang, size, session_user=school["learner"])
    page = visit.page
    visit.goto("/a/tilila/my/")
    learn = f"/a/tilila/training/platform-courses/{school['course'].pk}/learn/"
    page.locator(f"a[href='{learn}']").first.click()
    page.wait_for_url(re.compile(re.escape(learn) + "$"))
    visit.check("platform-lessons")
    page.locator(f"a[href$='/platform-lessons/{school['text'].pk}/']").first.click()
    visit.check("platform-lesson")
    page.locator("main form [type=submit]").first.click()  # mark as done
    page.wait_for_url(re.compile(re.escape(learn) + "$"))
    visit.goto(f"/a/tilila/training/platform-lessons/{school['quiz'].pk}/")
    visit.check("platform-quiz")
    page.locator("input[type=radio]").first.check()
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/platform-lessons/\d+/$"))
    visit.check("platform-quiz-passed")
    assert page.locator(".badge.text-bg-success").count()


@tasks
def test_an_outside_participant_takes_a_place_through_the_link(browser, school, request, lang, size):
    visit = open_visit(browser, school["server"], request, lang, size, session_user=school["president"])
    page = visit.page
    session_id = school["own_session"].pk
    visit.goto(f"/a/tilila/training/sessions/{session_id}/")
    page.locator(f"a[href='/a/tilila/training/sessions/{session_id}/invite/']").first.click()
    visit.check("invite")
    page.fill("#id_full_name", "سعاد العلوي")
    page.fill("#id_phone", "0662000000")
    page.locator("main form [type=submit]").first.click()
    link = page.locator("input[readonly]").input_value()
    visit.check("invited")
    path = re.search(r"/training/join/[^\s]+/$", link).group(0)

    guest = open_visit(browser, school["server"], request, lang, size)
    guest.name += "-guest"
    guest.goto(path)
    guest.check("join")
    guest.page.locator("#id_confirm").check()
    guest.page.locator("main form [type=submit]").first.click()
    guest.page.wait_for_load_state("load")
    guest.check("joined")
    with association_scope(school["association"]):
        assert Enrolment.objects.get(participant__full_name="سعاد العلوي").status == "enrolled"


@tasks
def test_attendance_statuses_of_the_association(browser, school, request, lang, size):
    visit = open_visit(browser, school["server"], request, lang, size, session_user=school["president"])
    page = visit.page
    visit.goto("/a/tilila/training/attendance-statuses/")
    visit.check("attendance-statuses")
    page.fill("#id_code", "online")
    page.fill("#id_label_ar", "عن بعد")
    page.fill("#id_label_fr", "À distance")
    page.locator("#id_counts_as_attended").check()
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/attendance-statuses/$"))
    visit.check("attendance-statuses-saved")
    label = "عن بعد" if lang == "ar" else "À distance"
    assert page.locator("main li", has_text=label).count()
    # The codes are keys, never shown: a status is changed through its own link.
    page.locator("main li", has_text=label).get_by_role("link").click()
    page.wait_for_url(re.compile(r"\?status=online$"))
    visit.check("attendance-status-change")
    assert page.locator("#id_label_fr").input_value() == "À distance"


@tasks
def test_withdrawing_an_invitation_and_the_participants_own_page(browser, school, request, lang, size):
    from training.models import CourseInvitation

    association, session_id, president = school["association"], school["own_session"].pk, school["president"]
    with association_scope(association):
        _used, raw = services.course_invitation_create(
            actor=president, session_id=session_id, full_name="سعاد العلوي", phone="0662000000"
        )
        enrolment = services.course_invitation_accept(raw_token=raw)
        pending, _raw = services.course_invitation_create(
            actor=president, session_id=session_id, full_name="كريم بنعلي", phone="0661000000"
        )
        token = services.participant_page_token(enrolment.participant)
    visit = open_visit(browser, school["server"], request, lang, size, session_user=president)
    page = visit.page
    visit.goto(f"/a/tilila/training/sessions/{session_id}/invite/")
    visit.check("invitations")
    page.locator(f"a[href$='/course-invitations/{pending.pk}/withdraw/']").click()
    page.wait_for_url(re.compile(r"/withdraw/$"))
    visit.check("invitation-withdraw")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(r"/invite/$"))
    visit.check("invitation-withdrawn")
    with association_scope(association):
        assert CourseInvitation.objects.get(pk=pending.pk).withdrawn_at is not None

    guest = open_visit(browser, school["server"], request, lang, size)
    guest.name += "-participant"
    guest.goto(f"/training/mine/tilila/{token}/")
    guest.check("participant-page")
    assert guest.page.locator("main", has_text="سعاد العلوي").count()
    assert not guest.page.locator("main", has_text="كريم بنعلي").count()
