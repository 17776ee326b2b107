"""Self-paced learning: writing modules, lessons and quizzes (officers), and a learner's progress,
resume point and quiz attempts. Lesson text is sanitised to an allow-list of tags; lesson files are
checked by content and size and stored privately under the association's path."""

from __future__ import annotations

import nh3
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.text import strip_bidi_controls
from documents.files import save_platform_private_file, save_private_file, validate_upload
from training.models import (
    Choice,
    Course,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    PlatformChoice,
    PlatformCourse,
    PlatformLesson,
    PlatformModule,
    PlatformQuestion,
    Question,
    QuizAttempt,
)


class _Content:
    """The tables a course's content lives in: an association's (tenant, audited) or the
    platform's (global rows written by training managers; no association, so no audit chain)."""

    def __init__(self, platform: bool) -> None:
        self.platform = platform
        self.course = PlatformCourse if platform else Course
        self.module = PlatformModule if platform else Module
        self.lesson = PlatformLesson if platform else Lesson
        self.question = PlatformQuestion if platform else Question
        self.choice = PlatformChoice if platform else Choice
        self.save_file = save_platform_private_file if platform else save_private_file


def _content(actor, platform: bool) -> _Content:
    if platform and not getattr(actor, "is_training_manager", False):
        raise WaslError(_("Only the platform's training managers edit its courses."), code="forbidden")
    return _Content(platform)


def _audit(*, actor, course, changes: dict) -> None:
    if not isinstance(course, PlatformCourse):
        audit_record(actor=actor, action="training.content.saved", target=course, changes=changes)


# What officers may write in a lesson: structure and emphasis, links; no script, style or image.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "bdi",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "bdi": {"dir"}}
LESSON_FILE_KINDS = {"pdf", "mp3", "m4a", "ogg", "wav", "mp4", "webm"}


def sanitise_lesson_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def _clean(text: str) -> str:
    return strip_bidi_controls(text or "").strip()


@transaction.atomic
def module_save(
    *, actor, course_id: int, title_ar: str, title_fr: str, module_id: int | None = None,
    platform: bool = False,
) -> Module | PlatformModule:  # fmt: skip
    content = _content(actor, platform)
    course = content.course.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    if not (_clean(title_ar) and _clean(title_fr)):
        raise WaslError(_("A module needs a title in Arabic and in French."), field="title_fr")
    if module_id is None:
        last = content.module.objects.filter(course=course).aggregate(m=Max("position"))["m"]
        module = content.module(course=course, position=(last or 0) + 1)
    else:
        module = content.module.objects.filter(pk=module_id, course=course).first()
        if module is None:
            raise NotFound()
    module.title_ar, module.title_fr = _clean(title_ar), _clean(title_fr)
    module.save()
    _audit(actor=actor, course=course, changes={"module": module.pk})
    return module


@transaction.atomic
def lesson_save(
    *, actor, module_id: int, title_ar: str, title_fr: str, kind: str, body_ar: str = "", body_fr: str = "",
    link: str = "", pass_mark: int = 60, max_attempts: int = 3, upload=None, platform: bool = False,
) -> Lesson | PlatformLesson:  # fmt: skip
    """Add a lesson at the end of a module. A file lesson needs a PDF, audio or video file, checked
    by its content (not its name) and its size; a refused upload leaves nothing behind."""
    content = _content(actor, platform)
    module = content.module.objects.select_related("course").filter(pk=module_id).first()
    if module is None:
        raise NotFound()
    if kind not in LessonKind.values:
        raise WaslError(_("Unknown kind of lesson."), field="kind")
    if not (_clean(title_ar) and _clean(title_fr)):
        raise WaslError(_("A lesson needs a title in Arabic and in French."), field="title_fr")
    lesson = content.lesson(
        module=module,
        title_ar=_clean(title_ar),
        title_fr=_clean(title_fr),
        kind=kind,
        body_ar=sanitise_lesson_html(body_ar),
        body_fr=sanitise_lesson_html(body_fr),
        link=link if kind == LessonKind.LINK else "",
        pass_mark=pass_mark,
        max_attempts=max_attempts,
    )
    if kind == LessonKind.LINK and not link:
        raise WaslError(_("A link lesson needs its link."), field="link")
    if kind == LessonKind.FILE:
        if upload is None:
            raise WaslError(_("A file lesson needs its file (PDF, audio or video)."), field="file")
        checked = validate_upload(
            upload, allowed=LESSON_FILE_KINDS, max_bytes=settings.WASL_LESSON_UPLOAD_MAX_BYTES
        )
        upload.seek(0)
        name = content.save_file("lessons", upload.name or f"lesson.{checked.kind}", upload.read())
        lesson.file, lesson.file_kind = name, checked.kind
        lesson.file_mime, lesson.file_size = checked.mime, checked.size
    last = content.lesson.objects.filter(module=module).aggregate(m=Max("position"))["m"]
    lesson.position = (last or 0) + 1
    lesson.save()
    _audit(actor=actor, course=module.course, changes={"lesson": lesson.pk})
    return lesson


