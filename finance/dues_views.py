"""Pages of dues, payments and receipts under /a/<slug>/finance/. A view parses, calls a service or
a selector, renders. Recording a payment shows what it will do first (the same service, rolled
back); cancelling a receipt or waiving a due goes through a confirmation page with its reason."""

from __future__ import annotations

from datetime import date as Date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import WaslError
from associations.forms import add_service_error
from finance import selectors
from finance.dues_forms import DuesSettingsForm, PaymentForm, ReasonForm, ScheduleForm
from finance.models import Due, DuesSchedule, FiscalYear, Receipt, ReceiptKind, ReceiptSeries
from finance.services import dues as dues_services
from finance.services.payments import dues_settings, payment_preview, payment_record
from finance.services.receipts import (
    receipt_cancel,
    receipt_links_withdraw,
    receipt_resend,
    receipts_of_day_pdf,
)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _year(request) -> FiscalYear | None:
    year_id = _int(request.GET.get("year") or request.POST.get("year"))
    if year_id:
        year = FiscalYear.objects.filter(pk=year_id).first()
        if year is None:
            raise Http404
        return year
    return selectors.current_year()


def _day(value) -> Date | None:
    try:
        return Date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Dues ------------------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def dues_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = _year(request)
    state = request.GET.get("state", "")
    dues = Due.objects.select_related("member", "fiscal_year").order_by("member__number", "member_id", "kind")
    if year is not None:
        dues = dues.filter(fiscal_year=year)
    if state == "owing":
        dues = dues.filter(waived_at=None, paid__lt=F("amount"))
    elif state == "paid":
        dues = dues.filter(waived_at=None, paid__gte=F("amount"))
    elif state == "waived":
        dues = dues.exclude(waived_at=None)
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        dues = dues.filter(
            Q(member__search_text__icontains=query.lower()) | Q(member__number=_int(query) or -1)
        )
    base = Due.objects.filter(fiscal_year=year) if year else Due.objects.none()
    totals = base.filter(waived_at=None).aggregate(expected=Sum("amount"), paid=Sum("paid"))
    page = Paginator(dues, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/dues/list.html",
        {
            "year": year,
            "years": selectors.fiscal_years(),
            "state": state,
            "query": query,
            "page": page,
            "expected": totals["expected"] or 0,
            "collected": totals["paid"] or 0,
        },
    )


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def dues_schedule(request: HttpRequest, association_slug: str) -> HttpResponse:
    from members.models import MemberCategory

    year = _year(request)
    if year is None:
        raise Http404
    schedules = {s.category_id: s for s in DuesSchedule.objects.filter(fiscal_year=year)}
    rows = []
    posted_category = _int(request.POST.get("category")) if request.method == "POST" else None
    for category in MemberCategory.objects.filter(is_active=True):
        schedule = schedules.get(category.pk)
        initial = (
            {
                "amount": schedule.amount,
                "due_date": schedule.due_date,
                "joining_fee": schedule.joining_fee,
                "pro_rata": schedule.pro_rata,
            }
            if schedule
            else {"amount": category.annual_dues, "due_date": year.start_date, "joining_fee": "0.00"}
        )
        bound = (
            request.method == "POST" and posted_category == category.pk and "save_schedule" in request.POST
        )
        form = ScheduleForm(request.POST if bound else None, initial=initial, prefix=f"c{category.pk}")
        rows.append((category, schedule, form))
        if bound:
            _require_post_capability(request)
            if form.is_valid():
                try:
                    dues_services.dues_schedule_save(
                        actor=request.user,
                        fiscal_year_id=year.pk,
                        category_id=category.pk,
                        amount=form.cleaned_data["amount"],
                        due_date=form.cleaned_data["due_date"],
                        joining_fee=form.cleaned_data["joining_fee"] or "0",
                        pro_rata=form.cleaned_data["pro_rata"],
                    )
                    messages.success(request, _("The dues of %(category)s are set.") % {"category": category})
                    return redirect(f"{request.path}?year={year.pk}")
                except WaslError as exc:
                    add_service_error(form, exc)
    current = dues_settings()
    from finance.reminders import DUES_REMINDER
    from notifications.reminders import offsets_for

    offsets = offsets_for(DUES_REMINDER)
    settings_form = DuesSettingsForm(
        request.POST if "save_settings" in request.POST else None,
        initial={
            "accrual": current.accrual,
            "reminders_enabled": offsets is not None,
            "reminder_offsets": ", ".join(str(o) for o in (offsets or DUES_REMINDER.default_offsets)),
        },
    )
    if request.method == "POST" and "save_settings" in request.POST:
        _require_post_capability(request)
        if settings_form.is_valid():
            try:
                dues_services.dues_settings_save(
                    actor=request.user,
                    accrual=settings_form.cleaned_data["accrual"],
                    reminder_offsets=[
                        p for p in settings_form.cleaned_data["reminder_offsets"].split(",") if p.strip()
                    ],
                    reminders_enabled=settings_form.cleaned_data["reminders_enabled"],
                )
                messages.success(request, _("The dues settings are saved."))
                return redirect(f"{request.path}?year={year.pk}")
            except WaslError as exc:
                add_service_error(settings_form, exc)
    if request.method == "POST" and "generate" in request.POST:
        _require_post_capability(request)
        try:
            job = dues_services.dues_generate_start(
                actor=request.user,
                role_kind=request.role.kind if request.role else None,
                fiscal_year_id=year.pk,
            )
        except WaslError as exc:
            messages.error(request, exc.message)
            return redirect(f"{request.path}?year={year.pk}")
        return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)
    generated = Due.objects.filter(fiscal_year=year).count()
    return render(
        request,
        "finance/dues/schedule.html",
        {
            "year": year,
            "years": selectors.fiscal_years(),
            "rows": rows,
            "settings_form": settings_form,
            "generated": generated,
        },
    )


