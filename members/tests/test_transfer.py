"""Import (encodings, mapping, all-or-nothing, idempotence, per-row errors, jobs, CLI), export with
the CIN restriction, member cards, and the members API."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from associations.models import AuditEvent
from associations.tenancy import association_scope
from documents.models import Document
from jobs.models import Job
from members import services
from members.importing import guess_mapping, import_members, read_table
from members.models import Member, MemberImport

CSV_FR = "N°;Nom;Prénom;Téléphone;CIN;Catégorie\n101;Alaoui;Karim;0611000001;AA100001;Actif\n102;Bennani;Salma;0611000002;;Actif\n"


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


@pytest.fixture
def category(tenant_a):
    with association_scope(tenant_a.association):
        return services.category_save(
            actor=tenant_a.president, name_ar="عضو نشيط", name_fr="Actif", annual_dues=100
        )


def run_import(tenant, content: bytes, dry_run=False):
    with association_scope(tenant.association):
        table = read_table(content)
        return import_members(
            actor=tenant.president, table=table, mapping=guess_mapping(table.headers), dry_run=dry_run
        )


def members_named(tenant, *names):
    with association_scope(tenant.association):
        return Member.objects.filter(last_name_latin__in=names).count()


def test_csv_in_utf8_cp1256_and_cp1252_is_read():
    arabic = "الاسم العائلي,الاسم الشخصي,الهاتف\nالعلوي,كريم,0611000001\n"
    assert read_table(arabic.encode("utf-8")).rows[0][0] == "العلوي"
    assert read_table(arabic.encode("cp1256")).rows[0][0] == "العلوي"
    french = "Nom;Prénom\nLévêque;Hélène\n"
    assert read_table(french.encode("cp1252")).rows[0] == ["Lévêque", "Hélène"]


def test_header_guess_maps_french_and_arabic_headers(tenant_a):
    with association_scope(tenant_a.association):
        mapping = guess_mapping(read_table(CSV_FR.encode()).headers)
    assert mapping == {"0": "number", "1": "last_name_latin", "2": "first_name_latin", "3": "phone", "4": "cin",
                       "5": "category"}  # fmt: skip


def test_import_creates_then_reimport_updates_without_duplicates(tenant_a, category):
    report = run_import(tenant_a, CSV_FR.encode())
    assert (report.created, report.updated, report.error_count) == (2, 0, 0)
    with association_scope(tenant_a.association):
        karim = Member.objects.get(last_name_latin="Alaoui")
        assert (karim.number, karim.phone, karim.cin, karim.category) == (
            101,
            "+212611000001",
            "AA100001",
            category,
        )
        # New admissions continue after the highest imported number.
        assert (
            services.member_admit(actor=tenant_a.president, first_name_latin="N", last_name_latin="Ew").number
            == 103
        )
    report = run_import(tenant_a, CSV_FR.replace("0611000002", "0699000002").encode())
    assert (report.created, report.updated, report.unchanged, report.conflict_count) == (0, 1, 1, 0)
    assert report.changes[0]["fields"] == [["phone", "+212611000002", "+212699000002"]]
    assert members_named(tenant_a, "Alaoui", "Bennani") == 2


def test_one_bad_row_saves_nothing_and_says_where(tenant_a, category):
    bad = CSV_FR + "103;Chraibi;Nadia;12;;Actif\n104;Daoudi;;0611000004;;Inconnue\n105;;;;;\n"
    report = run_import(tenant_a, bad.encode())
    assert report.error_count == 3 and report.created == 2  # counted, then rolled back
    assert [(e.row, e.column) for e in report.errors] == [(4, "Téléphone"), (5, "Catégorie"), (6, "Nom")]
    assert members_named(tenant_a, "Alaoui", "Bennani", "Chraibi") == 0


def test_five_thousand_bad_rows_are_reported_and_nothing_saved(tenant_a):
    rows = "\n".join(f"x{i};Name{i};not-a-phone" for i in range(5000))
    report = run_import(tenant_a, ("N°;Nom;Téléphone\n" + rows).encode())
    assert report.error_count == 5000 and len(report.errors) == 500
    with association_scope(tenant_a.association):
        assert not Member.objects.filter(last_name_latin__startswith="Name").exists()


def test_broken_utf8_and_missing_rows_are_clear_errors(tenant_a):
    from associations.errors import WaslError

    broken = "Nom;Prénom\nHélène;Zoé\nAnaïs;Léa\n".encode() + b"Bad\xff\xfe;x\n"
    with pytest.raises(WaslError, match="line 4"):
        read_table(broken)
    with pytest.raises(WaslError, match="no data rows"):
        read_table(b"Nom;Prenom\n")


def test_import_needs_a_name_column(tenant_a):
    from associations.errors import WaslError

    with association_scope(tenant_a.association), pytest.raises(WaslError, match="last name"):
        import_members(
            actor=tenant_a.president, table=read_table(b"a;b\n1;2\n"), mapping={"0": "phone"}, dry_run=True
        )


def test_import_pages_upload_map_check_and_import(client, tenant_a, category):
    client.force_login(tenant_a.president)
    response = client.post(
        url(tenant_a, "members:import"), {"file": SimpleUploadedFile("liste.csv", CSV_FR.encode())}
    )
    with association_scope(tenant_a.association):
        member_import = MemberImport.objects.latest("created_at")
    assert response["Location"] == url(tenant_a, "members:import_map", import_id=member_import.pk)
    form = {f"map_{i}": t for i, t in member_import.mapping.items()}
    checked = client.post(response["Location"], {**form, "action": "check"})
    assert "Every row is right" in checked.content.decode()
    assert members_named(tenant_a, "Alaoui") == 0
    with association_scope(tenant_a.association):
        member_import.refresh_from_db()
    plan = member_import.report["plan"]
    assert f'name="plan" value="{plan}"' in checked.content.decode()
    client.post(response["Location"], {**form, "action": "import", "plan": plan})
    assert members_named(tenant_a, "Alaoui", "Bennani") == 2
    # The mapping is remembered for the next file with the same columns.
    with association_scope(tenant_a.association):
        assert guess_mapping(read_table(CSV_FR.encode()).headers) == member_import.mapping


def test_upload_refuses_non_spreadsheets_and_oversized_files(client, tenant_a, settings):
    client.force_login(tenant_a.president)
    photo = SimpleUploadedFile("members.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    response = client.post(url(tenant_a, "members:import"), {"file": photo})
    assert response.status_code == 400 and "not an accepted type" in response.content.decode()
    settings.WASL_UPLOAD_MAX_BYTES = 100
    response = client.post(
        url(tenant_a, "members:import"), {"file": SimpleUploadedFile("l.csv", CSV_FR.encode() * 5)}
    )
    assert response.status_code == 400 and "too large" in response.content.decode()


def test_large_imports_run_as_a_job(client, tenant_a, django_capture_on_commit_callbacks):
    from members import views_transfer

    rows = "".join(f"{1000 + i};Big{i};Ali;0622{i:06d}\n" for i in range(views_transfer.SYNC_ROWS + 20))
    client.force_login(tenant_a.president)
    content = ("N°;Nom;Prénom;Téléphone\n" + rows).encode()
    client.post(url(tenant_a, "members:import"), {"file": SimpleUploadedFile("big.csv", content)})
    with association_scope(tenant_a.association):
        member_import = MemberImport.objects.latest("created_at")
    form = {f"map_{i}": t for i, t in member_import.mapping.items()}
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {**form, "action": "check"})
    with association_scope(tenant_a.association):
        check = Job.objects.get(kind="members.import")
        member_import.refresh_from_db()
    assert check.status == "checked" and member_import.status == "checked"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {**form, "action": "import", "plan": member_import.report["plan"]})
    with association_scope(tenant_a.association):
        job = Job.objects.exclude(pk=check.pk).get(kind="members.import")
        member_import.refresh_from_db()
        assert (
            Member.objects.filter(last_name_latin__startswith="Big").count() == views_transfer.SYNC_ROWS + 20
        )
    assert response["Location"] == url(tenant_a, "jobs:detail", job_id=job.pk)
    assert (
        job.status == "succeeded" and job.progress_done == job.progress_total == views_transfer.SYNC_ROWS + 20
    )
    assert member_import.status == "imported"
    page = client.get(url(tenant_a, "jobs:detail", job_id=job.pk)).content.decode()
    assert (
        url(tenant_a, "members:import_map", import_id=member_import.pk) in page
    )  # the report is one click away
    api = client.get(
        f"/api/v1/associations/{tenant_a.association.slug}/member-imports/{member_import.pk}/"
    ).json()
    assert api["status"] == "imported" and api["report"]["created"] == views_transfer.SYNC_ROWS + 20


def test_cli_import_dry_run_then_real(tenant_a, category, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(CSV_FR.encode("cp1252"))
    call_command("members_import", str(path), "--association", tenant_a.association.slug, "--dry-run")
    assert members_named(tenant_a, "Alaoui") == 0
    call_command("members_import", str(path), "--association", tenant_a.association.slug)
    assert members_named(tenant_a, "Alaoui", "Bennani") == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("Nom;Téléphone\nX;12\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("members_import", str(bad), "--association", tenant_a.association.slug)


def start_export(client, tenant, capture, fmt="csv", **params):
    """Start an export from the list's form; returns the job it queued (run at once: eager)."""
    with capture(execute=True):
        response = client.post(url(tenant, "members:export"), {"format": fmt, **params})
    with association_scope(tenant.association):
        job = Job.objects.filter(kind__startswith="members.export").latest("created_at", "id")
    assert response.status_code == 302 and response["Location"] == url(tenant, "jobs:detail", job_id=job.pk)
    return job


