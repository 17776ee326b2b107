"""The bureau register (/a/<slug>/governance/bureau/), the roles that follow it, and the
declarations to the local authority (/a/<slug>/governance/declarations/)."""

from __future__ import annotations

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
from governance import selectors_bureau as selectors
from governance import services_bureau, services_declarations, services_reports
from governance.forms_bureau import DeclarationOpenForm, InstallForm, MandateEndForm, MandateForm, ReceiptForm
from governance.packs import bureau_particulars


def _ws(request, name: str, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"association_slug": request.association.slug, **kwargs})


def _mandate_form(data=None):
    return MandateForm(
        data,
        members=selectors.officer_candidates(),
        assemblies=selectors.assemblies_held(),
        initial={"starts_on": timezone.localdate()},
    )


# --- Bureau ------------------------------------------------------------------------------------------


@requires("governance.view")
@require_GET
def bureau(request: HttpRequest, association_slug: str) -> HttpResponse:
    manager = request.can.governance_convene
    context = {
        "current": selectors.bureau_current(),
        "history": selectors.mandate_history()[:100],
        "form": _mandate_form() if manager else None,
        "elections": list(selectors.assemblies_with_elections()) if manager else [],
        "role_changes": len(services_bureau.bureau_role_plan().changes) if request.can.roles_manage else 0,
        "show_cin": request.can.members_view_sensitive,
        "today": timezone.localdate(),
    }
    return render(request, "governance/bureau.html", context)