def _require_post_capability(request) -> None:
    from django.core.exceptions import PermissionDenied

    from associations.capabilities import has_capability

    if not has_capability(request.role.kind if request.role else None, "finance.post"):
        raise PermissionDenied


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def due_waive(request: HttpRequest, association_slug: str, due_id: int) -> HttpResponse:
    due = Due.objects.select_related("member", "fiscal_year").filter(pk=due_id).first()
    if due is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dues_services.due_waive(actor=request.user, due_id=due.pk, reason=form.cleaned_data["reason"])
            messages.success(request, _("The due is waived."))
            return redirect(f"{_url('dues:list', association_slug)}?year={due.fiscal_year_id}")
        except WaslError as exc:
            add_service_error(form, exc)
    return render(
        request,
        "finance/dues/confirm_waive.html",
        {
            "due": due,
            "form": form,
            "action_url": request.path,
            "cancel_url": f"{_url('dues:list', association_slug)}?year={due.fiscal_year_id}",
            "confirm_label": _("Waive this due"),
            "blocked": _("Part of this due was paid: cancel that receipt first, then waive the due.")
            if due.paid > 0
            else (_("This due is already waived.") if due.is_waived else ""),
        },
    )


def _url(name: str, slug: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"association_slug": slug, **kwargs})


# --- Payments --------------------------------------------------------------------------------------


def _payment_kwargs(request, form: PaymentForm) -> dict:
    from members.models import Member

    data = form.cleaned_data
    payer_id = None
    if data.get("payer_number"):
        payer = Member.objects.filter(number=data["payer_number"], anonymised_at=None).only("pk").first()
        if payer is None:
            raise WaslError(_("No member has this number."), field="payer_number")
        payer_id = payer.pk
    member_ids = []
    if data.get("for_numbers"):
        found = dict(
            Member.objects.filter(number__in=data["for_numbers"], anonymised_at=None).values_list(
                "number", "pk"
            )
        )
        missing = [str(n) for n in data["for_numbers"] if n not in found]
        if missing:
            raise WaslError(
                _("No member has the number(s) %(numbers)s.") % {"numbers": ", ".join(missing)},
                field="for_numbers",
            )
        member_ids = [found[n] for n in data["for_numbers"]]
    return {
        "actor": request.user,
        "amount": data["amount"],
        "method": data["method"],
        "date": data["date"],
        "payer_member_id": payer_id,
        "payer_name": data.get("payer_name") or "",
        "payer_email": data.get("payer_email") or "",
        "payer_phone": data.get("payer_phone") or "",
        "member_ids": member_ids,
        "cheque_number": data.get("cheque_number") or "",
        "bank_name": data.get("bank_name") or "",
        "reference": data.get("reference") or "",
        "treasury_account_id": _int(data.get("account")),
    }


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest, association_slug: str) -> HttpResponse:
    from members.models import Member

    initial = {}
    member_id = _int(request.GET.get("member"))
    if member_id:
        found = Member.objects.filter(pk=member_id).values_list("number", flat=True).first()
        if found:
            initial["payer_number"] = found
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        try:
            kwargs = _payment_kwargs(request, form)
            if request.POST.get("confirm") == "yes":
                payment = payment_record(**kwargs)
                receipt = payment.receipts.first()
                messages.success(
                    request, _("Payment recorded: receipt %(number)s.") % {"number": receipt.label}
                )
                return redirect("dues:receipt", association_slug=association_slug, receipt_id=receipt.pk)
            plan = payment_preview(**kwargs)
            return render(request, "finance/dues/confirm_payment.html", {"form": form, "plan": plan})
        except WaslError as exc:
            add_service_error(form, exc)
    return render(request, "finance/dues/payment_form.html", {"form": form})