def export_rows(client, tenant, capture, fmt="csv", **params):
    job = start_export(client, tenant, capture, fmt, **params)
    download = client.get(url(tenant, "jobs:download", job_id=job.pk))
    content = b"".join(download.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    return [
        [c or "" for c in row]
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]


def test_export_of_the_current_filter_with_cin_only_for_allowed_roles(
    tenant_a, category, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run_import(tenant_a, CSV_FR.encode())
    president = Client(headers={"Accept-Language": "en"})
    president.force_login(tenant_a.president)
    rows = export_rows(president, tenant_a, capture, q="alaoui")
    assert rows[0][-1] == "CIN number" and len(rows) == 2 and rows[1][-1] == "AA100001"
    with association_scope(tenant_a.association):
        assert AuditEvent.objects.filter(action="members.cin.exported").count() == 1
    xlsx = export_rows(president, tenant_a, capture, fmt="xlsx")
    assert "AA100001" in [str(v) for row in xlsx for v in row]

    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory, UserFactory

    board = UserFactory()
    RoleFactory(association=tenant_a.association, user=board, kind=RoleKind.BOARD_MEMBER)
    viewer = Client(headers={"Accept-Language": "en"})
    viewer.force_login(board)
    rows = export_rows(viewer, tenant_a, capture)
    assert "CIN number" not in rows[0]
    assert all("AA100001" not in row for row in rows)
    # The president's export carries CIN numbers: a role that may not see them cannot fetch it.
    with association_scope(tenant_a.association):
        cin_export = Job.objects.filter(kind="members.export_cin").latest("created_at", "id")
    assert viewer.get(url(tenant_a, "jobs:download", job_id=cin_export.pk)).status_code == 404


def test_an_export_is_a_background_job_with_progress_and_a_private_download(
    client, tenant_a, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.president)
    assert client.get(url(tenant_a, "members:export"), {"format": "xlsx"}).status_code == 405
    job = start_export(client, tenant_a, django_capture_on_commit_callbacks, fmt="xlsx", status="active")
    with association_scope(tenant_a.association):
        job.refresh_from_db()
        active = Member.objects.filter(status="active").count()
    assert job.status == "succeeded" and job.params["format"] == "xlsx"
    assert job.progress_done == job.progress_total == active > 0
    assert job.result_name.endswith(".xlsx") and job.result_file
    page = client.get(url(tenant_a, "jobs:detail", job_id=job.pk)).content.decode()
    assert url(tenant_a, "jobs:download", job_id=job.pk) in page


def test_an_unknown_export_format_is_refused_and_queues_nothing(client, tenant_a):
    client.force_login(tenant_a.president)
    response = client.post(url(tenant_a, "members:export"), {"format": "pdf"}, follow=True)
    assert "Choose CSV or XLSX." in response.content.decode()
    with association_scope(tenant_a.association):
        assert not Job.objects.filter(kind__startswith="members.export").exists()


def test_a_cin_export_fails_if_the_role_lost_the_right_before_it_ran(tenant_a):
    from associations.models import Role
    from jobs.services import job_run
    from members.exports import member_export_start

    with association_scope(tenant_a.association):
        job = member_export_start(
            actor=tenant_a.treasurer, role_kind="treasurer", filters={}, file_format="csv"
        )
        Role.objects.filter(user=tenant_a.treasurer).update(kind="board_member")
    assert job.kind == "members.export_cin"
    assert job_run(association_id=tenant_a.association.pk, job_id=job.pk) == "failed"
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    assert "no longer allows" in job.error_message and not job.result_file


def test_member_card_and_a4_sheets(client, tenant_a, django_capture_on_commit_callbacks):
    client.force_login(tenant_a.president)
    member = tenant_a.member_row
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(tenant_a, "members:card", member_id=member.pk))
    with association_scope(tenant_a.association):
        card = Document.objects.get(kind="member_card")
    assert card.status == "ready" and card.snapshot["member"]["number"] == member.number
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tenant_a, "members:cards_bulk"), {"status": "active"})
    with association_scope(tenant_a.association):
        job = Job.objects.get(kind="members.cards")
        cards = Document.objects.filter(kind="member_card", status="ready").exclude(pk=card.pk)
        assert job.status == "succeeded" and cards.count() == Member.objects.filter(status="active").count()
        assert len({c.file for c in cards}) == 1  # one sheet
    assert response["Location"].endswith(f"/jobs/{job.pk}/")
    public = Client(headers={"Accept-Language": "en"}).get(f"/verify/{cards.first().token}").content.decode()
    assert "Member card" in public and member.last_name_latin not in public


