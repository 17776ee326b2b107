"""Import and export of the register, and member cards."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from associations.decorators import requires
from associations.errors import NotFound, WaslError
from documents.files import private_storage, save_private_file, validate_upload
from jobs.services import job_start
from members.cards import MEMBER_CARDS, member_card_issue
from members.exports import member_export_start
from members.forms import MemberFilterForm
from members.importing import IMPORT_FIELDS, Table, guess_mapping, import_members, read_table
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
            content = upload.read()
            table = read_table(content)
        except WaslError as exc:
            error = exc.message
        else:
            member_import = MemberImport.objects.create(
                file=save_private_file("imports", upload.name, content),
                original_name=upload.name[:200],
                row_count=len(table.rows),
                mapping=guess_mapping(table),
                created_by=request.user,
            )
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


def _load(member_import: MemberImport) -> Table:
    with private_storage().open(member_import.file, "rb") as handle:
        return read_table(handle.read())


@requires("members.manage")
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, association_slug: str, import_id: int) -> HttpResponse:
    # Locked: a double-clicked "Import" waits, then finds the list already imported.
    member_import = MemberImport.objects.select_for_update().filter(pk=import_id).exclude(file="").first()
    if member_import is None:  # unknown, or its file erased at the end of the retention period
        raise Http404
    table = _load(member_import)
    mapping = member_import.mapping
    error = None
    if request.method == "POST" and member_import.status != MemberImport.Status.IMPORTED:
        mapping = {
            str(i): request.POST[f"map_{i}"]
            for i in range(len(table.headers))
            if request.POST.get(f"map_{i}") in IMPORT_FIELDS
        }
        dry_run = request.POST.get("action") != "import"
        if len(table.rows) > SYNC_ROWS:
            job = job_start(
                actor=request.user,
                role_kind=request.role.kind,
                kind=MEMBER_IMPORT.key,
                params={
                    "import_id": member_import.pk,
                    "mapping": mapping,
                    "dry_run": dry_run,
                    "can_use_cin": request.can.members_view_sensitive,
                },
            )
            return redirect("jobs:detail", association_slug=association_slug, job_id=job.pk)
        try:
            report = import_members(
                actor=request.user,
                table=table,
                mapping=mapping,
                dry_run=dry_run,
                can_use_cin=request.can.members_view_sensitive,
            )
        except WaslError as exc:
            error = exc.message
        else:
            member_import.report = report.as_dict() | {"at": timezone.now().isoformat()}
            member_import.mapping = mapping
            if not report.error_count:
                member_import.status = (
                    MemberImport.Status.CHECKED if dry_run else MemberImport.Status.IMPORTED
                )
            member_import.save(update_fields=["report", "mapping", "status"])
            if not dry_run and not report.error_count:
                messages.success(
                    request,
                    _("%(created)s members added, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
    columns = [
        {
            "index": str(i),
            "header": header,
            "target": mapping.get(str(i), ""),
            "samples": [row[i] for row in table.rows[:3]],
        }
        for i, header in enumerate(table.headers)
    ]
    context = {
        "member_import": member_import,
        "columns": columns,
        "fields": [
            (k, v) for k, v in IMPORT_FIELDS.items() if k != "cin" or request.can.members_view_sensitive
        ],
        "report": member_import.report,
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
