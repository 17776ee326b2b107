"""Pages of funding under /a/<slug>/finance/funding/: the treasurer's home, funders and grant
agreements (instalments, use report), donors and donations (yearly statement), the declarations of
foreign money to the SGG, public money and the account for the Court of Accounts, the settings.

Money received posts an entry, which is then frozen: the instalment and donation forms lead to a
confirmation page; only its form (confirm=yes) records."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error, form_status, save_form
from finance import funding_selectors, selectors
from finance.funding_files import DONOR_STATEMENT, PUBLIC_SUPPORT, funding_file_start, public_support_report
from finance.funding_forms import (
    DeclarationForm,
    DonationForm,
    DonorForm,
    FunderForm,
    FundingSettingsForm,
    GrantForm,
    InstalmentForm,
    UseReportForm,
)
from finance.funding_home import treasurer_home
from finance.models import Donor, ForeignDeclaration, Funder, FundingSettings
from finance.models.funding import FUNDER_ACCOUNT_CODES
from finance.services import funding as services


class _CheckOnly(Exception):
    pass


def _check(service, **fields) -> None:
    """Run a recording service and roll everything back: its checks, without its effects."""
    try:
        with transaction.atomic():
            service(**fields)
            raise _CheckOnly
    except _CheckOnly:
        pass


def _sensitive(request) -> bool:
    return bool(getattr(request.can, "members_view_sensitive", False))


# --- Home ----------------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def home(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "finance/funding/home.html", treasurer_home())


# --- Funders and grants --------------------------------------------------------------------------


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def funders(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = FunderForm(request.POST or None)
    if request.method == "POST" and not request.can.finance_post:
        raise Http404
    if save_form(
        request,
        form,
        lambda data: services.funder_create(actor=request.user, **data),
        success=_("Funder added."),
    ):
        return redirect("funding:funders", association_slug=association_slug)
    return render(
        request,
        "finance/funding/funders.html",
        {"form": form, "funders": Funder.objects.order_by("name")},
        status=form_status(form),
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def funder_edit(request: HttpRequest, association_slug: str, funder_id: int) -> HttpResponse:
    funder = Funder.objects.filter(pk=funder_id).first()
    if funder is None:
        raise Http404
    initial = {key: getattr(funder, key) for key in ("name", "funder_type", "country", "email", "notes")}
    form = FunderForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.funder_update(actor=request.user, funder_id=funder.pk, **data),
        success=_("Funder saved."),
    ):
        return redirect("funding:funders", association_slug=association_slug)
    return render(
        request,
        "finance/funding/funder_edit.html",
        {"form": form, "funder": funder},
        status=form_status(form),
    )


@requires("finance.view")
@require_GET
def grants(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "finance/funding/grants.html", {"grants": funding_selectors.grants()})


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = GrantForm(request.POST or None)
    grant = save_form(
        request,
        form,
        lambda data: services.grant_create(actor=request.user, **_grant_fields(data)),
        success=_("Grant agreement recorded."),
    )
    if grant:
        return redirect("funding:grant", association_slug=association_slug, grant_id=grant.pk)
    return render(request, "finance/funding/grant_form.html", {"form": form}, status=form_status(form))


def _grant_fields(data: dict) -> dict:
    """The grant services' arguments from the grant form's cleaned data."""
    return {
        "funder_id": data["funder"],
        "name": data["name"],
        "amount_granted": data["amount_granted"],
        "signed_on": data["signed_on"],
        "reference": data["reference"],
        "project_id": data["project"] or None,
        "purpose": data["purpose"],
    }


@requires("finance.view")
@require_GET
def grant(request: HttpRequest, association_slug: str, grant_id: int) -> HttpResponse:
    found = funding_selectors.grant_detail(grant_id)
    if found is None:
        raise Http404
    return render(
        request,
        "finance/funding/grant.html",
        {
            "grant": found,
            "instalments": found.instalments.select_related("entry").order_by("received_on", "id"),
            "left": found.amount_granted - found.received,
            "account_code": FUNDER_ACCOUNT_CODES[found.funder.funder_type],
            "report_form": UseReportForm(
                initial={"use_report": found.use_report, "use_report_on": found.use_report_on}
            ),
        },
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def instalment(request: HttpRequest, association_slug: str, grant_id: int) -> HttpResponse:
    found = funding_selectors.grant_detail(grant_id)
    if found is None:
        raise Http404
    form = InstalmentForm(request.POST or None)
    context = {"form": form, "grant": found}
    template = "finance/funding/instalment_form.html"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "grant_id": found.pk,
            "amount": data["amount"],
            "received_on": data["received_on"],
            "account_id": data["account"],
            "reference": data["reference"],
            "method": data["method"],
            "cheque_number": data["cheque_number"],
            "bank_name": data["bank_name"],
        }
        try:
            if request.POST.get("confirm") == "yes" and not request.POST.get("edit"):
                services.instalment_record(actor=request.user, **fields)
                messages.success(request, _("Instalment recorded and posted."))
                return redirect("funding:grant", association_slug=association_slug, grant_id=found.pk)
            _check(services.instalment_record, actor=request.user, **fields)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            if not request.POST.get("edit"):
                template = "finance/funding/confirm.html"
                context.update(
                    amount=form.cleaned_data["amount"],
                    title=_("Instalment of %(grant)s") % {"grant": found.name},
                    foreign=found.funder.is_foreign,
                    account_code=FUNDER_ACCOUNT_CODES[found.funder.funder_type],
                )
    return render(request, template, context, status=form_status(form))


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, association_slug: str, grant_id: int) -> HttpResponse:
    """Change an agreement. The service refuses what would contradict the instalments received."""
    found = funding_selectors.grant_detail(grant_id)
    if found is None:
        raise Http404
    initial = {
        "name": found.name,
        "funder": str(found.funder_id),
        "amount_granted": f"{found.amount_granted:.2f}",
        "signed_on": found.signed_on,
        "reference": found.reference,
        "project": str(found.project_id or ""),
        "purpose": found.purpose,
    }
    form = GrantForm(request.POST or None, initial=initial, keep_project_id=found.project_id)
    if save_form(
        request,
        form,
        lambda data: services.grant_update(actor=request.user, grant_id=found.pk, **_grant_fields(data)),
        success=_("Grant agreement saved."),
    ):
        return redirect("funding:grant", association_slug=association_slug, grant_id=found.pk)
    return render(
        request, "finance/funding/grant_edit.html", {"form": form, "grant": found}, status=form_status(form)
    )


@requires("finance.post")
@require_POST
def use_report(request: HttpRequest, association_slug: str, grant_id: int) -> HttpResponse:
    form = UseReportForm(request.POST)
    if form.is_valid():
        try:
            services.grant_use_report_save(
                actor=request.user,
                grant_id=grant_id,
                use_report=form.cleaned_data["use_report"],
                use_report_on=form.cleaned_data["use_report_on"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Use report saved."))
    else:
        if funding_selectors.grant_detail(grant_id) is None:
            raise Http404
        messages.error(request, _("Write the report on the use of the grant."))
    return redirect("funding:grant", association_slug=association_slug, grant_id=grant_id)


# --- Donors and donations ------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def donors(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "finance/funding/donors.html", {"donors": funding_selectors.donors()})


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def donor_new(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = DonorForm(request.POST or None, show_identity=_sensitive(request))
    donor = save_form(
        request,
        form,
        lambda data: services.donor_create(actor=request.user, **data),
        success=_("Donor added."),
    )
    if donor:
        return redirect("funding:donor", association_slug=association_slug, donor_id=donor.pk)
    return render(request, "finance/funding/donor_form.html", {"form": form}, status=form_status(form))


@requires("finance.view")
@require_GET
def donor(request: HttpRequest, association_slug: str, donor_id: int) -> HttpResponse:
    found = Donor.objects.filter(pk=donor_id).first()
    if found is None:
        raise Http404
    return render(
        request,
        "finance/funding/donor.html",
        {
            "donor": found,
            "donations": funding_selectors.donor_donations(found).reverse(),
            "years": funding_selectors.donor_years(found),
            "show_identity": _sensitive(request),
        },
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def donation(request: HttpRequest, association_slug: str, donor_id: int) -> HttpResponse:
    found = Donor.objects.filter(pk=donor_id).first()
    if found is None:
        raise Http404
    form = DonationForm(request.POST or None)
    context = {"form": form, "donor": found}
    template = "finance/funding/donation_form.html"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "donor_id": found.pk,
            "nature": data["nature"],
            "amount": data["amount"],
            "received_on": data["received_on"],
            "account_id": data["account"] or None,
            "description": data["description"],
            "valuation": data["valuation"],
            "hours": data["hours"] or None,
            "project_id": data["project"] or None,
            "method": data["method"],
            "cheque_number": data["cheque_number"],
            "bank_name": data["bank_name"],
        }
        try:
            if request.POST.get("confirm") == "yes" and not request.POST.get("edit"):
                services.donation_record(actor=request.user, **fields)
                messages.success(request, _("Donation recorded."))
                return redirect("funding:donor", association_slug=association_slug, donor_id=found.pk)
            _check(services.donation_record, actor=request.user, **fields)
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            if not request.POST.get("edit"):
                template = "finance/funding/confirm.html"
                context.update(
                    amount=form.cleaned_data["amount"],
                    title=_("Donation from %(donor)s") % {"donor": found.name},
                    foreign=found.from_abroad,
                    nature=data["nature"],
                )
    return render(request, template, context, status=form_status(form))


@requires("finance.view")
@require_POST
def donor_statement(request: HttpRequest, association_slug: str, donor_id: int) -> HttpResponse:
    if not Donor.objects.filter(pk=donor_id).exists():
        raise Http404
    try:
        job = funding_file_start(
            actor=request.user,
            role_kind=request.role.kind,
            file=DONOR_STATEMENT,
            file_format="pdf",
            donor_id=donor_id,
            year=request.POST.get("year"),
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("funding:donor", association_slug=association_slug, donor_id=donor_id)
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


# --- Declarations, public money, settings --------------------------------------------------------


@requires("finance.view")
@require_GET
def declarations(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(
        request,
        "finance/funding/declarations.html",
        {"declarations": funding_selectors.declarations(), "days": services.declaration_days()},
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, association_slug: str, foreign_declaration_id: int) -> HttpResponse:
    found = ForeignDeclaration.objects.filter(pk=foreign_declaration_id).first()
    if found is None:
        raise Http404
    form = DeclarationForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.declaration_mark_declared(actor=request.user, declaration_id=found.pk, **data),
        success=_("Declaration recorded as sent: the reminders stop."),
    ):
        return redirect("funding:declarations", association_slug=association_slug)
    return render(
        request,
        "finance/funding/declare.html",
        {"form": form, "declaration": found},
        status=form_status(form),
    )


@requires("finance.view")
@require_GET
def public_money(request: HttpRequest, association_slug: str) -> HttpResponse:
    year_id = request.GET.get("year")
    year = selectors.current_year()
    if year_id:
        year = selectors.fiscal_years().filter(pk=year_id if str(year_id).isdigit() else 0).first()
        if year is None:
            raise Http404
    years = [(y, funding_selectors.public_money_of(y)) for y in selectors.fiscal_years()]
    return render(
        request,
        "finance/funding/public.html",
        {
            "year": year,
            "years": years,
            "money": funding_selectors.public_money_of(year),
            "report": public_support_report(year) if year else None,
        },
    )


@requires("finance.view")
@require_POST
def public_export(request: HttpRequest, association_slug: str) -> HttpResponse:
    try:
        job = funding_file_start(
            actor=request.user,
            role_kind=request.role.kind,
            file=PUBLIC_SUPPORT,
            file_format=request.POST.get("format", ""),
            year_id=request.POST.get("year"),
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("funding:public", association_slug=association_slug)
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def funding_settings(request: HttpRequest, association_slug: str) -> HttpResponse:
    row = FundingSettings.objects.first()
    form = FundingSettingsForm(
        request.POST or None, initial={"foreign_declaration_days": services.declaration_days()}
    )
    if request.method == "POST" and not request.can.finance_close:
        raise Http404
    if save_form(
        request,
        form,
        lambda data: services.funding_settings_save(actor=request.user, **data),
        success=_("Settings saved."),
    ):
        return redirect("funding:settings", association_slug=association_slug)
    return render(
        request, "finance/funding/settings.html", {"form": form, "row": row}, status=form_status(form)
    )