@transaction.atomic
def question_add(
    *, actor, lesson_id: int, text_ar: str, text_fr: str, multiple: bool,
    choices: list[tuple[str, str, bool]], platform: bool = False,
) -> Question | PlatformQuestion:  # fmt: skip
    content = _content(actor, platform)
    lesson = content.lesson.objects.filter(pk=lesson_id, kind=LessonKind.QUIZ).first()
    if lesson is None:
        raise NotFound()
    if not (_clean(text_ar) and _clean(text_fr)):
        raise WaslError(_("A question needs its text in Arabic and in French."), field="text_fr")
    choices = [(_clean(a), _clean(f), right) for a, f, right in choices if _clean(a) or _clean(f)]
    if len(choices) < 2:
        raise WaslError(_("A question needs at least two answers."), field="choices")
    right = sum(1 for *_texts, is_right in choices if is_right)
    if right == 0 or (right > 1 and not multiple):
        raise WaslError(
            _("Mark one right answer, or several if the question allows several."), field="choices"
        )
    question = content.question.objects.create(
        lesson=lesson, text_ar=_clean(text_ar), text_fr=_clean(text_fr), multiple=multiple,
        position=content.question.objects.filter(lesson=lesson).count() + 1,
    )  # fmt: skip
    content.choice.objects.bulk_create(
        [
            content.choice(question=question, text_ar=a or f, text_fr=f or a, is_correct=r)
            for a, f, r in choices
        ]
    )
    return question


# --- A learner ------------------------------------------------------------------------------------------


def learning_enrolment(*, member, course) -> Enrolment | None:
    """The learner's enrolment that opens a course's lessons: seated or completed, never waiting.
    For a platform course, a seat in any of its platform sessions taken through this association."""
    by_course = (
        {"platform_session__course": course}
        if isinstance(course, PlatformCourse)
        else {"session__course": course}
    )
    return (
        Enrolment.objects.filter(
            member=member,
            **by_course,
            status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED),
        )
        .order_by("-created_at")
        .first()
    )


def _which(lesson) -> dict:
    return {"platform_lesson": lesson} if lesson.is_platform else {"lesson": lesson}


def lesson_opened(*, enrolment: Enrolment, lesson: Lesson | PlatformLesson) -> LessonProgress:
    """Remember the lesson as the learner's latest, to resume from it (not audited: reading)."""
    progress, created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, **_which(lesson), defaults={"opened_at": timezone.now()}
    )
    if not created:
        progress.opened_at = timezone.now()
        progress.save(update_fields=["opened_at"])
    return progress


@transaction.atomic
def lesson_done(*, enrolment: Enrolment, lesson: Lesson | PlatformLesson) -> LessonProgress:
    if lesson.kind == LessonKind.QUIZ:
        raise WaslError(_("A quiz is done by passing it."), code="quiz")
    # Marking done is not opening: the resume point stays the last lesson the learner opened.
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, **_which(lesson), defaults={"opened_at": timezone.now()}
    )
    if progress.done_at is None:
        progress.done_at = timezone.now()
        progress.save(update_fields=["done_at"])
    return progress


@transaction.atomic
def quiz_submit(
    *, enrolment: Enrolment, lesson: Lesson | PlatformLesson, answers: dict[int, set[int]]
) -> QuizAttempt:
    """Score an attempt (the share of questions whose chosen answers are exactly the right ones).
    Refused once the attempts allowed are used, or when the quiz is already passed."""
    if lesson.kind != LessonKind.QUIZ:
        raise NotFound()
    # The enrolment row's lock serialises two attempts sent at once by the same learner.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    attempts = list(QuizAttempt.objects.filter(enrolment=enrolment, **_which(lesson)))
    if any(a.passed for a in attempts):
        raise WaslError(_("You have already passed this quiz."), code="passed")
    if len(attempts) >= lesson.max_attempts:
        raise WaslError(_("You have used every attempt this quiz allows."), code="attempts")
    questions = list(lesson.questions.prefetch_related("choices"))
    if not questions:
        raise WaslError(_("This quiz has no question yet."), code="empty")
    right = 0
    for question in questions:
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        if set(answers.get(question.pk, set())) == correct:
            right += 1
    score = round(100 * right / len(questions))
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment, **_which(lesson), number=len(attempts) + 1, score=score,
        passed=score >= lesson.pass_mark, answers={str(k): sorted(v) for k, v in answers.items()},
    )  # fmt: skip
    if attempt.passed:
        progress = lesson_opened(enrolment=enrolment, lesson=lesson)
        progress.done_at = timezone.now()
        progress.save(update_fields=["done_at"])
    return attempt
