"""The public training catalogue (/training/) and the training managers' pages (/training/manage/).

The catalogue lists the platform's published courses: public rows that belong to no association,
so it opens no association scope and shows no enrolment. A signed-in person enrols through one of
the associations they belong to (the enrolment is that association's data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from associations.selectors import memberships_of
from associations.tenancy import association_scope_of_slug
from documents.files import serve_private_file
from training import selectors, services
from training.files import serve_lesson_file
from training.forms import CatalogueFilterForm, CourseForm, JoinForm, SessionForm
from training.platform_learners import platform_session_learners
from training.views_learning import content_page

CATALOGUE_PAGE_SIZE = 30


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    courses = list(selectors.catalogue(form.filters())[: CATALOGUE_PAGE_SIZE + 1])
    context = {
        "form": form,
        "courses": courses[:CATALOGUE_PAGE_SIZE],
        "more": len(courses) > CATALOGUE_PAGE_SIZE,
    }
    return render(request, "training/catalogue.html", context)


@require_GET
def platform_course(request: HttpRequest, course_token: str) -> HttpResponse:
    course = selectors.platform_course_by_token(token=course_token)
    if course is None:
        raise Http404
    memberships = memberships_of(user=request.user) if request.user.is_authenticated else []
    return render(request, "training/platform_course.html", {"course": course, "memberships": memberships})


def _training_manager_or_404(request: HttpRequest) -> None:
    if not request.user.is_training_manager:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def manage_list(request: HttpRequest) -> HttpResponse:
    _training_manager_or_404(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.platform_course_save(actor=request.user, **form.cleaned_data)
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training_public:manage_course", course_id=course.pk)
    context = {"form": form, "courses": selectors.platform_courses_managed()}
    return render(request, "training/manage_list.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage_course(request: HttpRequest, course_id: int) -> HttpResponse:
    _training_manager_or_404(request)
    course = selectors.platform_course_detail(course_id=course_id)
    if course is None:
        raise Http404
    initial = {name: getattr(course, name) for name in CourseForm.Meta.fields}
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    course_form = CourseForm(posted if which == "course" else None, initial=initial, prefix="course")
    session_form = SessionForm(posted if which == "session" else None, prefix="session", platform=True)
    try:
        if which == "course" and course_form.is_valid():
            services.platform_course_save(actor=request.user, course_id=course.pk, **course_form.cleaned_data)
            messages.success(request, _("Course saved."))
            return redirect(request.path)
        if which == "session" and session_form.is_valid():
            values, dates = session_form.session_values()
            services.platform_session_save(actor=request.user, course_id=course.pk, dates=dates, **values)
            messages.success(request, _("Session saved."))
            return redirect(request.path)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        add_service_error(course_form if which == "course" else session_form, exc)
    failed = course_form.errors or session_form.errors
    context = {"course": course, "course_form": course_form, "session_form": session_form}
    return render(request, "training/manage_course.html", context, status=400 if failed else 200)


@login_required
@require_http_methods(["GET", "POST"])
def manage_content(request: HttpRequest, course_id: int) -> HttpResponse:
    """A platform course's modules, lessons and quizzes, written by the training managers."""
    _training_manager_or_404(request)
    course = selectors.platform_course_detail(course_id=course_id)
    if course is None:
        raise Http404
    return content_page(
        request,
        course=course,
        platform=True,
        lesson_href=lambda pk: reverse("training_public:manage_lesson", kwargs={"lesson_id": pk}),
        back_href=reverse("training_public:manage_course", kwargs={"course_id": course.pk}),
    )


def _managed_lesson_or_404(request: HttpRequest, lesson_id: int):
    _training_manager_or_404(request)
    lesson = selectors.lesson_detail(lesson_id=lesson_id, platform=True)
    if lesson is None:
        raise Http404
    return lesson


@login_required
@require_GET
def manage_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A training manager's preview of a platform lesson (no progress is kept)."""
    lesson = _managed_lesson_or_404(request, lesson_id)
    file_url = reverse("training_public:manage_lesson_file", kwargs={"lesson_id": lesson.pk})
    context = {
        "lesson": lesson,
        "course": lesson.module.course,
        "enrolment": None,
        "show_media": request.GET.get("media") == "1",
        "file_url": file_url if lesson.file else "",
        "learn_href": reverse(
            "training_public:manage_content", kwargs={"course_id": lesson.module.course_id}
        ),
    }
    return render(request, "training/lesson.html", context)


