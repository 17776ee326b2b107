"""Resources pages, their capabilities and confirmations, the inventory export, the API and the
ministry's figures."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from finance import selectors as finance_selectors
from resources import figures, services
from resources.models import Asset, StaffMember, Valuation, Volunteer, VolunteerHours

TODAY = timezone.localdate


def url(tenant, name, **kwargs):
    return reverse(f"resources:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def client_of(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


PAGES = [
    ("volunteers", {}),
    ("volunteer_new", {}),
    ("hourly_value", {}),
    ("staff", {}),
    ("staff_new", {}),
    ("assets", {}),
    ("asset_new", {}),
    ("premises_list", {}),
    ("premises_new", {}),
]


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_pages_render_in_every_language(tenant_a, language):
    client = client_of(tenant_a.president, language)
    with association_scope(tenant_a.association):
        ids = {
            "volunteer": {"volunteer_id": tenant_a.volunteer.pk},
            "premises": {"premises_id": tenant_a.premises.pk},
        }
    for name, kwargs in [*PAGES, ("volunteer", ids["volunteer"]), ("premises", ids["premises"])]:
        response = client.get(url(tenant_a, name, **kwargs))
        assert response.status_code == 200, name
        assert f'lang="{language}"' in response.content.decode()


def test_a_plain_member_sees_no_resources_page(tenant_a):
    client = client_of(tenant_a.member)
    for name, kwargs in PAGES:
        assert client.get(url(tenant_a, name, **kwargs)).status_code == 403, name


def test_the_treasurer_alone_reaches_the_valuation_page(tenant_a):
    assert client_of(tenant_a.treasurer).get(url(tenant_a, "valuation")).status_code == 200
    assert client_of(tenant_a.president).get(url(tenant_a, "valuation")).status_code == 403


def test_recording_negative_hours_in_arabic_shows_the_error_and_records_nothing(tenant_a):
    client = client_of(tenant_a.president, "ar")
    page = url(tenant_a, "volunteer", volunteer_id=tenant_a.volunteer.pk)
    response = client.post(page, {"date": TODAY().isoformat(), "hours": "-3", "activity": "Tutoring"})
    assert response.status_code == 400
    assert "لا يمكن أن يكون هذا الرقم سالبا." in response.content.decode()
    with association_scope(tenant_a.association):
        assert VolunteerHours.objects.count() == 1


def test_recording_hours_from_the_page(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "volunteer", volunteer_id=tenant_a.volunteer.pk)
    response = client.post(page, {"date": TODAY().isoformat(), "hours": "1,5", "activity": "Tutoring"})
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert VolunteerHours.objects.filter(hours=Decimal("1.50"), value=Decimal("30.00")).exists()


def test_a_staff_contract_ending_before_it_starts_shows_the_error_in_french(tenant_a):
    client = client_of(tenant_a.president, "fr")
    response = client.post(
        url(tenant_a, "staff_new"),
        {"name_latin": "Omar", "job_title": "Comptable", "contract": "permanent",
         "starts_on": TODAY().isoformat(), "ends_on": (TODAY() - timedelta(days=2)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "La date de fin est antérieure à la date de début." in response.content.decode()
    with association_scope(tenant_a.association):
        assert StaffMember.objects.count() == 1


def test_posting_hours_goes_through_a_confirmation_and_happens_once(tenant_a):
    client = client_of(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        year = finance_selectors.current_year()
    page = url(tenant_a, "valuation")
    asked = client.post(page, {"year": year.pk})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    with association_scope(tenant_a.association):
        assert not Valuation.objects.exists()
    assert client.post(page, {"year": year.pk, "confirm": "yes"}).status_code == 302
    assert client.post(page, {"year": year.pk, "confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Valuation.objects.count() == 1
        assert VolunteerHours.objects.get().valuation is not None


def test_removing_hours_needs_the_confirmation(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "hours_delete", hours_id=tenant_a.volunteer_hours.pk)
    assert client.get(page).status_code == 200
    client.post(page, {})
    with association_scope(tenant_a.association):
        assert VolunteerHours.objects.exists()
    client.post(page, {"confirm": "yes"})
    with association_scope(tenant_a.association):
        assert not VolunteerHours.objects.exists()


def test_a_certificate_is_issued_after_the_confirmation(tenant_a):
    from documents.models import Document

    client = client_of(tenant_a.president)
    page = url(tenant_a, "certificate_new", volunteer_id=tenant_a.volunteer.pk)
    period = {"period_start": (TODAY() - timedelta(days=30)).isoformat(), "period_end": TODAY().isoformat()}
    asked = client.post(page, period)
    assert asked.status_code == 200 and "Issue this certificate of volunteering?" in asked.content.decode()
    with association_scope(tenant_a.association):
        assert not Document.objects.filter(kind="volunteering_certificate").exists()
    assert client.post(page, {**period, "confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Document.objects.filter(kind="volunteering_certificate").count() == 1


def test_a_premises_document_upload_is_checked_and_served_privately(tenant_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(tenant_a.president)
    page = url(tenant_a, "premises", premises_id=tenant_a.premises.pk)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert client.post(page, {"title": "Bad", "file": bad}).status_code == 400
    download = client.get(
        url(tenant_a, "premises_document", premises_document_id=tenant_a.premises_document.pk)
    )
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body.startswith(b"%PDF")
    assert download["Cache-Control"] == "private, no-store"


def test_the_inventory_exports_as_csv_and_xlsx(tenant_a):
    from openpyxl import load_workbook

    with association_scope(tenant_a.association):
        services.asset_save(actor=tenant_a.president, name="=HYPERLINK(\"x\")", value="12.50",
                            acquired_on=TODAY(), acquisition="bought")  # fmt: skip
    client = client_of(tenant_a.president, "fr")
    csv = client.get(url(tenant_a, "assets_csv")).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Bien,Catégorie")
    assert "asset-secret-a" in csv and "'=HYPERLINK" in csv  # a formula is neutralised
    xlsx = client.get(url(tenant_a, "assets_xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "Bien" and len(rows) == 3
    filtered = client.get(url(tenant_a, "assets_csv") + "?acquisition=bought").content.decode("utf-8-sig")
    assert "asset-secret-a" not in filtered


def test_the_inventory_list_query_count_does_not_grow(tenant_a):
    client = client_of(tenant_a.president)
    client.get(url(tenant_a, "assets"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "assets"))
    with association_scope(tenant_a.association):
        for number in range(10):
            services.asset_save(actor=tenant_a.president, name=f"Chair {number}", value="10",
                                acquired_on=TODAY(), acquisition="donated")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url(tenant_a, "assets"))
    assert len(many) == len(few)


def test_the_volunteer_list_query_count_does_not_grow(tenant_a):
    client = client_of(tenant_a.president)
    client.get(url(tenant_a, "volunteers"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "volunteers"))
    with association_scope(tenant_a.association):
        for number in range(10):
            volunteer = services.volunteer_save(actor=tenant_a.president, name_latin=f"V{number}")
            services.hours_record(actor=tenant_a.president, volunteer_id=volunteer.pk, day=TODAY(), hours="1",
                                  activity="x")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url(tenant_a, "volunteers"))
    assert len(many) == len(few)


# --- API ---------------------------------------------------------------------------------------


def api(tenant):
    client = Client()
    headers = {"Authorization": f"Bearer {tenant.access_token_raw}"}
    base = f"/api/v1/associations/{tenant.association.slug}/resources"
    return client, headers, base


def test_api_volunteers_and_hours(tenant_a):
    client, headers, base = api(tenant_a)
    created = client.post(f"{base}/volunteers/", {"name_latin": "Karim", "skills": "Sound"},
                          content_type="application/json", headers=headers)  # fmt: skip
    assert created.status_code == 201
    volunteer_id = created.json()["id"]
    hours = client.post(f"{base}/hours/", {"volunteer": volunteer_id, "date": TODAY().isoformat(), "hours": "2",
                                            "activity": "Concert"}, content_type="application/json", headers=headers)  # fmt: skip
    assert hours.status_code == 201 and hours.json()["value"] == "40.00"
    listed = client.get(f"{base}/hours/?volunteer={volunteer_id}", headers=headers).json()
    assert [row["activity"] for row in listed] == ["Concert"]
    assert client.get(f"{base}/volunteers/{volunteer_id}/", headers=headers).json()["name_latin"] == "Karim"
    updated = client.put(f"{base}/volunteers/{volunteer_id}/", {"name_latin": "Karim B."},
                         content_type="application/json", headers=headers)  # fmt: skip
    assert updated.status_code == 200 and updated.json()["name_latin"] == "Karim B."


@pytest.mark.parametrize(
    ("endpoint", "payload", "field"),
    [
        ("hours", {"date": "2026-01-02", "hours": "-4", "activity": "x"}, "hours"),
        ("staff", {"name_latin": "S", "job_title": "x", "contract": "permanent", "starts_on": "2026-05-01",
                   "ends_on": "2026-04-01"}, "ends_on"),
        ("assets", {"name": "x", "value": "-1", "acquired_on": "2026-01-02", "acquisition": "bought"}, "value"),
        ("premises", {"name": "x", "kind": "owned", "starts_on": "2026-05-01", "ends_on": "2026-01-01"}, "ends_on"),
    ],
)  # fmt: skip
def test_api_bad_input_is_a_400_on_the_field_and_changes_nothing(tenant_a, endpoint, payload, field):
    from tests.test_isolation_sweep import snapshot

    client, headers, base = api(tenant_a)
    if endpoint == "hours":
        payload = {**payload, "volunteer": tenant_a.volunteer.pk}
    before = snapshot(tenant_a.association)
    response = client.post(f"{base}/{endpoint}/", payload, content_type="application/json",
                           headers={**headers, "Accept-Language": "fr"})  # fmt: skip
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"] and error["message"] != ""
    after = snapshot(tenant_a.association)
    before.pop("associations.AuditEvent", None), after.pop("associations.AuditEvent", None)
    assert after == before


def test_api_writes_need_resources_manage(tenant_a):
    client = Client()
    client.force_login(tenant_a.member)
    base = f"/api/v1/associations/{tenant_a.association.slug}/resources"
    assert client.get(f"{base}/volunteers/").status_code == 403
    assert client.post(f"{base}/assets/", {}, content_type="application/json").status_code == 403


def test_api_lists_staff_assets_and_premises(tenant_a):
    client, headers, base = api(tenant_a)
    assert client.get(f"{base}/staff/", headers=headers).json()[0]["job_title"] == "Coordinator"
    assert client.get(f"{base}/assets/?acquisition=donated", headers=headers).json()[0]["value"] == "100.00"
    assert client.get(f"{base}/premises/", headers=headers).json()[0]["documents"] == 1
    assert client.get(f"{base}/assets/?state=bogus", headers=headers).status_code == 400


# --- The ministry's figures --------------------------------------------------------------------


def test_figures_suppress_small_cells(tenant_a):
    found = figures.resources_figures()
    assert found.volunteers is None and found.hours is None and found.staff is None  # 1 of each: too few
    assert found.associations_reporting == 1


def test_figures_show_counts_from_five_people(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        with association_scope(tenant.association):
            for number in range(2):
                volunteer = services.volunteer_save(actor=tenant.president, name_latin=f"P{number}")
                services.hours_record(actor=tenant.president, volunteer_id=volunteer.pk, day=TODAY(), hours="2",
                                      activity="x")  # fmt: skip
    found = figures.resources_figures()
    assert (
        found.volunteers == 6 and found.hours == Decimal("14.00") and found.valued_hours == Decimal("280.00")
    )
    assert found.associations_reporting == 2
    assert found.staff is None  # 2 staff members: suppressed
    assert all(value is None or value >= 5 for value in found.volunteers_by_region.values())


def test_the_home_card_counts_this_year(tenant_a):
    body = (
        client_of(tenant_a.president)
        .get(reverse("associations:dashboard", kwargs={"association_slug": tenant_a.association.slug}))
        .content.decode()
    )
    assert "Hours given this year" in body


def test_a_volunteering_member_sees_their_hours_in_the_portal(tenant_a):
    from members import services as member_services
    from members.models import Member

    with association_scope(tenant_a.association):
        row = member_services.member_admit(
            actor=tenant_a.president,
            first_name_latin="Self",
            last_name_latin="Helper",
            email="self@example.ma",
        )
        Member.objects.filter(pk=row.pk).update(user=tenant_a.member)
        volunteer = services.volunteer_save(actor=tenant_a.president, member_id=row.pk)
        services.hours_record(
            actor=tenant_a.president, volunteer_id=volunteer.pk, day=TODAY(), hours="2.5", activity="x"
        )
    response = client_of(tenant_a.member).get(
        reverse("members:my", kwargs={"association_slug": tenant_a.association.slug})
    )
    body = response.content.decode()
    assert "My volunteering" in body and "2.50" in body


def test_the_demo_seeder_is_idempotent(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from associations.models import Association

    with association_scope(Association.objects.get(acronym="AADE")):
        assert Volunteer.objects.count() == 4 and Asset.objects.count() == 3