@requires("governance.convene")
@require_POST
def mandate_new(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Record one office holder; a single office already held asks for a confirmation first."""
    form = _mandate_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_bureau.mandate_record(
                actor=request.user,
                member_id=data["member"],
                office=data["office"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                assembly_id=data["assembly"],
                replace_holder=request.POST.get("confirm") == "yes",
            )
        except WaslError as exc:
            if exc.code == "office_held":
                context = {
                    "form": form,
                    "message": exc.message,
                    "action_url": _ws(request, "mandate_new"),
                    "cancel_url": _ws(request, "bureau"),
                    "confirm_label": _("Replace the holder"),
                }
                return render(request, "governance/mandate_replace_confirm.html", context)
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate is recorded. Check the roles that follow from it."))
            return redirect(_ws(request, "bureau"))
    context = {
        "current": selectors.bureau_current(),
        "history": selectors.mandate_history()[:100],
        "form": form,
        "elections": [],
        "role_changes": 0,
        "show_cin": request.can.members_view_sensitive,
        "today": timezone.localdate(),
    }
    return render(request, "governance/bureau.html", context, status=400)


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def mandate_end(request: HttpRequest, association_slug: str, mandate_id: int) -> HttpResponse:
    mandate = selectors.mandate_get(mandate_id=mandate_id)
    if mandate is None:
        raise Http404
    form = MandateEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services_bureau.mandate_end(
                actor=request.user,
                mandate_id=mandate.pk,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate has ended; it stays in the register's history."))
            return redirect(_ws(request, "bureau"))
    context = {
        "mandate": mandate,
        "form": form,
        "action_url": _ws(request, "mandate_end", mandate_id=mandate.pk),
        "cancel_url": _ws(request, "bureau"),
        "confirm_label": _("End the mandate"),
    }
    return render(request, "governance/mandate_end_confirm.html", context, status=400 if form.errors else 200)


@requires("governance.convene")
@require_http_methods(["GET", "POST"])
def bureau_install(request: HttpRequest, association_slug: str, assembly_id: int) -> HttpResponse:
    """Install the bureau an assembly elected (its closed elections), after a confirmation page."""
    from governance.selectors import election_results

    assembly = selectors.assemblies_held().filter(pk=assembly_id).first()
    if assembly is None:
        raise Http404
    elected = election_results(assembly_id=assembly.pk)
    form = InstallForm(
        request.POST or None,
        initial={"starts_on": max((seat.elected_on for seat in elected), default=timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_bureau.bureau_install_from_election(
                actor=request.user, assembly_id=assembly.pk, starts_on=form.cleaned_data["starts_on"]
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The new bureau is in the register and its declaration is open: file it within one month."),
            )
            return redirect(_ws(request, "bureau"))
    members = {m.pk: m for m in selectors.officer_candidates().filter(pk__in=[s.member_id for s in elected])}
    context = {
        "assembly": assembly,
        "elected": [(seat, members.get(seat.member_id)) for seat in elected],
        "current": selectors.bureau_current(),
        "form": form,
        "action_url": _ws(request, "bureau_install", assembly_id=assembly.pk),
        "cancel_url": _ws(request, "bureau"),
        "confirm_label": _("Install the new bureau"),
        "blocked": "" if elected else _("This assembly has no closed election."),
    }
    return render(
        request, "governance/bureau_install_confirm.html", context, status=400 if form.errors else 200
    )


@requires("roles.manage")
@require_http_methods(["GET", "POST"])
def bureau_roles(request: HttpRequest, association_slug: str) -> HttpResponse:
    """The roles the register implies, shown before anything changes; the form applies exactly them."""
    if request.method == "POST":
        try:
            count = services_bureau.bureau_roles_apply(
                actor=request.user, digest=request.POST.get("digest", "")
            )
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)d roles now follow the bureau register.") % {"count": count})
            return redirect(_ws(request, "bureau"))
    plan = services_bureau.bureau_role_plan()
    context = {
        "plan": plan,
        "action_url": _ws(request, "bureau_roles"),
        "cancel_url": _ws(request, "bureau"),
        "confirm_label": _("Change these roles"),
        "blocked": "" if plan.changes else _("The roles already follow the bureau register."),
    }
    return render(request, "governance/bureau_roles_confirm.html", context)


# --- Declarations ------------------------------------------------------------------------------------


def _open_form(data=None):
    return DeclarationOpenForm(data, assemblies=selectors.assemblies_held())


@requires("governance.view")
@require_http_methods(["GET", "POST"])
def declarations(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = _open_form(request.POST or None) if request.can.governance_convene else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                declaration = services_declarations.declaration_open(
                    actor=request.user,
                    kind=data["kind"],
                    changed_on=data["changed_on"],
                    assembly_id=data["assembly"],
                    branch_name=data["branch_name"],
                    authority=data["authority"],
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The declaration is open; it is due on %(date)s.") % {"date": declaration.due_on},
                )
                return redirect(_ws(request, "declaration", declaration_id=declaration.pk))
    context = {"declarations": selectors.declaration_list(), "form": form, "today": timezone.localdate()}
    return render(
        request,
        "governance/declarations.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


def _declaration_or_404(declaration_id: int):
    declaration = selectors.declaration_get(declaration_id=declaration_id)
    if declaration is None:
        raise Http404
    return declaration


@requires("governance.view")
@require_GET
def declaration(request: HttpRequest, association_slug: str, declaration_id: int) -> HttpResponse:
    declaration = _declaration_or_404(declaration_id)
    return _declaration_page(request, declaration)


def _declaration_page(request, declaration, *, filed_form=None, final_form=None, status=200):
    today = timezone.localdate()
    bureau = bureau_particulars(declaration) if declaration.kind != "statutes" else []
    context = {
        "declaration": declaration,
        "bureau": bureau,
        "missing_particulars": any(person["missing"] for person in bureau),
        "show_cin": request.can.members_view_sensitive,
        "filed_form": filed_form or ReceiptForm(initial={"received_on": today}),
        "final_form": final_form or ReceiptForm(initial={"received_on": today}),
        "late": declaration.is_late(today),
        "final_late": declaration.final_is_late(today),
        "today": today,
    }
    return render(request, "governance/declaration.html", context, status=status)


@requires("governance.convene")
@require_POST
def declaration_filed(request: HttpRequest, association_slug: str, declaration_id: int) -> HttpResponse:
    declaration = _declaration_or_404(declaration_id)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services_declarations.declaration_record_filing(
                actor=request.user,
                declaration_id=declaration.pk,
                filed_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The provisional receipt is recorded; the final one is due within 60 days.")
            )
            return redirect(_ws(request, "declaration", declaration_id=declaration.pk))
    return _declaration_page(request, declaration, filed_form=form, status=400)


@requires("governance.convene")
@require_POST
def declaration_final(request: HttpRequest, association_slug: str, declaration_id: int) -> HttpResponse:
    declaration = _declaration_or_404(declaration_id)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services_declarations.declaration_record_final_receipt(
                actor=request.user,
                declaration_id=declaration.pk,
                final_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The final receipt is recorded: the declaration is complete."))
            return redirect(_ws(request, "declaration", declaration_id=declaration.pk))
    return _declaration_page(request, declaration, final_form=form, status=400)


@requires("governance.convene")
@require_POST
def declaration_pack(request: HttpRequest, association_slug: str, declaration_id: int) -> HttpResponse:
    declaration = _declaration_or_404(declaration_id)
    try:
        job = services_reports.declaration_pack_generate(
            actor=request.user, role_kind=request.role.kind, declaration_id=declaration.pk
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(_ws(request, "declaration", declaration_id=declaration.pk))
    messages.info(request, _("The pack is being generated; this page will offer it when it is ready."))
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


@requires("members.view_sensitive")
@require_GET
def declaration_pack_download(
    request: HttpRequest, association_slug: str, declaration_id: int
) -> HttpResponse:
    """The pack prints CIN numbers: only roles that may see them download it."""
    declaration = _declaration_or_404(declaration_id)
    if not declaration.pack_file:
        raise Http404
    return serve_private_file(
        declaration.pack_file,
        download_name=f"declaration-{declaration.changed_on:%Y%m%d}.pdf",
        content_type="application/pdf",
    )
