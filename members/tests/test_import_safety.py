"""Imports that never lie and never overwrite another person (issue 7, items 1 and 2): a background
import whose rows are refused fails with its report one tap away; a row matching a member whose
name differs is a conflict the officer decides; every update is shown field by field before it is
written, and an import writes only what the check showed."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory, UserFactory
from jobs.models import Job
from members import services
from members.importing import guess_mapping, import_members, names_disagree, read_table
from members.models import Member, MemberImport

HEADER = "N°;Nom;Prénom;Téléphone;CIN;Date d'adhésion\n"


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


@pytest.fixture
def karim(tenant_a):
    with association_scope(tenant_a.association):
        return services.member_admit(actor=tenant_a.president, first_name_latin="Karim", last_name_latin="Alaoui",
                                     phone="0611000001", cin="AA100001", join_date=date(2015, 9, 1))  # fmt: skip


def check(tenant, text: str, *, dry_run=True, **options):
    with association_scope(tenant.association):
        table = read_table(text.encode())
        return import_members(
            actor=tenant.president,
            table=table,
            mapping=guess_mapping(table.headers),
            dry_run=dry_run,
            **options,
        )


def reload(tenant, member) -> Member:
    with association_scope(tenant.association):
        return Member.objects.get(pk=member.pk)


def upload(client, tenant, text: str, name="liste.csv") -> MemberImport:
    client.post(url(tenant, "members:import"), {"file": SimpleUploadedFile(name, text.encode())})
    with association_scope(tenant.association):
        return MemberImport.objects.latest("created_at")


# --- Item 1: a background import whose rows are refused fails, with its report one tap away ------


def test_a_background_import_with_one_invalid_phone_fails_and_links_its_report(
    client, tenant_a, django_capture_on_commit_callbacks
):
    from members.views_transfer import SYNC_ROWS

    rows = [f";Big{i};Ali;0622{i:06d};;" for i in range(SYNC_ROWS + 100)]
    rows[300] = ";Big300;Ali;12;;"  # row 302 of the file
    client.force_login(tenant_a.president)
    member_import = upload(client, tenant_a, HEADER + "\n".join(rows) + "\n", "big.csv")
    form = {f"map_{i}": t for i, t in member_import.mapping.items()}
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    for action in ("check", "import"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                page, {**form, "action": action, "plan": member_import.report.get("plan", "")}
            )
        with association_scope(tenant_a.association):
            job = Job.objects.filter(kind="members.import").latest("created_at")
            member_import.refresh_from_db()
            assert not Member.objects.filter(last_name_latin__startswith="Big").exists()
        assert response["Location"] == url(tenant_a, "jobs:detail", job_id=job.pk)
        assert job.status == Job.Status.FAILED, action  # not "Done 100%"
        assert job.error_message == "1 row has an error: nothing was saved."
        assert member_import.status == MemberImport.Status.UPLOADED
        assert [(e["row"], e["column"]) for e in member_import.report["errors"]] == [(302, "Téléphone")]
        job_page = client.get(response["Location"]).content.decode()
        assert "Failed" in job_page and "nothing was saved" in job_page and f'href="{page}"' in job_page
        assert "Téléphone" in client.get(page).content.decode()  # the per-row report, one tap away


# --- Item 2: a match whose names disagree is a conflict ---------------------------------------------


@pytest.mark.parametrize(
    ("existing", "incoming", "disagree"),
    [
        ({"first_name_latin": "Mohamed"}, {"first_name_latin": "MOHAMED"}, False),
        (
            {"first_name_latin": "Hélène", "last_name_latin": "Lévêque"},
            {"first_name_latin": "helene", "last_name_latin": "LEVEQUE"},
            False,
        ),
        (
            {"first_name_latin": "Mohamed", "last_name_latin": "Alaoui"},
            {"first_name_latin": "Alaoui", "last_name_latin": "Mohamed"},
            False,
        ),
        ({"last_name_latin": "El-Idrissi"}, {"last_name_latin": "el idrissi"}, False),
        (
            {"first_name_ar": "مُحمد", "last_name_ar": "العلوى"},
            {"first_name_ar": "محمد", "last_name_ar": "العلوي"},
            False,
        ),
        (
            {"first_name_latin": "Mohamed", "last_name_latin": "Alaoui"},
            {"first_name_latin": "Fatima", "last_name_latin": "Bennani"},
            True,
        ),
        (
            {"first_name_ar": "محمد", "last_name_ar": "العلوي"},
            {"first_name_ar": "فاطمة", "last_name_ar": "بناني"},
            True,
        ),
        ({"first_name_latin": "Karim"}, {"first_name_latin": "Karima"}, True),
        # Nothing to compare (the register has only the Arabic name): not a disagreement.
        ({"first_name_ar": "محمد", "last_name_ar": "العلوي"}, {"first_name_latin": "Mohamed"}, False),
    ],
)
def test_names_are_compared_without_case_accents_arabic_variants_or_word_order(existing, incoming, disagree):
    assert names_disagree(existing, incoming) is disagree


def test_a_row_with_a_members_cin_but_another_name_is_a_conflict_not_an_update(tenant_a, karim):
    text = HEADER + ";Bennani;Fatima;0699000009;AA100001;2024-01-15\n"
    report = check(tenant_a, text)
    assert (report.updated, report.conflict_count, report.undecided) == (0, 1, 1)
    [conflict] = report.conflicts
    assert conflict["matched_on"] == "cin" and conflict["member_id"] == karim.pk
    assert conflict["choices"] == ["update", "skip"]  # the CIN is Karim's: no new member with it
    fields = {name: (old, new) for name, old, new in conflict["fields"]}
    assert fields["last_name_latin"] == ("Alaoui", "Bennani") and fields["join_date"] == (
        "2015-09-01",
        "2024-01-15",
    )
    # Importing without a decision writes nothing, and says why.
    report = check(tenant_a, text, dry_run=False)
    assert not report.written and report.refused == 1
    assert report.summary() == "1 conflict needs your decision: nothing was saved."
    after = reload(tenant_a, karim)
    assert (after.first_name_latin, after.last_name_latin, after.phone, str(after.join_date)) == (
        "Karim", "Alaoui", "+212611000001", "2015-09-01"
    )  # fmt: skip


def test_each_conflict_is_written_only_as_the_officer_decides(tenant_a, karim):
    with association_scope(tenant_a.association):
        salma = services.member_admit(actor=tenant_a.president, first_name_latin="Salma", last_name_latin="Bennani",
                                      phone="0611000002")  # fmt: skip
    text = (
        HEADER
        + ";Tazi;Omar;0611000003;AA100001;\n"  # row 2: Karim's CIN, another name
        + ";Idrissi;Nadia;0611000002;;\n"  # row 3: Salma's phone (a family's?), another name
    )
    report = check(tenant_a, text)
    assert report.error_count == 0 and report.conflict_count == 2
    assert [c["choices"] for c in report.conflicts] == [["update", "skip"], ["update", "skip", "create"]]
    # A choice the row does not allow is an error on that row, never silently something else.
    refused = check(tenant_a, text, dry_run=False, decisions={"2": "create", "3": "skip"})
    assert [e.row for e in refused.errors] == [2] and not refused.written
    report = check(tenant_a, text, dry_run=False, decisions={"2": "skip", "3": "create"})
    assert report.written and (report.created, report.skipped, report.updated) == (1, 1, 0)
    assert (
        reload(tenant_a, karim).last_name_latin == "Alaoui"
        and reload(tenant_a, salma).first_name_latin == "Salma"
    )
    with association_scope(tenant_a.association):
        nadia = Member.objects.get(first_name_latin="Nadia")
    assert nadia.phone == salma.phone and nadia.number not in (karim.number, salma.number)


def test_row_four_claiming_a_member_already_matched_is_an_error(tenant_a, karim):
    text = HEADER + ";Alaoui;Karim;;AA100001;\n;Alaoui;Karim;0611000001;;\n"
    report = check(tenant_a, text)
    assert [(e.row, e.message) for e in report.errors] == [(3, "This row and row 2 are the same member.")]


def test_an_import_writes_only_what_the_check_showed(tenant_a, karim):
    text = HEADER + ";Alaoui;Karim;0699000001;AA100001;\n;Tazi;Omar;0611000009;;\n"
    checked = check(tenant_a, text)
    assert checked.changes == [
        {"row": 2, "member_id": karim.pk, "number": karim.number, "name": "Karim Alaoui",
         "fields": [["phone", "+212611000001", "+212699000001"]]}
    ]  # fmt: skip
    with association_scope(tenant_a.association):  # someone changes the register meanwhile
        services.member_admit(actor=tenant_a.president, first_name_latin="Omar", last_name_latin="Tazi",
                              phone="0611000009")  # fmt: skip
    stale = check(tenant_a, text, dry_run=False, expected_plan=checked.plan)
    assert stale.stale and not stale.written and stale.plan != checked.plan
    assert reload(tenant_a, karim).phone == "+212611000001"
    done = check(tenant_a, text, dry_run=False, expected_plan=stale.plan)
    assert done.written and (done.updated, done.unchanged) == (1, 1)
    assert reload(tenant_a, karim).phone == "+212699000001"


def test_the_check_page_shows_every_update_and_conflicts_side_by_side_in_arabic(tenant_a, karim):
    with association_scope(tenant_a.association):
        salma = services.member_admit(actor=tenant_a.president, first_name_latin="Salma", last_name_latin="Bennani",
                                      phone="0611000002")  # fmt: skip
    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(tenant_a.president)
    text = HEADER + f";Bennani;Fatima;;AA100001;\n{salma.number};Bennani;Salma;0699000002;;\n"
    member_import = upload(client, tenant_a, text)
    form = {f"map_{i}": t for i, t in member_import.mapping.items()}
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    body = client.post(page, {**form, "action": "check"}).content.decode()
    assert 'dir="rtl"' in body
    # The conflict: the register's and the file's values side by side, numbers isolated.
    assert 'id="conflict-2"' in body and "<bdi>AA100001</bdi>" in body
    assert "<bdi>Alaoui</bdi>" in body and "<strong><bdi>Bennani</bdi></strong>" in body
    fieldset = body.split('id="conflict-2"')[1].split("</fieldset>")[0]
    assert 'name="conflict_2"' in fieldset and 'value="create"' not in fieldset  # the CIN is Karim's
    assert "checked" not in fieldset  # no default: the officer chooses
    # The update: field by field, before anything is written.
    assert "<bdi>+212611000002</bdi>" in body and "<bdi>+212699000002</bdi>" in body
    with association_scope(tenant_a.association):
        member_import.refresh_from_db()
    plan = member_import.report["plan"]
    assert f'name="plan" value="{plan}"' in body
    client.post(page, {**form, "action": "import", "plan": plan, "conflict_2": "skip"})
    assert reload(tenant_a, karim).last_name_latin == "Alaoui"
    with association_scope(tenant_a.association):
        assert Member.objects.get(first_name_latin="Salma").phone == "+212699000002"


def test_a_role_without_the_cin_capability_does_not_see_cin_numbers_in_reports(tenant_a, karim):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    member_import = upload(client, tenant_a, HEADER + ";Bennani;Fatima;;AA100001;\n")
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    form = {f"map_{i}": t for i, t in member_import.mapping.items()}
    assert "<bdi>AA100001</bdi>" in client.post(page, {**form, "action": "check"}).content.decode()
    staff = UserFactory()
    RoleFactory(association=tenant_a.association, user=staff, kind=RoleKind.STAFF)
    client.force_login(staff)
    assert "<bdi>AA100001</bdi>" not in client.get(page).content.decode()
    with association_scope(tenant_a.association):
        from associations import services as association_services

        _token, raw = association_services.access_token_create(actor=staff, name="staff script")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get(f"/api/v1/associations/{tenant_a.association.slug}/member-imports/{member_import.pk}/")
    assert body.status_code == 200 and "AA100001" not in body.content.decode()


def test_the_cli_refuses_conflicts_unless_told_how_to_resolve_them(tenant_a, karim, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text(HEADER + ";Bennani;Fatima;0699000009;AA100001;\n", encoding="utf-8")
    slug = tenant_a.association.slug
    with pytest.raises(CommandError, match="--on-conflict=skip"):
        call_command("members_import", str(path), "--association", slug)
    assert "register says “Karim Alaoui” and the file “Fatima Bennani”" in capsys.readouterr().out
    assert reload(tenant_a, karim).last_name_latin == "Alaoui"
    call_command("members_import", str(path), "--association", slug, "--on-conflict=skip")
    assert reload(tenant_a, karim).last_name_latin == "Alaoui"
    with pytest.raises(CommandError):  # the CIN is Karim's: it cannot be a new member
        call_command("members_import", str(path), "--association", slug, "--on-conflict=create")
    call_command("members_import", str(path), "--association", slug, "--on-conflict=update")
    assert reload(tenant_a, karim).last_name_latin == "Bennani"


def test_a_row_matching_a_shared_phone_updates_the_member_it_names(tenant_a, karim):
    with association_scope(tenant_a.association):
        salma = services.member_admit(actor=tenant_a.president, first_name_latin="Salma", last_name_latin="Alaoui",
                                      phone="0611000001")  # Karim's phone: one for the family  # fmt: skip
    report = check(
        tenant_a, "Nom;Prénom;Téléphone;E-mail\nALAOUI;salma;0611000001;salma@example.ma\n", dry_run=False
    )
    assert report.written and (report.updated, report.conflict_count) == (1, 0)
    assert reload(tenant_a, salma).email == "salma@example.ma" and reload(tenant_a, karim).email == ""