def test_members_api_with_cursor_pagination_and_field_rules(tenant_a):
    api = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}", "Accept-Language": "en"})
    base = f"/api/v1/associations/{tenant_a.association.slug}/members/"
    created = api.post(base, {"first_name_latin": "Api", "last_name_latin": "Person", "phone": "0655555555",
                              "cin": "AP123456"}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["phone"] == "+212655555555"
    member_id = created.json()["id"]
    bad = api.post(base, {"last_name_latin": "X", "first_name_latin": "Y", "birth_date": "2999-01-01"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "birth_date" in bad.json()["error"]["fields"]
    page = api.get(base, {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    found = api.get(base, {"q": "person"}).json()["results"]
    assert [m["id"] for m in found] == [member_id] and "cin" not in found[0]  # lists never carry the CIN
    assert api.get(f"{base}{member_id}/").json()["cin"] == "AP123456"  # the detail does, and is audited
    with association_scope(tenant_a.association):
        assert AuditEvent.objects.filter(action="members.cin.viewed", target_id=str(member_id)).count() == 1
    patched = api.patch(f"{base}{member_id}/", {"profession": "Enseignante"}, content_type="application/json")
    assert patched.json()["profession"] == "Enseignante"
    status_change = api.post(
        f"{base}{member_id}/status/", {"to_status": "excluded"}, content_type="application/json"
    )
    assert status_change.status_code == 400 and status_change.json()["error"]["fields"]["decision_reference"]
    # A token of a role without members.view_sensitive never sees the CIN.
    with association_scope(tenant_a.association):
        from associations import services as association_services
        from associations.capabilities import RoleKind
        from associations.tests.factories import RoleFactory, UserFactory

        board = UserFactory()
        RoleFactory(association=tenant_a.association, user=board, kind=RoleKind.BOARD_MEMBER)
        _token, raw = association_services.access_token_create(actor=board, name="board script")
    board_api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert "cin" not in board_api.get(f"{base}{member_id}/").json()
    assert board_api.post(base, {"last_name_latin": "No"}, content_type="application/json").status_code == 403
