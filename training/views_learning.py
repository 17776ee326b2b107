"""Self-paced learning pages (/a/<slug>/training/…): officers write a course's modules, lessons and
quizzes; a seated learner reads, listens, watches, resumes where they left off and takes quizzes.

Low bandwidth first: a lesson page carries no audio or video until the learner asks for it
(?media=1), and files stream with range requests. A lesson and its file answer 404 to anyone who is
neither seated in the course nor (for an association's course) one of its managers.

The same pages serve the platform's self-paced courses to the learners an association seated in
one of their platform sessions (/a/<slug>/training/platform-courses/…, /platform-lessons/…): the
content is global, the enrolment and the progress are the association's."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from members.selectors import member_of_request
from training import lessons, selectors
from training.files import serve_lesson_file
from training.forms import LessonForm, ModuleForm, QuestionForm
from training.models import LessonKind


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"training:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _learner_links(request, *, platform: bool):
    """URL builders of the learner's pages, for an association's course or a platform course."""
    prefix = "platform_" if platform else ""

    def lesson(name: str, lesson_id: int) -> str:
        key = "platform_lesson_id" if platform else "lesson_id"
        return _ws(request, f"{prefix}{name}", **{key: lesson_id})

    def learn(course_id: int) -> str:
        key = "platform_course_id" if platform else "course_id"
        return _ws(request, f"{prefix}learn", **{key: course_id})

    return lesson, learn


def content_page(request, *, course, platform: bool, lesson_href, back_href: str) -> HttpResponse:
    """Writing a course's modules, lessons and questions: an association's officers for their
    course, the platform's training managers for a platform course (same forms, same services)."""
    modules = list(selectors.course_content(course=course))
    for module in modules:
        for lesson in module.lessons.all():
            lesson.href = lesson_href(lesson.pk)
    quizzes = [lesson for m in modules for lesson in m.lessons.all() if lesson.kind == LessonKind.QUIZ]
    which = request.POST.get("form") if request.method == "POST" else None
    module_form = ModuleForm(request.POST if which == "module" else None, prefix="module")
    lesson_form = LessonForm(
        request.POST if which == "lesson" else None,
        request.FILES if which == "lesson" else None,
        modules=modules,
        prefix="lesson",
    )
    question_form = QuestionForm(
        request.POST if which == "question" else None, quizzes=quizzes, prefix="question"
    )
    forms_by_name = {"module": module_form, "lesson": lesson_form, "question": question_form}
    form = forms_by_name.get(which)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if which == "module":
                lessons.module_save(actor=request.user, course_id=course.pk, platform=platform, **data)
            elif which == "lesson":
                module_id = data.pop("module")
                upload = data.pop("file")
                lessons.lesson_save(
                    actor=request.user, module_id=module_id, upload=upload, platform=platform, **data
                )
            else:
                lessons.question_add(
                    actor=request.user,
                    lesson_id=data["lesson"],
                    text_ar=data["text_ar"],
                    text_fr=data["text_fr"],
                    multiple=data["multiple"],
                    choices=form.choices(),
                    platform=platform,
                )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    context = {
        "course": course,
        "modules": modules,
        "forms": forms_by_name,
        "quizzes": quizzes,
        "back_href": back_href,
    }
    failed = form is not None and form.errors
    return render(request, "training/course_content.html", context, status=400 if failed else 200)


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def course_content(request: HttpRequest, association_slug: str, course_id: int) -> HttpResponse:
    course = selectors.course_detail(course_id=course_id, include_unpublished=True)
    if course is None:
        raise Http404
    lesson_href, _learn = _learner_links(request, platform=False)
    return content_page(
        request,
        course=course,
        platform=False,
        lesson_href=lambda pk: lesson_href("lesson", pk),
        back_href=_ws(request, "course", course_id=course.pk),
    )


def _course_or_404(request, course_id: int, *, platform: bool):
    if platform:
        course = selectors.platform_course_detail(course_id=course_id)
        return course if course is not None and course.is_published else None
    return selectors.course_detail(course_id=course_id, include_unpublished=request.can.training_manage)


def _learner_access(request, course, *, platform: bool):
    """(enrolment or None, may_see). A seated learner sees the lessons; for an association's course
    its managers also preview them (tracking nothing). A platform course's lessons are for its
    seated learners only: the association's officers have no say over the platform's content."""
    member = member_of_request(request)
    enrolment = lessons.learning_enrolment(member=member, course=course) if member else None
    return enrolment, enrolment is not None or (not platform and request.can.training_manage)


@requires("association.view")
@require_GET
def course_learn(
    request: HttpRequest, association_slug: str, course_id: int = 0, platform_course_id: int = 0
) -> HttpResponse:
    platform = bool(platform_course_id)
    course = _course_or_404(request, platform_course_id or course_id, platform=platform)
    if course is None:
        raise Http404
    enrolment, may_see = _learner_access(request, course, platform=platform)
    if not may_see:
        raise Http404
    lesson_href, _learn = _learner_links(request, platform=platform)
    modules = list(selectors.course_content(course=course))
    for module in modules:
        for lesson in module.lessons.all():
            lesson.href = lesson_href("lesson", lesson.pk)
    progress = selectors.learner_progress(enrolment=enrolment) if enrolment else None
    context = {
        "course": course,
        "modules": modules,
        "enrolment": enrolment,
        "progress": progress,
        "resume_href": lesson_href("lesson", progress["resume_lesson_id"])
        if progress and progress["resume_lesson_id"]
        else "",
        "back_href": "" if platform else _ws(request, "course", course_id=course.pk),
    }
    return render(request, "training/learn.html", context)


