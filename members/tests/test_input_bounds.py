"""Input the register refuses and output it neutralises (issue 7, item 15): direction overrides in
names, dates out of any sensible range, and another association's category id."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from members import services
from members.importing import guess_mapping, import_members, read_table
from members.models import Member, MemberCategory


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
        report = import_members(actor=tenant_a.president, table=table, mapping=guess_mapping(table.headers), dry_run=True)
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
        return services.category_save(actor=tenant_b.president, name_ar="فئة", name_fr="Honoraire B", annual_dues=0)


def category_names(tenant):
    with association_scope(tenant.association):
        return sorted(MemberCategory.objects.values_list("name_fr", flat=True))


def test_a_category_form_with_another_associations_id_is_a_404_and_creates_nothing(tenant_a, tenant_b, category_of_b):
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
