"""The books' pages under /a/<slug>/finance/: entries, the expert entry form, the trial balance,
the chart of accounts, fiscal years and journals. Posting, reversing, closing and deleting a draft
go through a confirmation page; a POST without confirm=yes changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
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
from finance import selectors
from finance.forms import (
    DEFAULT_LINES,
    AllocationForm,
    EntryForm,
    ProjectForm,
    ReferenceAccountForm,
    RenameForm,
    ReverseForm,
    ScanForm,
    SubAccountForm,
    account_choice_label,
)
from finance.models import Account, EntryAttachment, EntryStatus, FiscalYear, YearStatus
from finance.seeding import reference_chart
from finance.services import chart as chart_services
from finance.services import entries as entry_services
from finance.services import projects as project_services
from finance.services import years as year_services


def _url(name: str, slug: str, **kwargs) -> str:
    return reverse(name, kwargs={"association_slug": slug, **kwargs})


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _entry_or_404(entry_id: int):
    entry = selectors.entry_detail(entry_id)
    if entry is None:
        raise Http404
    return entry


def _year_or_404(year_id: int) -> FiscalYear:
    year = FiscalYear.objects.filter(pk=year_id).first()
    if year is None:
        raise Http404
    return year


def _chosen_year(request) -> FiscalYear | None:
    year_id = _int(request.GET.get("year"))
    if year_id:
        return _year_or_404(year_id)
    return selectors.current_year()


# --- Entries -----------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def entry_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = _chosen_year(request)
    status = request.GET.get("status", "")
    status = status if status in EntryStatus.values else ""
    journal_id = _int(request.GET.get("journal"))
    found = selectors.entries(year=year, journal_id=journal_id, status=status) if year else []
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "years": selectors.fiscal_years(),
        "journals": selectors.journals(),
        "status": status,
        "journal_id": journal_id,
        "statuses": EntryStatus.choices,
        "drafts": selectors.drafts_count(),
    }
    return render(request, "finance/entries.html", context)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, association_slug: str) -> HttpResponse:
    line_count = _int(request.POST.get("line_count") or request.GET.get("lines")) or DEFAULT_LINES
    operations = selectors.journals(active_only=True).filter(kind="operations").first()
    initial = {"date": timezone.localdate(), "journal": operations.pk if operations else None}
    form = EntryForm(request.POST or None, line_count=line_count, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = entry_services.entry_create(
                actor=request.user,
                journal_id=int(data["journal"]),
                date=data["date"],
                label=data["label"],
                reference=data["reference"],
                lines=data["lines"],
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it, then post it."))
            return redirect("finance:entry", association_slug=association_slug, entry_id=entry.pk)
    return render(request, "finance/entry_form.html", {"form": form}, status=400 if form.errors else 200)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, association_slug: str, entry_id: int) -> HttpResponse:
    """Change a draft (its header and all its lines); a posted entry is reversed, never edited."""
    entry = _entry_or_404(entry_id)
    if entry.status != EntryStatus.DRAFT:
        messages.error(request, _("A posted entry cannot be changed: reverse it, then write a new one."))
        return redirect("finance:entry", association_slug=association_slug, entry_id=entry.pk)
    lines = list(entry.lines.all())
    initial = {
        "journal": entry.journal_id,
        "date": entry.date,
        "label": entry.label,
        "reference": entry.reference,
    }
    for index, line in enumerate(lines):
        initial |= {
            f"account_{index}": account_choice_label(line.account),
            f"debit_{index}": f"{line.debit:.2f}" if line.debit else "",
            f"credit_{index}": f"{line.credit:.2f}" if line.credit else "",
            f"line_label_{index}": line.label,
            f"project_{index}": line.project_id or "",
        }
    line_count = _int(request.POST.get("line_count") or request.GET.get("lines")) or max(
        len(lines), DEFAULT_LINES
    )
    form = EntryForm(request.POST or None, line_count=line_count, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry_services.entry_update(
                actor=request.user,
                entry_id=entry.pk,
                journal_id=int(data["journal"]),
                date=data["date"],
                label=data["label"],
                reference=data["reference"],
                lines=data["lines"],
            )
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it, then post it."))
            return redirect("finance:entry", association_slug=association_slug, entry_id=entry.pk)
    return render(
        request,
        "finance/entry_form.html",
        {"form": form, "editing": entry},
        status=400 if form.errors else 200,
    )


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, association_slug: str, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(entry_id)
    lines = list(entry.lines.all())
    context = {
        "entry": entry,
        "lines": lines,
        "total_debit": sum(line.debit for line in lines),
        "total_credit": sum(line.credit for line in lines),
        "reversal": selectors.reversal_of(entry),
        "scan_form": ScanForm(),
        "attachments": list(entry.attachments.all()),
    }
    if request.method == "POST":  # a scan upload
        if not request.can.finance_post:
            raise Http404
        form = ScanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                entry_services.attachment_add(
                    actor=request.user, entry_id=entry.pk, uploaded=form.cleaned_data["file"]
                )
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Scan attached."))
                return redirect("finance:entry", association_slug=association_slug, entry_id=entry.pk)
        context["scan_form"] = form
        return render(request, "finance/entry_detail.html", context, status=400)
    return render(request, "finance/entry_detail.html", context)


@requires("finance.view")
@require_GET
def attachment_download(request: HttpRequest, association_slug: str, attachment_id: int) -> HttpResponse:
    attachment = EntryAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return serve_private_file(
        attachment.file, download_name=attachment.original_name, content_type=attachment.content_type
    )


def _confirm(request, *, template: str, context: dict, action, success: str, back: str, status_on_get=200):
    """The shared confirm step: GET shows what will happen; POST with confirm=yes acts."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            result = action()
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            context["blocked"] = exc.message
            return render(request, template, context, status=400)
        messages.success(request, success)
        return redirect(result or back)
    return render(request, template, context, status=status_on_get)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def entry_post(request: HttpRequest, association_slug: str, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(entry_id)
    back = _url("finance:entry", association_slug, entry_id=entry.pk)
    context = {
        "entry": entry,
        "lines": list(entry.lines.all()),
        "action_url": _url("finance:entry_post", association_slug, entry_id=entry.pk),
        "cancel_url": back,
        "confirm_label": _("Post the entry"),
    }
    if entry.status != EntryStatus.DRAFT:
        context["blocked"] = _("This entry is already posted.")
        return render(
            request, "finance/confirm_post.html", context, status=400 if request.method == "POST" else 200
        )
    return _confirm(
        request,
        template="finance/confirm_post.html",
        context=context,
        action=lambda: entry_services.entry_post(actor=request.user, entry_id=entry.pk) and back,
        success=_("Entry posted."),
        back=back,
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, association_slug: str, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(entry_id)
    context = {
        "entry": entry,
        "action_url": _url("finance:entry_delete", association_slug, entry_id=entry.pk),
        "cancel_url": _url("finance:entry", association_slug, entry_id=entry.pk),
        "confirm_label": _("Delete the draft"),
    }
    if entry.status != EntryStatus.DRAFT:
        context["blocked"] = _("A posted entry cannot be deleted: reverse it instead.")
        return render(
            request, "finance/confirm_delete.html", context, status=400 if request.method == "POST" else 200
        )
    return _confirm(
        request,
        template="finance/confirm_delete.html",
        context=context,
        action=lambda: entry_services.entry_delete_draft(actor=request.user, entry_id=entry.pk),
        success=_("Draft deleted."),
        back=_url("finance:entries", association_slug),
    )


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def entry_reverse(request: HttpRequest, association_slug: str, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(entry_id)
    form = ReverseForm(request.POST or None, initial={"date": max(timezone.localdate(), entry.date)})
    context = {
        "entry": entry,
        "form": form,
        "action_url": _url("finance:entry_reverse", association_slug, entry_id=entry.pk),
        "cancel_url": _url("finance:entry", association_slug, entry_id=entry.pk),
        "confirm_label": _("Reverse the entry"),
    }
    if entry.status != EntryStatus.POSTED or entry.reversed_by is not None or entry.reverses_id:
        context["blocked"] = _(
            "Only a posted entry that is not a reversal and not yet reversed can be reversed."
        )
        return render(
            request, "finance/confirm_reverse.html", context, status=400 if request.method == "POST" else 200
        )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        if form.is_valid():
            try:
                reversal = entry_services.entry_reverse(
                    actor=request.user,
                    entry_id=entry.pk,
                    date=form.cleaned_data["date"],
                    label=form.cleaned_data["label"],
                )
            except NotFound as exc:
                raise Http404 from exc
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Entry reversed. Write the right entry anew if needed."))
                return redirect("finance:entry", association_slug=association_slug, entry_id=reversal.pk)
        return render(request, "finance/confirm_reverse.html", context, status=400)
    return render(request, "finance/confirm_reverse.html", context)


# --- Trial balance ------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def trial_balance(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = _chosen_year(request)
    trial = selectors.trial_balance(year) if year else None
    context = {
        "year": year,
        "years": selectors.fiscal_years(),
        "trial": trial,
        "result": trial.result if trial else None,  # from the same sums: no second pass over the lines
    }
    return render(request, "finance/trial_balance.html", context)


# --- Chart of accounts --------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def account_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:60]
    show_archived = request.GET.get("archived") == "1"
    if query:
        accounts = selectors.account_search(query, limit=100)
    else:
        accounts = list(selectors.accounts().order_by("code"))
    if not show_archived:
        accounts = [a for a in accounts if a.archived_at is None]
    classes: dict[int, list[Account]] = {}
    for account in accounts:
        classes.setdefault(account.account_class, []).append(account)
    existing = set(selectors.accounts().values_list("code", flat=True))
    rare = [row for row in reference_chart() if row["code"] not in existing]
    context = {
        "classes": sorted(classes.items()),
        "query": query,
        "show_archived": show_archived,
        "reference_form": ReferenceAccountForm(
            choices=[(row["code"], f"{row['code']} — {row['name_fr']}") for row in rare]
        ),
        "has_rare": bool(rare),
    }
    return render(request, "finance/accounts.html", context)


@requires("finance.post")
@require_POST
def account_add_reference(request: HttpRequest, association_slug: str) -> HttpResponse:
    try:
        account = chart_services.account_add_reference(actor=request.user, code=request.POST.get("code", ""))
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Account %(code)s added to the chart.") % {"code": account.code})
    return redirect("finance:accounts", association_slug=association_slug)


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, association_slug: str, account_id: int) -> HttpResponse:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404
    rename = RenameForm(initial={"name_ar": account.name_ar, "name_fr": account.name_fr})
    sub = SubAccountForm(initial={"code": account.code})
    status = 200
    if request.method == "POST":
        if not request.can.finance_post:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "rename":
                rename = RenameForm(request.POST)
                if rename.is_valid():
                    chart_services.account_rename(
                        actor=request.user, account_id=account.pk, **rename.cleaned_data
                    )
                    messages.success(request, _("Account renamed."))
                    return redirect(
                        "finance:account", association_slug=association_slug, account_id=account.pk
                    )
            elif action == "add":
                sub = SubAccountForm(request.POST)
                if sub.is_valid():
                    data = sub.cleaned_data
                    new = chart_services.account_add(
                        actor=request.user,
                        parent_id=account.pk,
                        code=data["code"],
                        name_ar=data["name_ar"],
                        name_fr=data["name_fr"],
                        bank_journal=data["own_journal"],
                    )
                    messages.success(request, _("Sub-account %(code)s added.") % {"code": new.code})
                    return redirect("finance:account", association_slug=association_slug, account_id=new.pk)
            elif action in ("archive", "restore"):
                chart_services.account_archive(
                    actor=request.user, account_id=account.pk, archived=action == "archive"
                )
                messages.success(
                    request, _("Account archived.") if action == "archive" else _("Account restored.")
                )
                return redirect("finance:account", association_slug=association_slug, account_id=account.pk)
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            target = rename if action == "rename" else sub
            if action in ("archive", "restore"):
                messages.error(request, exc.message)
                return redirect("finance:account", association_slug=association_slug, account_id=account.pk)
            add_service_error(target, exc)
        status = 400
    year = _chosen_year(request)
    ledger = (
        selectors.general_ledger_page(year, account, after=request.GET.get("after", "")) if year else None
    )
    context = {"account": account, "rename": rename, "sub": sub, "ledger": ledger, "year": year}
    return render(request, "finance/account.html", context, status=status)


# --- Fiscal years and journals -----------------------------------------------------------------


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def year_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    if request.method == "POST":
        if not request.can.finance_close:
            raise Http404
        try:
            year = year_services.fiscal_year_open(actor=request.user)
        except WaslError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Fiscal year %(year)s opened.") % {"year": year})
        return redirect("finance:years", association_slug=association_slug)
    years = list(selectors.fiscal_years())
    allocated = {
        e.allocates_id for e in selectors.entries().filter(kind="allocation", status=EntryStatus.POSTED)
    }
    return render(request, "finance/years.html", {"years": years, "allocated": allocated})


@requires("finance.close")
@require_http_methods(["GET", "POST"])
def year_close(request: HttpRequest, association_slug: str, year_id: int) -> HttpResponse:
    year = _year_or_404(year_id)
    back = _url("finance:years", association_slug)
    drafts = selectors.entries(year=year, status=EntryStatus.DRAFT).count()
    context = {
        "year": year,
        "result": selectors.year_result(year),
        "drafts": drafts,
        "action_url": _url("finance:year_close", association_slug, year_id=year.pk),
        "cancel_url": back,
        "confirm_label": _("Close the year"),
    }
    if year.status == YearStatus.CLOSED:
        context["blocked"] = _("This fiscal year is already closed.")
    elif drafts:
        context["blocked"] = _(
            "%(count)d draft entries are left in this year: post or delete them first."
        ) % {"count": drafts}
    if context.get("blocked"):
        return render(
            request, "finance/confirm_close.html", context, status=400 if request.method == "POST" else 200
        )
    return _confirm(
        request,
        template="finance/confirm_close.html",
        context=context,
        action=lambda: year_services.fiscal_year_close(actor=request.user, year_id=year.pk) and back,
        success=_("Fiscal year closed; the next year opens with its balances."),
        back=back,
    )


@requires("finance.close")
@require_http_methods(["GET", "POST"])
def year_allocate(request: HttpRequest, association_slug: str, year_id: int) -> HttpResponse:
    year = _year_or_404(year_id)
    targets = list(
        Account.objects.filter(
            archived_at=None, account_class=1, code__regex=r"^(111|115|116)[0-9]+$"
        ).order_by("code")
    )
    next_year = FiscalYear.objects.filter(start_date__gt=year.end_date).order_by("start_date").first()
    default_day = (
        min(max(timezone.localdate(), next_year.start_date), next_year.end_date)
        if next_year
        else date.today()
    )
    form = AllocationForm(request.POST or None, targets=targets, initial={"date": default_day})
    context = {
        "year": year,
        "form": form,
        "action_url": _url("finance:year_allocate", association_slug, year_id=year.pk),
        "cancel_url": _url("finance:years", association_slug),
        "confirm_label": _("Record the allocation"),
    }
    if year.status != YearStatus.CLOSED or not year.result or year_services.allocation_of(year) is not None:
        context["blocked"] = _("Only a closed year with a result not yet allocated can be allocated.")
        return render(
            request, "finance/allocate.html", context, status=400 if request.method == "POST" else 200
        )
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            year_services.result_allocate(
                actor=request.user,
                year_id=year.pk,
                allocations=form.allocations(),
                date=form.cleaned_data["date"],
                reference=form.cleaned_data["reference"],
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The result's allocation is recorded."))
            return redirect("finance:years", association_slug=association_slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "finance/allocate.html", context, status=status)


@requires("finance.view")
@require_GET
def journal_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    return render(request, "finance/journals.html", {"journals": selectors.journals()})


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Projects and programmes: income, expenses and budget of each (lines carry the project)."""
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        if not request.can.finance_post:
            raise Http404
        if form.is_valid():
            try:
                project_services.project_save(actor=request.user, **form.cleaned_data)
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Project saved."))
                return redirect("finance:projects", association_slug=association_slug)
    context = {"form": form, "projects": selectors.projects_with_totals()}
    return render(request, "finance/projects.html", context, status=400 if form.errors else 200)