def _lesson_or_404(request, lesson_id: int, *, platform: bool):
    lesson = selectors.lesson_detail(lesson_id=lesson_id, platform=platform)
    if lesson is None:
        raise Http404
    course = lesson.module.course
    if not (course.is_published or (not platform and request.can.training_manage)):
        raise Http404
    enrolment, may_see = _learner_access(request, course, platform=platform)
    if not may_see:
        raise Http404
    return lesson, enrolment


def _lesson_args(lesson_id: int, platform_lesson_id: int) -> tuple[int, bool]:
    return (platform_lesson_id, True) if platform_lesson_id else (lesson_id, False)


@requires("association.view")
@require_GET
def lesson_page(
    request: HttpRequest, association_slug: str, lesson_id: int = 0, platform_lesson_id: int = 0
) -> HttpResponse:
    pk, platform = _lesson_args(lesson_id, platform_lesson_id)
    lesson, enrolment = _lesson_or_404(request, pk, platform=platform)
    if enrolment is not None:
        lessons.lesson_opened(enrolment=enrolment, lesson=lesson)
    progress = selectors.learner_progress(enrolment=enrolment) if enrolment else None
    attempts = progress["attempts"].get(lesson.pk, []) if progress else []
    lesson_href, learn_href = _learner_links(request, platform=platform)
    context = {
        "lesson": lesson,
        "course": lesson.module.course,
        "enrolment": enrolment,
        "done": bool(progress and lesson.pk in progress["done"]),
        "attempts": attempts,
        "passed": any(a.passed for a in attempts),
        "attempts_left": max(lesson.max_attempts - len(attempts), 0),
        "show_media": request.GET.get("media") == "1",
        "file_url": lesson_href("lesson_file", lesson.pk) if lesson.file else "",
        "learn_href": learn_href(lesson.module.course_id),
        "done_href": lesson_href("lesson_done", lesson.pk),
        "quiz_href": lesson_href("quiz_submit", lesson.pk),
    }
    return render(request, "training/lesson.html", context)


@requires("association.view")
@require_GET
def lesson_file(
    request: HttpRequest, association_slug: str, lesson_id: int = 0, platform_lesson_id: int = 0
) -> HttpResponse:
    """The lesson's private file, streamed with range requests, to its learners (and, for an
    association's course, its managers) only."""
    pk, platform = _lesson_args(lesson_id, platform_lesson_id)
    lesson, _enrolment = _lesson_or_404(request, pk, platform=platform)
    if not lesson.file:
        raise Http404
    return serve_lesson_file(
        lesson.file,
        content_type=lesson.file_mime or "application/octet-stream",
        range_header=request.headers.get("Range"),
        download_name=f"lesson-{lesson.pk}.{lesson.file_kind or 'bin'}",
    )


@requires("association.view")
@require_POST
def lesson_done(
    request: HttpRequest, association_slug: str, lesson_id: int = 0, platform_lesson_id: int = 0
) -> HttpResponse:
    pk, platform = _lesson_args(lesson_id, platform_lesson_id)
    lesson, enrolment = _lesson_or_404(request, pk, platform=platform)
    if enrolment is None:
        raise Http404
    try:
        lessons.lesson_done(enrolment=enrolment, lesson=lesson)
    except WaslError as exc:
        messages.error(request, exc.message)
    _lesson_href, learn_href = _learner_links(request, platform=platform)
    return redirect(learn_href(lesson.module.course_id))


@requires("association.view")
@require_POST
def quiz_submit(
    request: HttpRequest, association_slug: str, lesson_id: int = 0, platform_lesson_id: int = 0
) -> HttpResponse:
    pk, platform = _lesson_args(lesson_id, platform_lesson_id)
    lesson, enrolment = _lesson_or_404(request, pk, platform=platform)
    if enrolment is None or lesson.kind != LessonKind.QUIZ:
        raise Http404
    answers: dict[int, set[int]] = {}
    for question in lesson.questions.all():
        valid = {c.pk for c in question.choices.all()}
        chosen = {int(v) for v in request.POST.getlist(f"q{question.pk}") if v.isdigit()}
        answers[question.pk] = chosen & valid
    try:
        attempt = lessons.quiz_submit(enrolment=enrolment, lesson=lesson, answers=answers)
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        text = (
            _("Score: %(score)s%%. Passed.") if attempt.passed else _("Score: %(score)s%%. Not passed yet.")
        )
        (messages.success if attempt.passed else messages.warning)(request, text % {"score": attempt.score})
    lesson_href, _learn = _learner_links(request, platform=platform)
    return redirect(lesson_href("lesson", lesson.pk))
