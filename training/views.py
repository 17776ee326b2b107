"""Training pages: the association's courses and sessions (/a/<slug>/training/), the learner's
actions there (enrol, cancel, evaluate, certificates) and the officers' (sessions, enrolments,
attendance, certificates). The public catalogue and the training managers' pages are in
views_public.py."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from documents.files import serve_private_file
from documents.pdf import qr_svg, render_pdf
from jobs.services import job_start
from members.selectors import member_of_request
from training import bulk_certificates, selectors, services
from training.forms import (
    AttendanceStatusForm,
    CatalogueFilterForm,
    CourseForm,
    CourseInvitationForm,
    EnrolMemberForm,
    EnrolmentPaymentForm,
    EvaluationForm,
    PlatformEnrolForm,
    RevokeForm,
    SessionForm,
)
from training.models import EnrolmentStatus


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"training:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _course_or_404(request, course_id: int):
    course = selectors.course_detail(course_id=course_id, include_unpublished=request.can.training_manage)
    if course is None:
        raise Http404
    return course


# --- Courses -----------------------------------------------------------------------------------------


@requires("association.view")
@require_GET
def course_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    manager = request.can.training_manage
    courses = selectors.association_courses(form.filters(), include_unpublished=manager)
    context = {
        "form": form,
        "courses": courses,
        "platform_sessions": selectors.platform_sessions_used() if manager else [],
        "platform_form": _platform_enrol_form(None) if manager else None,
    }
    return render(request, "training/course_list.html", context)


def _platform_enrol_form(data):
    return PlatformEnrolForm(
        data, sessions=selectors.platform_sessions_open(), members=selectors.enrollable_members()
    )


@requires("training.manage")
@require_POST
def platform_enrol_member(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Officers: enrol one of the association's members in a platform session."""
    form = _platform_enrol_form(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a platform session and a member."))
        return redirect(_ws(request, "courses"))
    try:
        enrolment = services.enrolment_create(
            actor=request.user,
            member_id=form.cleaned_data["member"],
            platform_session_id=form.cleaned_data["platform_session"],
        )
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(_ws(request, "courses"))
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        messages.info(request, _("The session is full: the member is on the waiting list."))
    else:
        messages.success(request, _("The member is enrolled."))
    return redirect(_ws(request, "platform_session", platform_session_id=enrolment.platform_session_id))


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, association_slug: str, course_id: int | None = None) -> HttpResponse:
    course = _course_or_404(request, course_id) if course_id is not None else None
    initial = {name: getattr(course, name) for name in CourseForm.Meta.fields} if course else None
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.course_save(actor=request.user, course_id=course_id, **form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect(_ws(request, "course", course_id=saved.pk))
    context = {"form": form, "course": course}
    return render(request, "training/course_form.html", context, status=400 if form.errors else 200)


@requires("association.view")
@require_GET
def course_detail(request: HttpRequest, association_slug: str, course_id: int) -> HttpResponse:
    course = _course_or_404(request, course_id)
    member = member_of_request(request)
    mine, _platform = selectors.member_active_session_ids(member=member) if member else (set(), set())
    context = {"course": course, "member": member, "my_session_ids": mine, "today": timezone.now()}
    return render(request, "training/course_detail.html", context)


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, association_slug: str, course_id: int) -> HttpResponse:
    course = _course_or_404(request, course_id)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, dates = form.session_values()
        try:
            session = services.session_save(actor=request.user, course_id=course.pk, dates=dates, **values)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect(_ws(request, "session", session_id=session.pk))
    context = {"form": form, "course": course}
    return render(request, "training/session_form.html", context, status=400 if form.errors else 200)


# --- Sessions (an association's own, or a platform session seen from this association) --------------


def _session_or_404(session_id: int | None, platform_session_id: int | None):
    if session_id is not None:
        session = selectors.session_detail(session_id=session_id)
    else:
        session = selectors.platform_session_detail(platform_session_id=platform_session_id)
    if session is None:
        raise Http404
    return session


def _session_kwargs(session_id, platform_session_id) -> dict:
    return (
        {"session_id": session_id} if session_id is not None else {"platform_session_id": platform_session_id}
    )


