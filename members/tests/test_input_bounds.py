"""Input the register refuses and output it neutralises (issue 7, item 15): direction overrides in
names, dates out of any sensible range, and another association's category id."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from members import services
from members.models import MemberCategory


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def officer(tenant):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant.president)
    return client


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