# --- Receipts --------------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def receipts(request: HttpRequest, association_slug: str) -> HttpResponse:
    found = Receipt.objects.select_related("payment", "fiscal_year", "document").order_by("-issued_on", "-pk")
    series = request.GET.get("series", "")
    if series in ReceiptSeries.values:
        found = found.filter(series=series)
    day = _day(request.GET.get("day"))
    if day:
        found = found.filter(issued_on=day)
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        found = found.filter(Q(payment__payer_name__icontains=query) | Q(number=_int(query) or -1))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/dues/receipts.html",
        {
            "page": page,
            "series": series,
            "series_choices": ReceiptSeries.choices,
            "day": day,
            "query": query,
            "today": timezone.localdate(),
        },
    )


def _receipt(receipt_id: int) -> Receipt:
    receipt = (
        Receipt.objects.select_related(
            "payment__payer_member",
            "payment__entry",
            "payment__reversal_entry",
            "fiscal_year",
            "document",
            "cancels",
        )
        .filter(pk=receipt_id)
        .first()
    )
    if receipt is None:
        raise Http404
    return receipt


@requires("finance.view")
@require_GET
def receipt_detail(request: HttpRequest, association_slug: str, receipt_id: int) -> HttpResponse:
    receipt = _receipt(receipt_id)
    allocations = receipt.payment.allocations.select_related("due__member", "due__fiscal_year").order_by("pk")
    cancellation = Receipt.objects.filter(cancels=receipt).first()
    return render(
        request,
        "finance/dues/receipt.html",
        {
            "receipt": receipt,
            "payment": receipt.payment,
            "allocations": allocations,
            "cancellation": cancellation,
            "cancellable": receipt.kind == ReceiptKind.RECEIPT and cancellation is None,
        },
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def receipt_cancel_view(request: HttpRequest, association_slug: str, receipt_id: int) -> HttpResponse:
    receipt = _receipt(receipt_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancellation = receipt_cancel(
                actor=request.user, receipt_id=receipt.pk, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Receipt %(number)s is cancelled by receipt %(cancellation)s.")
                % {"number": receipt.label, "cancellation": cancellation.label},
            )
            return redirect("dues:receipt", association_slug=association_slug, receipt_id=cancellation.pk)
        except WaslError as exc:
            add_service_error(form, exc)
    cancelled = receipt.kind != ReceiptKind.RECEIPT or Receipt.objects.filter(cancels=receipt).exists()
    return render(
        request,
        "finance/dues/confirm_cancel.html",
        {
            "receipt": receipt,
            "form": form,
            "action_url": request.path,
            "cancel_url": _url("dues:receipt", association_slug, receipt_id=receipt.pk),
            "confirm_label": _("Cancel this receipt"),
            "blocked": _("This receipt has already been cancelled, or is itself a cancellation.")
            if cancelled
            else "",
        },
    )


@requires("finance.post")
@require_POST
def receipt_resend_view(request: HttpRequest, association_slug: str, receipt_id: int) -> HttpResponse:
    """Send the receipt to the payer again (not harmful: a message with a fresh link)."""
    receipt = _receipt(receipt_id)
    try:
        receipt_resend(actor=request.user, receipt_id=receipt.pk)
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Receipt %(number)s is queued to the payer again.") % {"number": receipt.label}
        )
    return redirect("dues:receipt", association_slug=association_slug, receipt_id=receipt.pk)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def receipt_links_withdraw_view(request: HttpRequest, association_slug: str, receipt_id: int) -> HttpResponse:
    """Withdraw the links already sent for a receipt, behind a confirmation step."""
    receipt = _receipt(receipt_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        receipt_links_withdraw(actor=request.user, receipt_id=receipt.pk)
        messages.success(
            request,
            _("The links sent for receipt %(number)s no longer work.") % {"number": receipt.label},
        )
        return redirect("dues:receipt", association_slug=association_slug, receipt_id=receipt.pk)
    return render(
        request,
        "finance/dues/confirm_links_withdraw.html",
        {
            "receipt": receipt,
            "action_url": request.path,
            "cancel_url": _url("dues:receipt", association_slug, receipt_id=receipt.pk),
            "confirm_label": _("Withdraw the links"),
            "blocked": "",
        },
    )


@requires("finance.view")
@require_GET
def receipts_day_pdf(request: HttpRequest, association_slug: str) -> HttpResponse:
    day = _day(request.GET.get("day")) or timezone.localdate()
    try:
        pdf = receipts_of_day_pdf(day=day)
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect(f"{_url('dues:receipts', association_slug)}?day={day.isoformat()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipts-{day.isoformat()}.pdf"'
    return response


@requires("association.view")
@require_GET
def my_receipt_pdf(request: HttpRequest, association_slug: str, receipt_id: int) -> HttpResponse:
    """A member downloads the PDF of their own receipt (a payment they made); anything else is a 404."""
    from documents.files import private_storage
    from members.selectors import member_of_request

    member = member_of_request(request)
    receipt = (
        Receipt.objects.select_related("document").filter(pk=receipt_id, payment__payer_member=member).first()
        if member is not None
        else None
    )
    if receipt is None or receipt.document is None or not receipt.document.file:
        raise Http404
    with private_storage().open(receipt.document.file, "rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.label}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
