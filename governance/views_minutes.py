"""Minutes (/a/<slug>/governance/minutes/): drafted, edited, signed, published; and the annual
report packs (/a/<slug>/governance/reports/)."""

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
from documents.files import serve_private_file
from governance import selectors_bureau as selectors
from governance import services_minutes, services_reports
from governance.forms_bureau import AnnualReportForm, MinutesForm, MoralReportForm
from governance.models import MinutesStatus


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


# --- Minutes -----------------------------------------------------------------------------------------


@requires("governance.view")
@require_GET
def minutes_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    context = {
        "minutes": selectors.minutes_list(),
        "to_draft": list(selectors.assemblies_without_minutes()) if request.can.governance_convene else [],
    }
    return render(request, "governance/minutes_list.html", context)


@requires("governance.convene")
@require_POST
def minutes_draft(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    try:
        minutes = services_minutes.minutes_draft(actor=request.user, assembly_id=assembly_id)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(_ws(request, "minutes_list"))
    messages.success(request, _("The minutes are drafted from the meeting: read and complete the text."))
    return redirect(_ws(request, "minutes", minutes_id=minutes.pk))


def _minutes_or_404(minutes_id: int):
    minutes = selectors.minutes_get(minutes_id=minutes_id)
    if minutes is None:
        raise Http404
    return minutes


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def minutes_detail(request: HttpRequest, association_slug: str, minutes_id: int) -> HttpResponse:
    minutes = _minutes_or_404(minutes_id)
    signatures = list(minutes.signatures.all())
    editable = request.can.governance_convene and minutes.status == MinutesStatus.DRAFT and not signatures
    form = MinutesForm(request.POST or None, initial={"text_ar": minutes.text_ar, "text_fr": minutes.text_fr})
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services_minutes.minutes_edit(actor=request.user, minutes_id=minutes.pk, **form.cleaned_data)
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The minutes are saved."))
                return redirect(_ws(request, "minutes", minutes_id=minutes.pk))
    signatory = services_minutes.signatory_of(request.user)
    context = {
        "minutes": minutes,
        "facts": minutes.facts,
        "signatures": signatures,
        "form": form if editable else None,
        "can_sign": signatory is not None
        and minutes.status == MinutesStatus.DRAFT
        and signatory not in {s.signatory for s in signatures},
    }
    return render(request, "governance/minutes.html", context, status=400 if form.errors else 200)


@requires("governance.convene")
@require_POST
def minutes_refresh(request: HttpRequest, association_slug: str, minutes_id: int) -> HttpResponse:
    minutes = _minutes_or_404(minutes_id)
    try:
        services_minutes.minutes_refresh(actor=request.user, minutes_id=minutes.pk)
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The facts are taken again from the meeting."))
    return redirect(_ws(request, "minutes", minutes_id=minutes.pk))


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def minutes_sign(request: HttpRequest, association_slug: str, minutes_id: int) -> HttpResponse:
    """Signing freezes the text: a confirmation page says so first."""
    minutes = _minutes_or_404(minutes_id)
    if request.method == "POST":
        try:
            services_minutes.minutes_sign(actor=request.user, minutes_id=minutes.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your signature is recorded on the minutes."))
        return redirect(_ws(request, "minutes", minutes_id=minutes.pk))
    signatory = services_minutes.signatory_of(request.user)
    context = {
        "minutes": minutes,
        "action_url": _ws(request, "minutes_sign", minutes_id=minutes.pk),
        "cancel_url": _ws(request, "minutes", minutes_id=minutes.pk),
        "confirm_label": _("Sign the minutes"),
        "blocked": "" if signatory else _("Only the president and the secretary-general sign the minutes."),
    }
    return render(request, "governance/minutes_sign_confirm.html", context)


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def minutes_publish(request: HttpRequest, association_slug: str, minutes_id: int) -> HttpResponse:
    minutes = _minutes_or_404(minutes_id)
    if request.method == "POST":
        try:
            services_minutes.minutes_publish(actor=request.user, minutes_id=minutes.pk)
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The minutes are published: members see them and the PDF is being made.")
            )
        return redirect(_ws(request, "minutes", minutes_id=minutes.pk))
    context = {
        "minutes": minutes,
        "action_url": _ws(request, "minutes_publish", minutes_id=minutes.pk),
        "cancel_url": _ws(request, "minutes", minutes_id=minutes.pk),
        "confirm_label": _("Publish to the members"),
        "blocked": ""
        if minutes.status == MinutesStatus.SIGNED
        else _("The president and the secretary-general must both sign the minutes first."),
    }
    return render(request, "governance/minutes_publish_confirm.html", context)


@requires("association.view")
@require_GET
def minutes_pdf(request: HttpRequest, association_slug: str, minutes_id: int) -> HttpResponse:
    """Published minutes, for every member of the association."""
    minutes = selectors.minutes_published().filter(pk=minutes_id).first()
    if minutes is None or minutes.document is None or not minutes.document.file:
        raise Http404
    return serve_private_file(
        minutes.document.file,
        download_name=f"pv-{minutes.facts.get('assembly', {}).get('held_on', '')}.pdf",
        content_type="application/pdf",
    )


# --- Annual reports ---------------------------------------------------------------------------------


def _report_form(data=None):
    return AnnualReportForm(data, assemblies=selectors.ordinary_assemblies(), years=selectors.fiscal_years())


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def annual_reports(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = _report_form(request.POST or None) if request.can.governance_convene else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                report = services_reports.annual_report_create(
                    actor=request.user,
                    assembly_id=form.cleaned_data["assembly"],
                    fiscal_year_id=form.cleaned_data["fiscal_year"],
                    next_fiscal_year_id=form.cleaned_data["next_fiscal_year"],
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("The annual report is started: the board writes its moral report.")
                )
                return redirect(_ws(request, "annual_report", report_id=report.pk))
    context = {"reports": selectors.annual_report_list(), "form": form}
    return render(
        request,
        "governance/annual_reports.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


def _report_or_404(report_id: int):
    report = selectors.annual_report_get(report_id=report_id)
    if report is None:
        raise Http404
    return report


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest, association_slug: str, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    manager = request.can.governance_convene
    form = MoralReportForm(
        request.POST or None,
        initial={"moral_report_ar": report.moral_report_ar, "moral_report_fr": report.moral_report_fr},
    )
    if request.method == "POST":
        if not manager:
            raise Http404
        if form.is_valid():
            try:
                services_reports.annual_report_write(
                    actor=request.user, report_id=report.pk, **form.cleaned_data
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The moral report is saved. Generate the pack to include it."))
                return redirect(_ws(request, "annual_report", report_id=report.pk))
    context = {"report": report, "form": form if manager else None}
    return render(request, "governance/annual_report.html", context, status=400 if form.errors else 200)


@requires("governance.convene")
@require_POST
def annual_report_generate(request: HttpRequest, association_slug: str, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    try:
        job = services_reports.annual_report_generate(
            actor=request.user, role_kind=request.role.kind, report_id=report.pk
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(_ws(request, "annual_report", report_id=report.pk))
    messages.info(request, _("The annual report is being generated."))
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


@requires("governance.view")
@require_GET
def annual_report_pdf(request: HttpRequest, association_slug: str, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    if not report.file:
        raise Http404
    return serve_private_file(
        report.file, download_name=f"annual-report-{report.fiscal_year}.pdf", content_type="application/pdf"
    )