def _enrolment_filter(session, is_platform: bool) -> dict:
    return {"platform_session": session} if is_platform else {"session": session}


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def session_detail(
    request: HttpRequest,
    association_slug: str,
    session_id: int | None = None,
    platform_session_id: int | None = None,
) -> HttpResponse:
    """Officers: the session's enrolments here in arrival order, and enrolling a member."""
    session = _session_or_404(session_id, platform_session_id)
    is_platform = platform_session_id is not None
    form = EnrolMemberForm(request.POST or None, members=selectors.enrollable_members())
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                actor=request.user,
                member_id=form.cleaned_data["member"],
                **_session_kwargs(session_id, platform_session_id),
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            if enrolment.status == EnrolmentStatus.WAITLISTED:
                messages.info(request, _("The session is full: the member is on the waiting list."))
            else:
                messages.success(request, _("The member is enrolled."))
            return redirect(request.path)
    name = "platform_session" if is_platform else "session"
    context = {
        "session": session,
        "is_platform": is_platform,
        "form": form,
        "enrolments": selectors.session_enrolments(**_enrolment_filter(session, is_platform)),
        "days": services.session_days(session),
        "evaluation": selectors.session_evaluation_summary(**_enrolment_filter(session, is_platform)),
        "attendance_url": _ws(
            request, f"{name}_attendance", **_session_kwargs(session_id, platform_session_id)
        ),
        "sheet_url": _ws(request, f"{name}_sheet", **_session_kwargs(session_id, platform_session_id)),
        "certificates_url": _ws(
            request, f"{name}_certificates", **_session_kwargs(session_id, platform_session_id)
        ),
    }
    return render(request, "training/session_detail.html", context, status=400 if form.errors else 200)


def _self_enrol(request, *, session_id=None, platform_session_id=None) -> HttpResponse:
    member = member_of_request(request)
    if member is None:
        messages.error(request, _("Only a member of the association with an account can enrol here."))
    else:
        try:
            enrolment = services.enrolment_create(
                actor=request.user,
                member_id=member.pk,
                session_id=session_id,
                platform_session_id=platform_session_id,
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            if enrolment.status == EnrolmentStatus.WAITLISTED:
                full = _(
                    "The session is full: you are on the waiting list, and will be told when a seat frees."
                )
                messages.info(request, full)
            else:
                messages.success(request, _("You are enrolled."))
    return redirect("members:my", association_slug=request.association.slug)


@requires("association.view")
@require_POST
def session_enrol(request: HttpRequest, association_slug: str, session_id: int) -> HttpResponse:
    if selectors.session_detail(session_id=session_id) is None:
        raise Http404
    return _self_enrol(request, session_id=session_id)


@requires("association.view")
@require_POST
def platform_enrol(request: HttpRequest, association_slug: str, platform_session_id: int) -> HttpResponse:
    """Enrol oneself in a platform session through this association (the enrolment is its data)."""
    if selectors.platform_session_open(platform_session_id=platform_session_id) is None:
        raise Http404
    return _self_enrol(request, platform_session_id=platform_session_id)


def _my_enrolment_or_404(request, enrolment_id: int):
    """An enrolment the person may act on: any of the association's for officers, else their own."""
    enrolment = selectors.enrolment_detail(enrolment_id=enrolment_id)
    if enrolment is None:
        raise Http404
    if not request.can.training_manage:
        member = member_of_request(request)
        if member is None or enrolment.member_id != member.pk:
            raise Http404
    return enrolment


def _back_url(request, enrolment) -> str:
    if request.can.training_manage:
        if enrolment.is_platform:
            return _ws(request, "platform_session", platform_session_id=enrolment.platform_session_id)
        return _ws(request, "session", session_id=enrolment.session_id)
    return reverse("members:my", kwargs={"association_slug": request.association.slug})


@requires("association.view")
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request: HttpRequest, association_slug: str, enrolment_id: int) -> HttpResponse:
    enrolment = _my_enrolment_or_404(request, enrolment_id)
    back = _back_url(request, enrolment)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.enrolment_cancel(actor=request.user, enrolment_id=enrolment.pk)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The enrolment is cancelled."))
        return redirect(back)
    blocked = ""
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
        blocked = _("Only an enrolment or a place on the waiting list can be cancelled.")
    context = {
        "enrolment": enrolment,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Cancel the enrolment"),
        "blocked": blocked,
        "history": selectors.enrolment_history(enrolment=enrolment),
    }
    return render(request, "training/enrolment_cancel_confirm.html", context)


