"""Self-paced content of the platform's courses: global tables written by training managers, files
under platform/ in the private storage (no association's path), opened only to learners seated in one
of the course's platform sessions through their association; everybody else gets a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from members.models import Member
from training import lessons, services
from training.models import LessonProgress, PlatformLesson, QuizAttempt
from training.tests.helpers import enrol, members, platform_course_with_session, training_manager

PDF = b"%PDF-1.4\n" + b"platform" * 200


def url(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def build(**course_values):
    course, session = platform_course_with_session(capacity=5, format="self_paced", **course_values)
    manager = training_manager()
    module = lessons.module_save(
        actor=manager, course_id=course.pk, title_ar="وحدة", title_fr="Module", platform=True
    )
    pdf = lessons.lesson_save(
        actor=manager, module_id=module.pk, title_ar="ملف", title_fr="Fichier", kind="file",
        upload=SimpleUploadedFile("guide.pdf", PDF), platform=True,
    )  # fmt: skip
    quiz = lessons.lesson_save(
        actor=manager, module_id=module.pk, title_ar="اختبار", title_fr="Quiz", kind="quiz",
        pass_mark=100, max_attempts=2, platform=True,
    )  # fmt: skip
    question = lessons.question_add(
        actor=manager, lesson_id=quiz.pk, text_ar="؟", text_fr="Combien ?", multiple=False,
        choices=[("واحد", "Un", True), ("اثنان", "Deux", False)], platform=True,
    )  # fmt: skip
    return course, session, pdf, quiz, question


def seated(tenant, session, user):
    person = members(tenant, 1, prefix="Reader")[0]
    with association_scope(tenant.association):
        Member.objects.filter(pk=person.pk).update(user=user)
    enrolment = enrol(tenant, person, platform_session=session)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client, enrolment


def test_platform_lesson_files_live_outside_every_association_path(db):
    _course, _session, pdf, *_ = build()
    assert pdf.file.startswith("platform/lessons/") and "associations/" not in pdf.file


def test_only_training_managers_write_platform_content(tenant_a):
    course, *_ = build()
    with pytest.raises(WaslError):
        lessons.module_save(
            actor=tenant_a.president, course_id=course.pk, title_ar="و", title_fr="M", platform=True
        )


def test_a_seated_learner_of_any_association_reads_streams_and_takes_the_quiz(tenant_a, tenant_b):
    course, session, pdf, quiz, question = build(quizzes_required=True, min_attendance_percent=0)
    client, enrolment = seated(tenant_b, session, tenant_b.member)
    learn = client.get(url(tenant_b, "platform_learn", platform_course_id=course.pk))
    assert learn.status_code == 200 and b"Fichier" in learn.content
    page = client.get(url(tenant_b, "platform_lesson", platform_lesson_id=pdf.pk))
    assert page.status_code == 200
    whole = client.get(url(tenant_b, "platform_lesson_file", platform_lesson_id=pdf.pk))
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == PDF
    part = client.get(
        url(tenant_b, "platform_lesson_file", platform_lesson_id=pdf.pk), headers={"Range": "bytes=2-9"}
    )
    assert part.status_code == 206 and b"".join(part.streaming_content) == PDF[2:10]
    right = question.choices.get(is_correct=True).pk
    client.post(
        url(tenant_b, "platform_quiz_submit", platform_lesson_id=quiz.pk), {f"q{question.pk}": str(right)}
    )
    with association_scope(tenant_b.association):
        assert QuizAttempt.objects.get(enrolment=enrolment).platform_lesson_id == quiz.pk
        assert LessonProgress.objects.filter(enrolment=enrolment, platform_lesson=pdf).exists()
        # The rule (every quiz passed, no attendance asked) is met: the platform course completes.
        assert services.enrolment_complete_if_due(actor=tenant_b.president, enrolment_id=enrolment.pk)
    resume = client.get(url(tenant_b, "platform_learn", platform_course_id=course.pk))
    assert url(tenant_b, "platform_lesson", platform_lesson_id=quiz.pk).encode() in resume.content


@pytest.mark.parametrize("who", ["member", "president", "anonymous", "waiting"])
def test_anyone_not_seated_gets_404_for_platform_lessons_and_files(tenant_a, who):
    course, session, pdf, quiz, _question = build()
    client = Client()
    if who == "waiting":
        services.platform_session_save(
            actor=training_manager(), course_id=course.pk, session_id=session.pk, capacity=1,
            dates=[(d.starts_at, d.ends_at) for d in session.dates.all()],
        )  # fmt: skip
        enrol(tenant_a, members(tenant_a, 1, prefix="First")[0], platform_session=session)
        client, enrolment = seated(tenant_a, session, tenant_a.member)
        assert enrolment.status == "waitlisted"
    elif who != "anonymous":
        client.force_login(getattr(tenant_a, who))  # of A, but seated in no session of the course
    for name, kwargs in (
        ("platform_learn", {"platform_course_id": course.pk}),
        ("platform_lesson", {"platform_lesson_id": pdf.pk}),
        ("platform_lesson_file", {"platform_lesson_id": pdf.pk}),
    ):
        response = client.get(url(tenant_a, name, **kwargs))
        assert response.status_code in ((302,) if who == "anonymous" else (404,)), (
            name,
            response.status_code,
        )
    posted = client.post(url(tenant_a, "platform_quiz_submit", platform_lesson_id=quiz.pk), {})
    assert posted.status_code in (302, 404) and posted.status_code == (302 if who == "anonymous" else 404)
    with association_scope(tenant_a.association):
        assert not QuizAttempt.objects.exists() and not LessonProgress.objects.exists()


def test_a_seat_in_another_association_opens_nothing_here(tenant_a, tenant_b):
    """B's member seated through B: the same lesson asked through A's workspace (where the person has
    no seat) is a 404."""
    _course, session, pdf, *_ = build()
    seated(tenant_b, session, tenant_b.member)
    client = Client()
    client.force_login(tenant_a.member)
    assert client.get(url(tenant_a, "platform_lesson_file", platform_lesson_id=pdf.pk)).status_code == 404


def test_managers_write_content_from_the_page_and_bad_uploads_change_nothing(db, settings):
    settings.WASL_LESSON_UPLOAD_MAX_BYTES = 500
    course, *_ = platform_course_with_session(capacity=3)
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(training_manager())
    page = reverse("training_public:manage_content", kwargs={"course_id": course.pk})
    assert (
        client.post(page, {"form": "module", "module-title_ar": "و", "module-title_fr": "M"}).status_code
        == 302
    )
    module = course.modules.get()
    refused = client.post(page, {
        "form": "lesson", "lesson-module": module.pk, "lesson-title_ar": "م", "lesson-title_fr": "F",
        "lesson-kind": "file", "lesson-pass_mark": 60, "lesson-max_attempts": 3,
        "lesson-file": SimpleUploadedFile("big.pdf", PDF),
    })  # fmt: skip
    assert refused.status_code == 400 and not PlatformLesson.objects.exists()
    wrong = client.post(page, {
        "form": "lesson", "lesson-module": module.pk, "lesson-title_ar": "م", "lesson-title_fr": "F",
        "lesson-kind": "file", "lesson-pass_mark": 60, "lesson-max_attempts": 3,
        "lesson-file": SimpleUploadedFile("v.mp4", b"<html>no</html>"),
    })  # fmt: skip
    assert wrong.status_code == 400 and not PlatformLesson.objects.exists()


def test_the_manager_pages_are_404_for_everyone_else(tenant_a):
    course, _session, pdf, *_ = build()
    client = Client()
    client.force_login(tenant_a.president)
    for path in (
        reverse("training_public:manage_content", kwargs={"course_id": course.pk}),
        reverse("training_public:manage_lesson", kwargs={"lesson_id": pdf.pk}),
        reverse("training_public:manage_lesson_file", kwargs={"lesson_id": pdf.pk}),
    ):
        assert client.get(path).status_code == 404
    manager = Client()
    manager.force_login(training_manager())
    preview = manager.get(reverse("training_public:manage_lesson_file", kwargs={"lesson_id": pdf.pk}))
    assert preview.status_code == 200
