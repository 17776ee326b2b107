"""Import and export of the register, and member cards."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from documents.files import validate_upload
from jobs.services import job_start
from members.cards import MEMBER_CARDS, member_card_issue
from members.exports import member_export_start
from members.forms import MemberFilterForm
from members.importing import (
    CONFLICT_CHOICES,
    IMPORT_FIELDS,
    check_mapping,
    guess_column,
    import_members,
    import_report_record,
    member_import_create,
    member_import_outline,
    member_import_table,
    report_for_viewer,
)
from members.jobs import MEMBER_IMPORT
from members.models import MemberImport

SYNC_ROWS = 500  # larger files are checked and imported as a background job


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, association_slug: str) -> HttpResponse:
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise WaslError(_("Choose a file."), field="file")
            validate_upload(upload, allowed={"csv", "xlsx"})
            member_import = member_import_create(
                actor=request.user, filename=upload.name, content=upload.read()
            )
        except WaslError as exc:
            error = exc.message
        else:
            return redirect(
                "members:import_map", association_slug=association_slug, import_id=member_import.pk
            )
    recent = MemberImport.objects.order_by("-created_at")[:10]
    return render(
        request,
        "members/import_upload.html",
        {"error": error, "recent": recent},
        status=400 if error else 200,
    )


def _report_for_page(report: dict) -> dict:
    """The stored report with each field's label, and whether a conflict's values differ."""
    if not report:
        return report

    def labelled(fields: list[list[str]]) -> list[dict]:
        return [
            {"name": name, "label": IMPORT_FIELDS.get(name, name), "old": old, "new": new,
             "differs": bool(new) and new != old}
            for name, old, new in fields
        ]  # fmt: skip

    return {
        **report,
        "changes": [{**change, "fields": labelled(change["fields"])} for change in report.get("changes", [])],
        "conflicts": [
            {**conflict, "fields": labelled(conflict["fields"])} for conflict in report.get("conflicts", [])
        ],
    }


def _mapping_and_choices(form, columns: int) -> tuple[dict[str, str], dict]:
    """The posted column mapping, and the officer's decisions on conflicts (by row number)."""
    mapping = {str(i): form[f"map_{i}"] for i in range(columns) if form.get(f"map_{i}") in IMPORT_FIELDS}
    decisions = {
        key.removeprefix("conflict_"): value
        for key, value in form.items()
        if key.startswith("conflict_") and value in CONFLICT_CHOICES
    }
    on_conflict = form.get("on_conflict") if form.get("on_conflict") in CONFLICT_CHOICES else None
    return mapping, {"decisions": decisions, "on_conflict": on_conflict}


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, association_slug: str, import_id: int) -> HttpResponse:
    # Locked: a double-clicked "Import" waits, then finds the list already imported.
    member_import = MemberImport.objects.select_for_update().filter(pk=import_id).exclude(file="").first()
    if member_import is None:  # unknown, or its file erased at the end of the retention period
        raise Http404
    if not member_import.headers:  # uploaded before they were kept: read the file this once
        try:
            member_import_outline(member_import)
        except WaslError as exc:  # a list accepted before reading was bounded
            context = {"member_import": member_import, "columns": [], "report": {}, "error": exc.message}
            return render(request, "members/import_map.html", context, status=400)
    headers = member_import.headers
    mapping = member_import.mapping
    error = None
    if request.method == "POST" and member_import.status != MemberImport.Status.IMPORTED:
        mapping, choices = _mapping_and_choices(request.POST, len(headers))
        dry_run = request.POST.get("action") != "import"
        # An import writes what the officer's last check showed, or nothing.
        plan = None if dry_run else request.POST.get("plan", "")
        try:
            # Before any row is read, and before a job is started for a large file: a choice of
            # columns no row could be imported with is refused at once.
            check_mapping(
                mapping=mapping, column_count=len(headers), can_use_cin=request.can.members_view_sensitive
            )
            if member_import.row_count > SYNC_ROWS:
                job = job_start(
                    actor=request.user,
                    role_kind=request.role.kind,
                    kind=MEMBER_IMPORT.key,
                    params={
                        "import_id": member_import.pk,
                        "mapping": mapping,
                        "dry_run": dry_run,
                        "can_use_cin": request.can.members_view_sensitive,
                        "plan": plan or "",
                        **choices,
                    },
                )
                member_import.job = job
                member_import.save(update_fields=["job"])
                return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)
            report = import_members(
                actor=request.user,
                table=member_import_table(member_import, mapping),
                mapping=mapping,
                dry_run=dry_run,
                can_use_cin=request.can.members_view_sensitive,
                expected_plan=plan,
                **choices,
            )
        except WaslError as exc:
            error = exc.message
        else:
            import_report_record(member_import=member_import, report=report, mapping=mapping)
            if report.written:
                messages.success(request, report.summary())
    can_see_cin = request.can.members_view_sensitive
    columns = []
    for i, header in enumerate(headers):
        samples = [row[i] if i < len(row) else "" for row in member_import.samples]
        if not can_see_cin and "cin" in (mapping.get(str(i)), guess_column(header)[0]):
            samples = ["•••" for sample in samples if sample]
        columns.append(
            {"index": str(i), "header": header, "target": mapping.get(str(i), ""), "samples": samples}
        )
    report = report_for_viewer(member_import.report, can_see_cin=can_see_cin)
    context = {
        "member_import": member_import,
        "columns": columns,
        "fields": [(k, v) for k, v in IMPORT_FIELDS.items() if k != "cin" or can_see_cin],
        "report": _report_for_page(report),
        "error": error,
        "sync_rows": SYNC_ROWS,
    }
    return render(request, "members/import_map.html", context, status=400 if error else 200)


@requires("members.view")
@require_POST
def export(request: HttpRequest, association_slug: str) -> HttpResponse:
    """Queue the export of the current filter (CSV or XLSX) and follow it on the job's page."""
    try:
        job = member_export_start(
            actor=request.user,
            role_kind=request.role.kind,
            filters=MemberFilterForm(request.POST).values(),
            file_format=request.POST.get("format", ""),
        )
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("members:list", association_slug=association_slug)
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)


@requires("members.manage")
@require_POST
def card_issue(request: HttpRequest, association_slug: str, member_id: int) -> HttpResponse:
    try:
        member_card_issue(actor=request.user, member_id=member_id)
    except NotFound as exc:
        raise Http404 from exc
    except WaslError as exc:
        messages.error(request, exc.message)
        return redirect("members:detail", association_slug=association_slug, member_id=member_id)
    messages.success(request, _("The card is issued; its PDF will be ready in a moment."))
    return redirect("documents:list", association_slug=association_slug)


@requires("members.manage")
@require_POST
def cards_bulk(request: HttpRequest, association_slug: str) -> HttpResponse:
    filters = MemberFilterForm(request.POST).values()
    job = job_start(
        actor=request.user,
        role_kind=request.role.kind,
        kind=MEMBER_CARDS.key,
        params={
            "query": filters["query"],
            "status": filters["status"],
            "category_id": filters["category_id"],
        },
    )
    return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)