@requires("association.view")
@require_http_methods(["GET", "POST"])
def enrolment_evaluate(request: HttpRequest, association_slug: str, enrolment_id: int) -> HttpResponse:
    enrolment = _my_enrolment_or_404(request, enrolment_id)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(actor=request.user, enrolment_id=enrolment.pk, **form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("members:my", association_slug=association_slug)
    context = {"form": form, "enrolment": enrolment}
    return render(request, "training/evaluate.html", context, status=400 if form.errors else 200)


# --- Attendance ---------------------------------------------------------------------------------------


def _chosen_day(request, days: list[date]) -> date | None:
    raw = request.GET.get("day") or request.POST.get("day")
    if raw:
        try:
            chosen = date.fromisoformat(raw)
        except ValueError:
            return None
        return chosen if chosen in days else None
    today = timezone.localdate()
    return today if today in days else (days[0] if days else None)


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def attendance(
    request: HttpRequest,
    association_slug: str,
    session_id: int | None = None,
    platform_session_id: int | None = None,
) -> HttpResponse:
    """Phone check-in: one day of the session, learners found by name, a tap per status."""
    session = _session_or_404(session_id, platform_session_id)
    is_platform = platform_session_id is not None
    days = services.session_days(session)
    day = _chosen_day(request, days)
    if request.method == "POST":
        try:
            services.attendance_record(
                actor=request.user,
                enrolment_id=int(request.POST.get("enrolment") or 0),
                day=day,
                status=request.POST.get("status", ""),
            )
        except NotFound as exc:
            raise Http404 from exc
        except (WaslError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Unknown attendance status.")))
        else:
            messages.success(request, _("Attendance recorded."))
        return redirect(f"{request.path}?day={day.isoformat() if day else ''}&q={request.POST.get('q', '')}")
    query = request.GET.get("q", "")
    rows = selectors.attendance_rows(**_enrolment_filter(session, is_platform), day=day, query=query)
    context = {
        "session": session,
        "is_platform": is_platform,
        "days": days,
        "day": day,
        "query": query,
        "rows": rows,
        "statuses": [(s.code, s.label) for s in selectors.attendance_statuses()],
    }
    return render(request, "training/attendance.html", context)


@requires("training.manage")
@require_GET
def attendance_sheet(
    request: HttpRequest,
    association_slug: str,
    session_id: int | None = None,
    platform_session_id: int | None = None,
) -> HttpResponse:
    """A printable attendance sheet (PDF): one column per day, a line per enrolled learner."""
    session = _session_or_404(session_id, platform_session_id)
    is_platform = platform_session_id is not None
    enrolments = selectors.session_enrolments(**_enrolment_filter(session, is_platform)).filter(
        status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
    )
    days = services.session_days(session)
    statuses = selectors.attendance_statuses(include_retired=True)
    labels = {s.code: s.label for s in statuses}
    taken = selectors.attendance_by_enrolment_and_day(enrolments=enrolments)
    context = {
        "session": session,
        "association": request.association,
        "days": days,
        # Each learner's line: the status recorded for each day (in the association's words), or
        # an empty cell to sign on paper.
        "lines": [
            (enrolment, [labels.get(taken.get((enrolment.pk, day)), "") for day in days])
            for enrolment in enrolments
        ],
        "statuses": [s for s in statuses if s.is_active],
    }
    pdf = render_pdf("training/pdf/attendance_sheet.html", context, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="attendance.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, association_slug: str, enrolment_id: int) -> HttpResponse:
    """Where a learner's QR code leads an officer's phone: mark them present today."""
    enrolment = selectors.enrolment_detail(enrolment_id=enrolment_id)
    if enrolment is None:
        raise Http404
    session = enrolment.the_session
    today = timezone.localdate()
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.attendance_record(
                actor=request.user,
                enrolment_id=enrolment.pk,
                day=today,
                status=request.POST.get("status", "present"),
            )
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attendance recorded."))
        return redirect(_back_url(request, enrolment))
    context = {
        "enrolment": enrolment,
        "session": session,
        "today": today,
        "statuses": [(s.code, s.label) for s in selectors.attendance_statuses()],
    }
    return render(request, "training/checkin.html", context)


@requires("training.manage")
@require_POST
def enrolment_complete(request: HttpRequest, association_slug: str, enrolment_id: int) -> HttpResponse:
    """Apply the course's completion rule now (a certificate is issued when it is met)."""
    enrolment = selectors.enrolment_detail(enrolment_id=enrolment_id)
    if enrolment is None:
        raise Http404
    certificate = services.enrolment_complete_if_due(actor=request.user, enrolment_id=enrolment.pk)
    if certificate is None:
        messages.error(request, _("The course's completion rule is not met yet."))
    else:
        messages.success(request, _("Course completed: the certificate is issued."))
    return redirect(_back_url(request, enrolment))


# --- Certificates -------------------------------------------------------------------------------------


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, association_slug: str, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_detail(certificate_id=certificate_id)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user, certificate_id=certificate.pk, **form.cleaned_data
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect(_ws(request, "courses"))
    context = {
        "certificate": certificate,
        "form": form,
        "action_url": request.path,
        "cancel_url": _ws(request, "courses"),
        "confirm_label": _("Revoke the certificate"),
        "blocked": _("This certificate is already revoked.") if certificate.revoked_at else "",
    }
    return render(
        request, "training/certificate_revoke_confirm.html", context, status=400 if form.errors else 200
    )


@requires("association.view")
@require_GET
def my_certificate(request: HttpRequest, association_slug: str, certificate_id: int) -> HttpResponse:
    """The learner's own certificate PDF (officers may fetch any of the association's)."""
    certificate = selectors.certificate_detail(certificate_id=certificate_id)
    if certificate is None:
        raise Http404
    if not request.can.training_manage:
        member = member_of_request(request)
        if member is None or certificate.member_id != member.pk:
            raise Http404
    document = certificate.document
    if not document.file:
        raise Http404
    return serve_private_file(
        document.file, download_name=f"certificate-{document.token[:8]}.pdf", content_type="application/pdf"
    )


def enrolment_qr(request, enrolment) -> str:
    """The learner's check-in QR code: it opens the officers' check-in page for this enrolment."""
    url = request.build_absolute_uri(_ws(request, "checkin", enrolment_id=enrolment.pk))
    return qr_svg(url)


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def session_invite(request: HttpRequest, association_slug: str, session_id: int) -> HttpResponse:
    """Invite an outside participant (not a member) to a session of the association's own course.
    The link is shown once here (only its hash is kept) and sent by e-mail or SMS."""
    session = _session_or_404(session_id, None)
    form = CourseInvitationForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, raw = services.course_invitation_create(
                actor=request.user, session_id=session.pk, **form.cleaned_data
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            join = {"association_slug": association_slug, "invitation_token": raw}
            link = request.build_absolute_uri(reverse("training_public:join", kwargs=join))
            messages.success(
                request, _("Invitation created and sent. Copy the link now: it is shown only once.")
            )
            form = CourseInvitationForm()
    context = {
        "session": session,
        "form": form,
        "link": link,
        "invitations": selectors.session_invitations(session=session),
        "back_url": _ws(request, "session", session_id=session.pk),
        "now": timezone.now(),
    }
    return render(request, "training/session_invite.html", context, status=400 if form.errors else 200)


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def attendance_statuses(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The association's attendance statuses: labels, which count as attended, which are offered.
    `?status=<code>` opens one of them for change (the code itself is never shown: it is a key)."""
    statuses = selectors.attendance_statuses(include_retired=True)
    editing = next((s for s in statuses if s.code == request.GET.get("status")), None)
    initial = selectors.attendance_status_values(code=editing.code) if editing else None
    form = AttendanceStatusForm(request.POST or None, initial=initial, editing=editing is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_status_save(actor=request.user, **form.cleaned_data)
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Attendance status saved."))
            return redirect(request.path)
    context = {"form": form, "statuses": statuses, "editing": editing}
    return render(request, "training/attendance_statuses.html", context, status=400 if form.errors else 200)


@requires("training.manage")
@require_POST
def session_certificates(
    request: HttpRequest,
    association_slug: str,
    session_id: int | None = None,
    platform_session_id: int | None = None,
) -> HttpResponse:
    """Issue the certificates of every learner of the session who meets the rule, as a job."""
    session = _session_or_404(session_id, platform_session_id)
    params = {"platform_session_id": session.pk} if platform_session_id else {"session_id": session.pk}
    try:
        job = job_start(
            actor=request.user,
            role_kind=request.role.kind if request.role else None,
            kind=bulk_certificates.KIND,
            params=params,
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or _ws(request, "courses"))
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


# --- Paid sessions ------------------------------------------------------------------------------------


@requires("finance.post")
@require_GET
def payments_due(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The treasurer's list of seats in the association's priced sessions: paid (with the receipt)
    or to be paid."""
    unpaid_only = request.GET.get("only") == "unpaid"
    context = {"enrolments": selectors.priced_enrolments(unpaid_only=unpaid_only), "unpaid_only": unpaid_only}
    return render(request, "training/payments.html", context)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def enrolment_pay(request: HttpRequest, association_slug: str, enrolment_id: int) -> HttpResponse:
    """Record the payment of one seat of a priced session (finance: entry, receipt "other")."""
    enrolment = selectors.enrolment_detail(enrolment_id=enrolment_id)
    if enrolment is None or enrolment.session_id is None:
        raise Http404
    form = EnrolmentPaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.enrolment_payment_record(
                actor=request.user, enrolment_id=enrolment.pk, **form.service_values()
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            receipt = payment.receipts.select_related("fiscal_year").first()
            messages.success(
                request,
                _("Payment recorded: receipt %(number)s.") % {"number": receipt.label if receipt else ""},
            )
            return redirect(_ws(request, "payments"))
    blocked = ""
    if enrolment.is_paid:
        blocked = _("This enrolment is already paid.")
    elif not enrolment.is_priced:
        blocked = _("This session is free: there is nothing to pay.")
    context = {"enrolment": enrolment, "form": form, "blocked": blocked}
    return render(request, "training/enrolment_pay.html", context, status=400 if form.errors else 200)


# --- Outside participants: withdrawing an invitation, sending their page's link -----------------------


@requires("training.manage")
@require_http_methods(["GET", "POST"])
def invitation_withdraw(
    request: HttpRequest, association_slug: str, course_invitation_id: int
) -> HttpResponse:
    """Withdraw an invitation not used yet, after a confirmation: its link then serves no more."""
    invitation = selectors.course_invitation_detail(invitation_id=course_invitation_id)
    if invitation is None:
        raise Http404
    back = _ws(request, "session_invite", session_id=invitation.session_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.course_invitation_withdraw(actor=request.user, invitation_id=invitation.pk)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The invitation is withdrawn: its link no longer works."))
        return redirect(back)
    blocked = ""
    if invitation.withdrawn_at:
        blocked = _("This invitation is already withdrawn.")
    elif invitation.used_at:
        blocked = _("This invitation was used: cancel the enrolment it took instead.")
    context = {
        "invitation": invitation,
        "action_url": request.path,
        "cancel_url": back,
        "confirm_label": _("Withdraw the invitation"),
        "blocked": blocked,
    }
    return render(request, "training/invitation_withdraw_confirm.html", context)


@requires("training.manage")
@require_POST
def participant_send_page(request: HttpRequest, association_slug: str, participant_id: int) -> HttpResponse:
    """Send an outside participant the link to their own page (enrolments and certificates)."""
    invitation = selectors.participant_last_invitation(participant_id=participant_id)
    if invitation is None:
        raise Http404
    if services.participant_page_send(actor=request.user, participant_id=participant_id):
        messages.success(request, _("The link to their page is sent."))
    else:
        messages.error(request, _("This person gave no e-mail address or phone number."))
    return redirect(_ws(request, "session_invite", session_id=invitation.session_id))
