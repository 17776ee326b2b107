"""Input the register refuses and output it neutralises (issue 7, item 15): direction overrides in
names, dates out of any sensible range, and another association's category id."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from members import services
from members.importing import guess_mapping, import_members, read_table
from members.models import Member, MemberCategory

RLO = "\u202e"
BIDI_FORMATTING = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def officer(tenant):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant.president)
    return client


def api(tenant):
    return Client(headers={"Authorization": f"Bearer {tenant.access_token_raw}", "Accept-Language": "en"})


def members_api(tenant):
    return f"/api/v1/associations/{tenant.association.slug}/members/"


# --- Direction overrides (U+202E and the other embedding, override and isolate controls) --------


@pytest.mark.parametrize("control", list(BIDI_FORMATTING))
def test_names_with_direction_controls_are_refused(tenant_a, control):
    with association_scope(tenant_a.association), pytest.raises(WaslError) as refused:
        services.member_admit(actor=tenant_a.president, first_name_latin="Ahmed",
                              last_name_latin=f"Alaoui{control}exe.gnp")  # fmt: skip
    assert refused.value.field == "last_name_latin" and "direction" in refused.value.message


def test_direction_controls_are_refused_by_form_api_and_import(tenant_a):
    form = officer(tenant_a).post(url(tenant_a, "members:create"), {
        "first_name_latin": "Ahmed", "last_name_latin": "Alaoui", "address": f"12 rue {RLO}ABC",
        "join_date": "2024-01-01"})  # fmt: skip
    assert form.status_code == 200 and "change the direction" in form.content.decode()
    created = api(tenant_a).post(members_api(tenant_a), {"first_name_latin": f"{RLO}Ahmed", "last_name_latin": "A"},
                                 content_type="application/json")  # fmt: skip
    assert created.status_code == 400 and "first_name_latin" in created.json()["error"]["fields"]
    with association_scope(tenant_a.association):
        table = read_table(f"Nom;Prénom\nAlaoui;Ah{RLO}med\n".encode())
        report = import_members(
            actor=tenant_a.president, table=table, mapping=guess_mapping(table.headers), dry_run=True
        )
    assert report.error_count == 1
    with association_scope(tenant_a.association):
        assert not Member.objects.filter(last_name_latin="Alaoui").exists()


def test_directional_marks_are_dropped_from_names(tenant_a):
    with association_scope(tenant_a.association):
        member = services.member_admit(actor=tenant_a.president, first_name_ar="\u200fأحمد",
                                       last_name_ar="العلوي\u200e", first_name_latin="A", last_name_latin="B")  # fmt: skip
    assert (member.first_name_ar, member.last_name_ar) == ("أحمد", "العلوي")


def test_category_and_association_names_refuse_direction_controls(tenant_a):
    with association_scope(tenant_a.association), pytest.raises(WaslError) as refused:
        services.category_save(actor=tenant_a.president, name_ar="عضو", name_fr=f"Actif{RLO}", annual_dues=0)
    assert refused.value.field == "name_fr"
    from associations import services as association_services

    with association_scope(tenant_a.association), pytest.raises(WaslError) as refused:
        association_services.association_update(
            actor=tenant_a.president, association=tenant_a.association, name_fr=f"Al Amal{RLO}"
        )
    assert refused.value.field == "name_fr"


def plant_override(tenant):
    """Older data, saved before the check existed."""
    with association_scope(tenant.association):
        Member.objects.filter(pk=tenant.member_row.pk).update(
            last_name_latin=f"Member{RLO}gnp.exe", address=f"\u2067Rue {RLO}9"
        )


def test_csv_and_xlsx_exports_strip_direction_controls(tenant_a, django_capture_on_commit_callbacks):
    from members.tests.test_transfer import export_rows

    plant_override(tenant_a)
    client = officer(tenant_a)
    rows = export_rows(client, tenant_a, django_capture_on_commit_callbacks, "csv")
    content = "".join("".join(row) for row in rows)
    assert any("Membergnp.exe" in row for row in rows)
    assert not any(c in content for c in BIDI_FORMATTING)
    rows = export_rows(client, tenant_a, django_capture_on_commit_callbacks, "xlsx")
    cells = [str(value) for row in rows for value in row if value is not None]
    assert "Membergnp.exe" in cells and not any(ch in "".join(cells) for ch in BIDI_FORMATTING)


def test_pages_keep_names_isolated(tenant_a):
    plant_override(tenant_a)
    client = officer(tenant_a)
    member = tenant_a.member_row
    name = f"Hidden Member{RLO}gnp.exe"
    for page in (url(tenant_a, "members:list"), url(tenant_a, "members:detail", member_id=member.pk),
                 url(tenant_a, "members:status", member_id=member.pk)):  # fmt: skip
        assert f"<bdi>{name}</bdi>" in client.get(page).content.decode(), page


def test_join_page_isolates_the_association_name(client, tenant_a):
    with association_scope(tenant_a.association):
        services.membership_settings_update(actor=tenant_a.president, join_form_open=True)
    from associations.models import Association

    Association.objects.filter(pk=tenant_a.association.pk).update(
        name_fr=f"Al Amal{RLO}", name_ar=f"الأمل{RLO}"
    )
    page = client.get(
        reverse("join", kwargs={"association_slug": tenant_a.association.slug})
    ).content.decode()
    assert f"Apply to join <bdi>Al Amal{RLO}</bdi>" in page


def test_claim_email_strips_direction_controls(tenant_a, mailoutbox, django_capture_on_commit_callbacks):
    from associations.models import Association

    Association.objects.filter(pk=tenant_a.association.pk).update(
        name_fr=f"Al Amal{RLO}x", name_ar=f"الأمل{RLO}"
    )
    with association_scope(tenant_a.association), django_capture_on_commit_callbacks(execute=True):
        services.member_claim_create(actor=tenant_a.president, member_id=tenant_a.member_row.pk)
    assert mailoutbox and not any(c in mailoutbox[-1].body for c in BIDI_FORMATTING)


# --- Dates ---------------------------------------------------------------------------------------


def test_api_refuses_a_join_date_of_year_one(tenant_a):
    created = api(tenant_a).post(members_api(tenant_a), {"first_name_latin": "Old", "last_name_latin": "Date",
                                 "join_date": "0001-01-01"}, content_type="application/json")  # fmt: skip
    assert created.status_code == 400
    assert created.json()["error"]["fields"]["join_date"] == ["The join date is too far in the past."]
    patched = api(tenant_a).patch(f"{members_api(tenant_a)}{tenant_a.member_row.pk}/", {"join_date": "1899-12-31"},
                                  content_type="application/json")  # fmt: skip
    assert patched.status_code == 400 and "join_date" in patched.json()["error"]["fields"]
    with association_scope(tenant_a.association):
        assert not Member.objects.filter(last_name_latin="Date").exists()
        assert Member.objects.get(pk=tenant_a.member_row.pk).join_date.year > 1899


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"join_date": "1850-05-01"}, "join_date"),
        ({"join_date": "2999-01-01"}, "join_date"),
        ({"birth_date": "0001-01-01"}, "birth_date"),
        ({"birth_date": "2010-01-01", "join_date": "2005-01-01"}, "join_date"),
    ],
)
def test_form_refuses_dates_out_of_range(tenant_a, values, field):
    form = {"first_name_latin": "Out", "last_name_latin": "Range", "join_date": "2020-01-01", **values}
    response = officer(tenant_a).post(url(tenant_a, "members:create"), form)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    with association_scope(tenant_a.association):
        assert not Member.objects.filter(last_name_latin="Range").exists()


def test_import_refuses_a_join_date_out_of_range(tenant_a):
    with association_scope(tenant_a.association):
        table = read_table("Nom;Prénom;Date d'adhésion\nAlaoui;Karim;01/01/1850\n".encode())
        report = import_members(
            actor=tenant_a.president, table=table, mapping=guess_mapping(table.headers), dry_run=True
        )
    assert report.error_count == 1 and "too far in the past" in report.errors[0].message


def test_status_dates_are_bounded(tenant_a):
    status_url = f"{members_api(tenant_a)}{tenant_a.member_row.pk}/status/"
    refused = api(tenant_a).post(status_url, {"to_status": "suspended", "reason": "x", "effective_on": "0001-01-01"},
                                 content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "effective_on" in refused.json()["error"]["fields"]


# --- Another association's category --------------------------------------------------------------


@pytest.fixture
def category_of_b(tenant_b):
    with association_scope(tenant_b.association):
        return services.category_save(
            actor=tenant_b.president, name_ar="فئة", name_fr="Honoraire B", annual_dues=0
        )


def category_names(tenant):
    with association_scope(tenant.association):
        return sorted(MemberCategory.objects.values_list("name_fr", flat=True))


def test_a_category_form_with_another_associations_id_is_a_404_and_creates_nothing(
    tenant_a, tenant_b, category_of_b
):
    client = officer(tenant_a)
    before_a, before_b = category_names(tenant_a), category_names(tenant_b)
    form = {"category_id": str(category_of_b.pk), "name_ar": "مخترق", "name_fr": "Hijacked", "annual_dues": "10",
            "position": "0", "is_active": "on"}  # fmt: skip
    assert client.post(url(tenant_a, "members:categories"), form).status_code == 404
    assert client.get(url(tenant_a, "members:categories"), {"edit": category_of_b.pk}).status_code == 404
    assert client.post(url(tenant_a, "members:categories"), {**form, "category_id": "abc"}).status_code == 404
    assert (category_names(tenant_a), category_names(tenant_b)) == (before_a, before_b)
    # Without an id, the same form creates a category in A, as before.
    del form["category_id"]
    assert client.post(url(tenant_a, "members:categories"), form).status_code == 302
    assert category_names(tenant_a) == sorted([*before_a, "Hijacked"])


# --- The list's filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("status=", "status"),
        ("category=abc", "category"),
        ("category=1&category=2", "category"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
    ],
)
def test_api_list_refuses_invalid_filters_instead_of_ignoring_them(tenant_a, query, field):
    response = api(tenant_a).get(f"{members_api(tenant_a)}?{query}")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_api_list_filters_still_work(tenant_a):
    found = api(tenant_a).get(members_api(tenant_a), {"status": "active", "page_size": 500, "q": "x" * 300})
    assert found.status_code == 200 and found.json()["results"] == []  # q is cut to 100 characters
    everyone = api(tenant_a).get(members_api(tenant_a), {"status": "active"}).json()["results"]
    assert [m["id"] for m in everyone] == [tenant_a.member_row.pk]


def test_api_list_page_size_above_the_maximum_is_the_maximum(tenant_a):
    for size in ("100000000000000", "9" * 5000):
        response = api(tenant_a).get(members_api(tenant_a), {"page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == 1
