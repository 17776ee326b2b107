"""Self-paced learning: sanitised lesson text, private lesson files (never to someone not seated,
streamed with ranges), upload checks, progress and resume, quizzes with pass mark and attempt limit,
pages without media until asked, and the completion rule."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from members.models import Member
from training import lessons, services
from training.models import Lesson, LessonProgress, QuizAttempt
from training.tests.helpers import course_with_session, enrol, members

PDF = b"%PDF-1.4\n" + b"0123456789" * 100


def url(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def build(tenant, **course_values):
    course, session = course_with_session(tenant, capacity=5, format="self_paced", **course_values)
    with association_scope(tenant.association):
        module = lessons.module_save(
            actor=tenant.president, course_id=course.pk, title_ar="وحدة", title_fr="Module"
        )
        text = lessons.lesson_save(
            actor=tenant.president, module_id=module.pk, title_ar="مقدمة", title_fr="Intro", kind="text",
            body_fr='<p onclick="x()">Bonjour <script>alert(1)</script><a href="javascript:x()">lien</a> <strong>gras</strong></p>',
        )  # fmt: skip
        pdf = lessons.lesson_save(
            actor=tenant.president, module_id=module.pk, title_ar="ملف", title_fr="Fichier", kind="file",
            upload=SimpleUploadedFile("guide.pdf", PDF),
        )  # fmt: skip
        quiz = lessons.lesson_save(
            actor=tenant.president, module_id=module.pk, title_ar="اختبار", title_fr="Quiz", kind="quiz",
            pass_mark=100, max_attempts=2,
        )  # fmt: skip
        question = lessons.question_add(
            actor=tenant.president, lesson_id=quiz.pk, text_ar="؟", text_fr="Combien ?", multiple=False,
            choices=[("واحد", "Un", True), ("اثنان", "Deux", False)],
        )  # fmt: skip
    return course, session, text, pdf, quiz, question


def learner(tenant, session):
    person = members(tenant, 1, prefix="Reader")[0]
    with association_scope(tenant.association):
        Member.objects.filter(pk=person.pk).update(user=tenant.member)
    enrolment = enrol(tenant, person, session=session)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant.member)
    return client, enrolment


def test_lesson_text_is_sanitised(tenant_a):
    _c, _s, text, *_ = build(tenant_a)
    assert (
        "<script" not in text.body_fr and "onclick" not in text.body_fr and "javascript:" not in text.body_fr
    )
    assert "<strong>gras</strong>" in text.body_fr


def test_a_private_lesson_file_is_never_served_to_someone_not_enrolled(tenant_a):
    _c, session, _t, pdf, *_ = build(tenant_a)
    outsider = Client()
    outsider.force_login(tenant_a.member)  # a member of A, with no seat in the course
    assert outsider.get(url(tenant_a, "lesson_file", lesson_id=pdf.pk)).status_code == 404
    assert outsider.get(url(tenant_a, "lesson", lesson_id=pdf.pk)).status_code == 404
    # A waiting place does not open the lessons either.
    with association_scope(tenant_a.association):
        services.session_save(
            actor=tenant_a.president, course_id=session.course_id, session_id=session.pk, dates=[
                (d.starts_at, d.ends_at) for d in session.dates.all()], capacity=1,
        )  # fmt: skip
    enrol(tenant_a, members(tenant_a, 1, prefix="First")[0], session=session)
    client, enrolment = learner(tenant_a, session)
    assert enrolment.status == "waitlisted"
    assert client.get(url(tenant_a, "lesson_file", lesson_id=pdf.pk)).status_code == 404


def test_a_seated_learner_streams_the_file_with_ranges(tenant_a):
    _c, session, _t, pdf, *_ = build(tenant_a)
    client, _enrolment = learner(tenant_a, session)
    whole = client.get(url(tenant_a, "lesson_file", lesson_id=pdf.pk))
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == PDF
    assert whole["Accept-Ranges"] == "bytes"
    part = client.get(url(tenant_a, "lesson_file", lesson_id=pdf.pk), headers={"Range": "bytes=4-13"})
    assert part.status_code == 206 and b"".join(part.streaming_content) == PDF[4:14]
    assert part["Content-Range"] == f"bytes 4-13/{len(PDF)}"
    tail = client.get(url(tenant_a, "lesson_file", lesson_id=pdf.pk), headers={"Range": "bytes=-5"})
    assert b"".join(tail.streaming_content) == PDF[-5:]
    outside = client.get(
        url(tenant_a, "lesson_file", lesson_id=pdf.pk), headers={"Range": f"bytes={len(PDF)}-"}
    )
    assert outside.status_code == 416


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("video.mp4", b"<html><script>alert(1)</script></html>"), "bad_type"),
        (SimpleUploadedFile("doc.pdf", b"MZ\x90\x00" + b"\x00" * 200), "bad_type"),
        (SimpleUploadedFile("big.pdf", PDF), "too_large"),
    ],
)
def test_a_wrong_type_or_oversized_lesson_file_is_refused_and_nothing_is_saved(
    tenant_a, settings, upload, code
):
    settings.WASL_LESSON_UPLOAD_MAX_BYTES = 500
    course, _session = course_with_session(tenant_a, capacity=5)
    with association_scope(tenant_a.association):
        module = lessons.module_save(
            actor=tenant_a.president, course_id=course.pk, title_ar="و", title_fr="M"
        )
        with pytest.raises(WaslError) as caught:
            lessons.lesson_save(
                actor=tenant_a.president,
                module_id=module.pk,
                title_ar="م",
                title_fr="F",
                kind="file",
                upload=upload,
            )
        assert caught.value.code == code and caught.value.message
        assert not Lesson.objects.filter(module=module).exists()


def test_progress_resume_and_the_low_bandwidth_page(tenant_a, settings):
    _c, session, text, pdf, *_ = build(tenant_a)
    with association_scope(tenant_a.association):
        Lesson.objects.filter(pk=pdf.pk).update(file_mime="video/mp4", file_kind="mp4")
    client, enrolment = learner(tenant_a, session)
    client.get(url(tenant_a, "lesson", lesson_id=text.pk))
    client.post(url(tenant_a, "lesson_done", lesson_id=text.pk))
    page = client.get(url(tenant_a, "lesson", lesson_id=pdf.pk))
    assert b"<video" not in page.content and b"?media=1" in page.content
    assert b"<video" in client.get(url(tenant_a, "lesson", lesson_id=pdf.pk) + "?media=1").content
    learn = client.get(url(tenant_a, "learn", course_id=session.course_id))
    resume = url(tenant_a, "lesson", lesson_id=pdf.pk)
    assert f'href="{resume}">Resume'.encode() in learn.content.replace(b"\n", b"")
    with association_scope(tenant_a.association):
        assert LessonProgress.objects.get(enrolment=enrolment, lesson=text).done_at is not None


def test_a_quiz_has_a_pass_mark_and_an_attempt_limit(tenant_a):
    _course, session, _text, _pdf, quiz, question = build(
        tenant_a, lessons_required=True, quizzes_required=True
    )
    client, enrolment = learner(tenant_a, session)
    with association_scope(tenant_a.association):
        wrong_id = question.choices.get(is_correct=False).pk
        right_id = question.choices.get(is_correct=True).pk
    for _ in range(2):
        client.post(url(tenant_a, "quiz_submit", lesson_id=quiz.pk), {f"q{question.pk}": str(wrong_id)})
    client.post(url(tenant_a, "quiz_submit", lesson_id=quiz.pk), {f"q{question.pk}": str(right_id)})
    with association_scope(tenant_a.association):
        attempts = list(
            QuizAttempt.objects.filter(enrolment=enrolment).values_list("number", "score", "passed")
        )
        assert attempts == [(1, 0, False), (2, 0, False)]  # the third was refused: two allowed
        # Completion needs every lesson done and the quiz passed: not met.
        assert services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk) is None


def test_passing_the_quiz_and_the_lessons_completes_a_self_paced_course(tenant_a):
    _course, session, text, pdf, quiz, question = build(
        tenant_a, lessons_required=True, quizzes_required=True, min_attendance_percent=0
    )
    client, enrolment = learner(tenant_a, session)
    with association_scope(tenant_a.association):
        right_id = question.choices.get(is_correct=True).pk
    client.post(url(tenant_a, "quiz_submit", lesson_id=quiz.pk), {f"q{question.pk}": str(right_id)})
    for lesson in (text, pdf):
        client.post(url(tenant_a, "lesson_done", lesson_id=lesson.pk))
    with association_scope(tenant_a.association):
        certificate = services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk)
        assert certificate is not None


def test_officers_add_modules_lessons_and_questions_from_the_page(tenant_a):
    course, _session = course_with_session(tenant_a, capacity=5)
    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(tenant_a.president)
    page_url = url(tenant_a, "course_content", course_id=course.pk)
    assert (
        client.post(page_url, {"form": "module", "module-title_ar": "و", "module-title_fr": "M"}).status_code
        == 302
    )
    with association_scope(tenant_a.association):
        module = course.modules.get()
    upload = io.BytesIO(b"plain text, not a pdf")
    upload.name = "notes.pdf"
    refused = client.post(
        page_url,
        {"form": "lesson", "lesson-module": module.pk, "lesson-title_ar": "د", "lesson-title_fr": "L",
         "lesson-kind": "file", "lesson-pass_mark": 60, "lesson-max_attempts": 3, "lesson-file": upload},
    )  # fmt: skip
    assert refused.status_code == 400
    with association_scope(tenant_a.association):
        assert not Lesson.objects.filter(module=module).exists()
