"""Pages of simple mode (money in, money out, transfer), the budget, the reports and the bank
statements, under /a/<slug>/finance/. A view parses, calls a service or a report, renders.

Recording money posts an entry, which is then frozen: the form leads to a confirmation page that
says what will be written; only its form (confirm=yes) posts."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from associations.forms import add_service_error
from finance import selectors
from finance.models import Account, BankLine, BankStatement, FiscalYear, Project, YearStatus
from finance.money_forms import MoneyForm, StatementMappingForm, StatementUploadForm, TransferForm
from finance.reports.budget import budget_lines, project_code_balances
from finance.reports.exports import FORMATS, report_export_start
from finance.reports.registry import REPORT_KINDS, REPORTS, build_report
from finance.reports.statements import code_balances
from finance.services import bank as bank_services
from finance.services import simple
from finance.services.budget import BUDGET_CLASSES, budget_save
from finance.services.simple import IN, OUT


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _chosen_year(request) -> FiscalYear | None:
    year_id = _int(request.GET.get("year") or request.POST.get("year"))
    if year_id:
        year = FiscalYear.objects.filter(pk=year_id).first()
        if year is None:
            raise Http404
        return year
    return selectors.current_year()


# --- Simple mode ---------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def home(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = selectors.current_year()
    recent = (
        selectors.entries(year=year, status="posted").annotate(total=Sum("lines__debit"))[:10] if year else []
    )
    position = selectors.treasury_position()
    return render(
        request,
        "finance/money/home.html",
        {"year": year, "recent": recent, "position": position, "total": sum(b for _a, b in position)},
    )


def _recorded(request, entry) -> HttpResponse:
    messages.success(
        request,
        _("Recorded and posted as entry %(number)s.") % {"number": str(entry)},
    )
    return redirect("money:home", association_slug=request.association.slug)


def _money_page(request, association_slug: str, *, direction: str | None) -> HttpResponse:
    transfer = direction is None
    form = (
        TransferForm(request.POST or None)
        if transfer
        else MoneyForm(request.POST or None, direction=direction)
    )
    template = "finance/money/form.html"
    context = {"form": form, "direction": direction or "transfer"}
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            plan = simple.transfer_plan(**fields) if transfer else simple.money_plan(**fields)
            if request.POST.get("confirm") == "yes" and not request.POST.get("edit"):
                record = simple.transfer_record if transfer else simple.money_record
                return _recorded(request, record(actor=request.user, **fields))
        except WaslError as exc:
            add_service_error(form, exc)
        else:
            if not request.POST.get("edit"):
                context["plan"] = plan
                template = "finance/money/confirm.html"
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def money_in(request: HttpRequest, association_slug: str) -> HttpResponse:
    return _money_page(request, association_slug, direction=IN)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def money_out(request: HttpRequest, association_slug: str) -> HttpResponse:
    return _money_page(request, association_slug, direction=OUT)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, association_slug: str) -> HttpResponse:
    return _money_page(request, association_slug, direction=None)


# --- Budget --------------------------------------------------------------------------------------


def _budget_rows(year: FiscalYear, project: Project | None = None):
    """One row per simple-mode category account and per account already budgeted, by class; the
    actual amounts are the association's, or the project's lines' alone."""
    lines = {line.account_id: line for line in budget_lines(year, project)}
    codes = {c.account_code for c in simple.all_categories()}
    accounts = Account.objects.filter(archived_at=None, account_class__in=BUDGET_CLASSES, code__in=codes)
    shown = {a.pk: a for a in accounts}
    for line in lines.values():
        shown.setdefault(line.account_id, line.account)
    balances = code_balances(year) if project is None else project_code_balances(year, project)
    rows = []
    for account in sorted(shown.values(), key=lambda a: (-a.account_class, a.code)):
        sign = -1 if account.account_class == 7 else 1
        actual = sign * sum((v for code, v in balances.items() if code.startswith(account.code)), 0)
        line = lines.get(account.pk)
        rows.append({"account": account, "amount": line.amount if line else None, "actual": actual})
    return rows


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def budget(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = _chosen_year(request)
    if year is None:
        raise Http404
    project_id = _int(request.POST.get("project") or request.GET.get("project"))
    project = Project.objects.filter(pk=project_id).first() if project_id else None
    if project_id and project is None:
        raise Http404
    error = None
    if request.method == "POST":
        if not request.can.finance_post:
            raise Http404
        amounts: dict[int, str] = {}
        for key, value in request.POST.items():
            if key.startswith("amount_") and _int(key.removeprefix("amount_")):
                amounts[int(key.removeprefix("amount_"))] = value
        new_code = (request.POST.get("new_code") or "").strip()
        try:
            if new_code:
                account = Account.objects.filter(code=new_code, archived_at=None).first()
                if account is None:
                    raise WaslError(_("The chart has no active account with this code."), field="new_code")
                amounts[account.pk] = request.POST.get("new_amount", "")
            budget_save(
                actor=request.user,
                year_id=year.pk,
                amounts=amounts,
                project_id=project.pk if project else None,
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            error = exc.message
        else:
            messages.success(request, _("Budget saved."))
            where = f"?year={year.pk}" + (f"&project={project.pk}" if project else "")
            return redirect(reverse("money:budget", args=[association_slug]) + where)
    context = {
        "year": year,
        "years": selectors.fiscal_years(),
        "rows": _budget_rows(year, project),
        "project": project,
        "projects": Project.objects.filter(archived_at=None).order_by("code"),
        "error": error,
        "editable": year.status == YearStatus.OPEN and request.can.finance_post,
        "posted": {
            int(key.removeprefix("amount_")): value
            for key, value in (request.POST.items() if error else [])
            if key.startswith("amount_") and _int(key.removeprefix("amount_"))
        },
    }
    return render(request, "finance/money/budget.html", context, status=400 if error else 200)


# --- Reports -------------------------------------------------------------------------------------


@requires("finance.view")
@require_GET
def reports(request: HttpRequest, association_slug: str) -> HttpResponse:
    year = _chosen_year(request)
    return render(
        request,
        "finance/money/reports.html",
        {
            "year": year,
            "years": selectors.fiscal_years(),
            "kinds": [
                (kind, reverse(f"money:report_{kind.key}", args=[association_slug])) for kind in REPORT_KINDS
            ],
        },
    )


@requires("finance.view")
@require_GET
def report(request: HttpRequest, association_slug: str, report_key: str) -> HttpResponse:
    kind = REPORTS.get(report_key)
    year = _chosen_year(request)
    if kind is None or year is None:
        raise Http404
    params = {
        "account_id": _int(request.GET.get("account")),
        "journal_id": _int(request.GET.get("journal")),
        "project_id": _int(request.GET.get("project")),
        "page": min(_int(request.GET.get("page")) or 1, 100000),
    }
    built = build_report(report_key, year, params)
    context = {
        "kind": kind,
        "report": built,
        "year": year,
        "years": selectors.fiscal_years(),
        "formats": list(FORMATS),
        "params": params,
    }
    if report_key == "ledger":
        from finance.reports.ledgers import accounts_with_lines

        context["accounts"] = accounts_with_lines(year)
    if report_key == "journal":
        context["journals"] = selectors.journals()
    if report_key == "reconciliation":
        context["accounts"] = bank_services.bank_accounts()
    if report_key == "budget":
        context["projects"] = Project.objects.filter(archived_at=None).order_by("code")
    return render(request, "finance/money/report.html", context)


@requires("finance.view")
@require_POST
def report_export(request: HttpRequest, association_slug: str) -> HttpResponse:
    try:
        job = report_export_start(
            actor=request.user,
            role_kind=request.role.kind,
            report=request.POST.get("report", ""),
            year_id=request.POST.get("year"),
            file_format=request.POST.get("format", ""),
            account_id=request.POST.get("account"),
            journal_id=request.POST.get("journal"),
            project_id=request.POST.get("project"),
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("money:reports", association_slug=association_slug)
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


# --- Bank statements -----------------------------------------------------------------------------


@requires("finance.view")
@require_http_methods(["GET", "POST"])
def bank(request: HttpRequest, association_slug: str) -> HttpResponse:
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.can.finance_post:
            raise Http404
        if form.is_valid():
            from documents.files import validate_upload

            upload = form.cleaned_data["file"]
            try:
                validate_upload(upload, allowed={"csv", "xlsx"})
                upload.seek(0)
                statement = bank_services.statement_upload(
                    actor=request.user,
                    account_id=form.cleaned_data["account"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except WaslError as exc:
                add_service_error(form, exc)
            else:
                return redirect(
                    "money:bank_map", association_slug=association_slug, statement_id=statement.pk
                )
    statements = BankStatement.objects.select_related("account").order_by("-created_at", "-pk")[:30]
    return render(
        request,
        "finance/money/bank.html",
        {"form": form, "statements": statements, "accounts": bank_services.bank_accounts()},
        status=400 if form.errors else 200,
    )


def _statement_or_404(statement_id: int) -> BankStatement:
    statement = BankStatement.objects.select_related("account").filter(pk=statement_id).first()
    if statement is None:
        raise Http404
    return statement


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def bank_map(request: HttpRequest, association_slug: str, statement_id: int) -> HttpResponse:
    statement = _statement_or_404(statement_id)
    if statement.status == BankStatement.Status.IMPORTED:
        return redirect("money:bank_statement", association_slug=association_slug, statement_id=statement.pk)
    form = StatementMappingForm(request.POST or None, headers=statement.headers, initial=statement.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.statement_import(
                actor=request.user, statement_id=statement.pk, mapping=form.mapping()
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Statement imported. Check the suggested matches."))
            return redirect(
                "money:bank_statement", association_slug=association_slug, statement_id=statement.pk
            )
    return render(
        request,
        "finance/money/bank_map.html",
        {"statement": statement, "form": form},
        status=400 if form.errors else 200,
    )


@requires("finance.view")
@require_GET
def bank_statement(request: HttpRequest, association_slug: str, statement_id: int) -> HttpResponse:
    statement = _statement_or_404(statement_id)
    lines = list(
        BankLine.objects.filter(statement=statement)
        .select_related("entry_line__entry__journal", "entry_line__entry__fiscal_year")
        .order_by("date", "position")
    )
    found = bank_services.suggestions(lines)
    rows = [{"line": line, "suggestions": found.get(line.pk, [])} for line in lines]
    return render(request, "finance/money/bank_statement.html", {"statement": statement, "rows": rows})


def _line_or_404(bank_line_id: int) -> BankLine:
    line = BankLine.objects.select_related("statement", "account").filter(pk=bank_line_id).first()
    if line is None:
        raise Http404
    return line


@requires("finance.post")
@require_POST
def bank_match(request: HttpRequest, association_slug: str, bank_line_id: int) -> HttpResponse:
    line = _line_or_404(bank_line_id)
    try:
        bank_services.bank_line_match(
            actor=request.user, bank_line_id=line.pk, entry_line_id=_int(request.POST.get("entry_line")) or 0
        )
    except WaslError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reconciled."))
    return redirect("money:bank_statement", association_slug=association_slug, statement_id=line.statement_id)


@requires("finance.post")
@require_POST
def bank_unmatch(request: HttpRequest, association_slug: str, bank_line_id: int) -> HttpResponse:
    line = _line_or_404(bank_line_id)
    bank_services.bank_line_unmatch(actor=request.user, bank_line_id=line.pk)
    messages.success(request, _("The line is no longer reconciled."))
    return redirect("money:bank_statement", association_slug=association_slug, statement_id=line.statement_id)


@requires("finance.post")
@require_http_methods(["GET", "POST"])
def bank_record(request: HttpRequest, association_slug: str, bank_line_id: int) -> HttpResponse:
    """Second tap: the entry an unmatched statement line calls for, to confirm."""
    line = _line_or_404(bank_line_id)
    back = reverse("money:bank_statement", args=[association_slug, line.statement_id])
    if line.is_reconciled:
        return redirect(back)
    direction = IN if line.amount > 0 else OUT
    category_key = (
        request.POST.get("category") or request.GET.get("category") or bank_services.guess_category(line)
    )
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            bank_services.bank_line_record(
                actor=request.user, bank_line_id=line.pk, category_key=category_key
            )
        except NotFound as exc:
            raise Http404 from exc
        except WaslError as exc:
            error = exc.message
        else:
            messages.success(request, _("Entry recorded and the line reconciled."))
            return redirect(back)
    context = {
        "line": line,
        "direction": direction,
        "categories": simple.categories(direction),
        "category_key": category_key,
        "back_url": back,
        "error": error,
    }
    return render(request, "finance/money/bank_record.html", context, status=400 if error else 200)