@login_required
@require_GET
def manage_lesson_file(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _managed_lesson_or_404(request, lesson_id)
    if not lesson.file:
        raise Http404
    return serve_lesson_file(
        lesson.file,
        content_type=lesson.file_mime or "application/octet-stream",
        range_header=request.headers.get("Range"),
        download_name=f"lesson-{lesson.pk}.{lesson.file_kind or 'bin'}",
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, association_slug: str, invitation_token: str) -> HttpResponse:
    """An outside participant's invitation link: no account needed, the random token is the key. It
    opens the association's scope itself (the link lives outside /a/, which needs a role)."""
    with association_scope_of_slug(association_slug) as association:
        if association is None:
            raise Http404
        try:
            invitation = services.course_invitation_for_token(raw_token=invitation_token)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            context = {"message": exc.message, "association": association}
            return render(request, "training/join_problem.html", context, status=410)
        form = JoinForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                enrolment = services.course_invitation_accept(raw_token=invitation_token)
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                context = {"message": exc.message, "association": association}
                return render(request, "training/join_problem.html", context, status=409)
            context = {"association": association, "enrolment": enrolment, "session": invitation.session}
            return render(request, "training/join_done.html", context)
        context = {
            "association": association,
            "invitation": invitation,
            "session": invitation.session,
            "form": form,
        }
        return render(request, "training/join.html", context, status=400 if form.errors else 200)


def _participant_or_response(request, association, participant_token: str):
    """(participant, None), or (None, the 410 page of an expired link); 404 for a tampered one."""
    try:
        return services.participant_for_page_token(
            token=participant_token, association_id=association.pk
        ), None
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        context = {"message": exc.message, "association": association}
        return None, render(request, "training/participant_link_problem.html", context, status=410)


@require_GET
def participant_page(request: HttpRequest, association_slug: str, participant_token: str) -> HttpResponse:
    """An outside participant's own page, reached by the signed, expiring link sent to them: their
    enrolments and certificates in this association (no account). Nothing of anyone else."""
    with association_scope_of_slug(association_slug) as association:
        if association is None:
            raise Http404
        participant, refused = _participant_or_response(request, association, participant_token)
        if refused is not None:
            return refused
        context = {
            "association": association,
            "participant": participant,
            "enrolments": selectors.participant_enrolments(participant=participant),
            "certificates": selectors.participant_certificates(participant=participant),
            "participant_token": participant_token,
        }
        response = render(request, "training/participant_page.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def participant_certificate(
    request: HttpRequest, association_slug: str, participant_token: str, participant_certificate_id: int
) -> HttpResponse:
    """The participant's own certificate PDF (a revoked one is not served)."""
    with association_scope_of_slug(association_slug) as association:
        if association is None:
            raise Http404
        participant, refused = _participant_or_response(request, association, participant_token)
        if refused is not None:
            return refused
        certificate = next(
            (
                c
                for c in selectors.participant_certificates(participant=participant)
                if c.pk == participant_certificate_id
            ),
            None,
        )
        if certificate is None or certificate.revoked_at or not certificate.document.file:
            raise Http404
        document = certificate.document
        return serve_private_file(
            document.file,
            download_name=f"certificate-{document.token[:8]}.pdf",
            content_type="application/pdf",
        )


@login_required
@require_GET
def manage_session_learners(request: HttpRequest, platform_session_id: int) -> HttpResponse:
    """A training manager's list of a platform session's learners, whatever their association:
    association, name, status, days attended, certificate — and nothing else of theirs."""
    _training_manager_or_404(request)
    session = selectors.platform_session_managed(platform_session_id=platform_session_id)
    if session is None:
        raise Http404
    days = services.session_days(session)
    learners = platform_session_learners(platform_session=session, days_total=len(days))
    context = {
        "session": session,
        "days_total": len(days),
        "learners": learners,
        "completed": sum(1 for row in learners if row.status == "completed"),
    }
    return render(request, "training/manage_learners.html", context)
