"""Imports that understand real lists (issue 9, item 1): columns guessed from their values as well
as their headers, every error of a row at once and said precisely, the choice of columns checked
before a job starts, and errors stored without words so each reader sees them in their language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from associations.tenancy import association_scope
from jobs.models import Job
from members.importing import (
    ROW_ERRORS,
    guess_column,
    guess_mapping,
    import_members,
    read_table,
    row_error_message,
)
from members.models import Member, MemberImport


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def check(tenant, text: str):
    with association_scope(tenant.association):
        table = read_table(text.encode())
        return import_members(
            actor=tenant.president,
            table=table,
            mapping=guess_mapping(table.headers, table.rows[:3]),
            dry_run=True,
        )


def upload(client, tenant, text: str) -> MemberImport:
    client.post(url(tenant, "members:import"), {"file": SimpleUploadedFile("liste.csv", text.encode())})
    with association_scope(tenant.association):
        return MemberImport.objects.latest("created_at")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom (arabe)", "last_name_ar"),
        ("Prénom en arabe", "first_name_ar"),
        ("الاسم العائلي", "last_name_ar"),
        ("الإسم الشخصي", "first_name_ar"),
        ("Nom (latin)", "last_name_latin"),
        ("Téléphone portable", "phone"),
        ("Tél. mobile", "phone"),
        ("Téléphone (GSM)", "phone"),
        ("N° CIN", "cin"),
        ("Numéro de la CIN", None),  # not guessed rather than guessed wrong
        ("E-mail", "email"),
        ("Né(e) le", "birth_date"),
        ("Nom et prénom", None),  # a full name is neither the first nor the last name
    ],
)
def test_headers_of_real_lists_are_recognised(header, field):
    assert guess_column(header)[0] == field


def test_arabic_names_under_nom_and_prenom_go_to_the_arabic_fields(tenant_a):
    client = Client()
    client.force_login(tenant_a.president)
    member_import = upload(
        client,
        tenant_a,
        "Nom;Prénom;Téléphone\nالعلوي;كريم;0611000001\nبناني;سلمى;0611000002\nAlaoui;Amina;0611000003\n",
    )
    assert member_import.mapping == {"0": "last_name_ar", "1": "first_name_ar", "2": "phone"}
    # Latin values keep the Latin fields; a header naming its script wins over one that does not.
    with association_scope(tenant_a.association):
        assert guess_mapping(["Nom", "Prénom"], [["Alaoui", "Karim"]]) == {
            "0": "last_name_latin",
            "1": "first_name_latin",
        }
        assert guess_mapping(
            ["Nom", "Prénom", "Nom (arabe)", "Prénom (arabe)"], [["العلوي", "كريم", "العلوي", "كريم"]]
        ) == {
            "2": "last_name_ar",
            "3": "first_name_ar",
        }


def test_arabic_text_in_a_latin_name_column_is_an_error_not_a_member(tenant_a):
    with association_scope(tenant_a.association):
        table = read_table("Nom;Prénom\nAlaoui;Karim\nالعلوي;كريم\n".encode())
        report = import_members(
            actor=tenant_a.president,
            table=table,
            mapping={"0": "last_name_latin", "1": "first_name_latin"},
            dry_run=False,
        )
        assert not Member.objects.filter(last_name_latin="Alaoui").exists()
    assert [(e.row, e.code) for e in report.errors] == [(3, "arabic_in_latin"), (3, "arabic_in_latin")]
    assert "Arabic script" in report.errors[0].message


def test_every_error_of_a_row_is_reported_at_once(tenant_a):
    report = check(
        tenant_a,
        "Nom;Prénom;Téléphone;Date de naissance;Sexe;E-mail\n"
        "Alaoui;Karim;12;31/02/1990;X;pas-un-courriel\n"
        "Bennani;Salma;0611000002;1990-13-01;F;salma@example.ma\n",
    )
    assert report.error_count == 2
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "Téléphone", "phone_invalid"),
        (2, "Date de naissance", "date_no_such_day"),
        (2, "Sexe", "gender_unknown"),
        (2, "E-mail", "email_invalid"),
        (3, "Date de naissance", "date_no_such_month"),
    ]
    messages = [e.message for e in report.errors]
    assert "\u206831/02/1990\u2069 is not a date: that month has no day 31." in messages
    assert "\u20681990-13-01\u2069 is not a date: there is no month 13." in messages
    assert "\u2068X\u2069 is not a gender: write F or M." in messages
    assert "\u206812\u2069 is not a phone number: write it as \u206606 12 34 56 78\u2069." in messages


def test_an_unreadable_date_says_how_to_write_it(tenant_a):
    report = check(tenant_a, "Nom;Prénom;Date d'adhésion\nAlaoui;Karim;hier\n")
    assert report.errors[0].message == "\u2068hier\u2069 is not a date: write it as 31/12/1990 or 1990-12-31."


def test_row_errors_are_stored_as_codes_and_read_in_the_readers_language(client, tenant_a):
    client.force_login(tenant_a.president)
    member_import = upload(client, tenant_a, "Nom;Prénom;Date de naissance\nAlaoui;Karim;31/02/1990\n")
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    client.post(page, {**{f"map_{i}": t for i, t in member_import.mapping.items()}, "action": "check"})
    with association_scope(tenant_a.association):
        member_import.refresh_from_db()
    (stored,) = member_import.report["errors"]
    assert stored == {
        "row": 2,
        "column": "Date de naissance",
        "code": "date_no_such_day",
        "params": {"value": "31/02/1990", "day": 31},
    }
    for language in ("fr", "ar", "en"):
        with translation.override(language):
            expected = escape(str(ROW_ERRORS["date_no_such_day"]) % {"value": "VALUE", "day": 31})
            expected = expected.replace("VALUE", "<bdi>31/02/1990</bdi>")
        client.cookies["django_language"] = language
        shown = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert expected in shown
    with translation.override("fr"):
        french = row_error_message(stored)
    with translation.override("ar"):
        arabic = row_error_message(stored)
    assert french.startswith("\u206831/02/1990\u2069 n'est pas une date")
    assert "ليس تاريخًا" in arabic
    # The API gives the code, its values and the sentence in the reader's language.
    api = client.get(
        f"/api/v1/associations/{tenant_a.association.slug}/member-imports/{member_import.pk}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert api["report"]["errors"][0]["code"] == "date_no_such_day"


def test_columns_are_checked_before_a_large_import_starts_a_job(client, tenant_a):
    from members import views_transfer

    rows = "".join(f"{1000 + i};Ali;0622{i:06d}\n" for i in range(views_transfer.SYNC_ROWS + 20))
    client.force_login(tenant_a.president)
    member_import = upload(client, tenant_a, "N°;Prénom;Téléphone\n" + rows)
    assert "last_name_latin" not in member_import.mapping.values()
    page = url(tenant_a, "members:import_map", import_id=member_import.pk)
    response = client.post(
        page, {**{f"map_{i}": t for i, t in member_import.mapping.items()}, "action": "check"}
    )
    assert response.status_code == 400
    assert "Map at least one column to a last name." in response.content.decode()
    with association_scope(tenant_a.association):
        assert not Job.objects.filter(kind="members.import").exists()
