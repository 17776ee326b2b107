"""Compliance lists: associations late with their declarations or assemblies, for ministry
reviewers only, by region and province, a page at a time, with public facts only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.capabilities import RoleKind
from associations.models import Province, Region
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory
from governance.models import Assembly, AssemblyStatus, Declaration
from ministry import compliance
from ministry.models import ExportRecord
from ministry.rollup import rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(email="reviewer@interieur.gov.ma", is_ministry_reviewer=True)


def late_declaration(association, user, *, days_late=10):
    due = timezone.localdate() - timedelta(days=days_late)
    with association_scope(association):
        Declaration.objects.create(
            kind="bureau", changed_on=due - timedelta(days=30), due_on=due, opened_by=user
        )


def recent_assembly(association, user):
    when = timezone.now() - timedelta(days=20)
    with association_scope(association):
        Assembly.objects.create(
            title="AG", status=AssemblyStatus.CLOSED, first_call_at=when, opened_at=when, created_by=user
        )


@pytest.fixture
def places():
    casa = Region.objects.get(code="MA-06")
    first, second = Province.objects.filter(region=casa).order_by("pk")[:2]
    other = Region.objects.exclude(code="MA-06").order_by("code").first()
    return casa, first, second, other


@pytest.fixture
def late(places):
    """Three associations late with a declaration (two provinces of one region, and another region),
    one on time; every one holds its assemblies except the last of the late ones."""
    casa, first, second, other = places
    user = UserFactory()
    found = {
        "first": AssociationFactory(region=casa, province=first, name_fr="Late First"),
        "second": AssociationFactory(region=casa, province=second, name_fr="Late Second"),
        "other": AssociationFactory(
            region=other, province=Province.objects.filter(region=other).first(), name_fr="Late Other"
        ),
        "fine": AssociationFactory(region=casa, province=first, name_fr="On Time"),
    }
    for key in ("first", "second", "other"):
        late_declaration(found[key], user)
    for key in ("first", "second", "fine"):
        recent_assembly(found[key], user)
    rebuild()
    return found


def page(client, **params):
    response = client.get(reverse("ministry:compliance"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reviewer_sees_the_associations_late_with_a_declaration(client, reviewer, late):
    client.force_login(reviewer)
    html = page(client, list="bureau_declarations")
    for key in ("first", "second", "other"):
        assert late[key].name_fr in html or late[key].name_ar in html
    assert late["fine"].name_ar not in html and late["fine"].name_fr not in html
    assert late["first"].province.name in html and late["first"].sector.name in html


def test_the_lists_filter_by_region_and_province(client, reviewer, late, places):
    casa, _first, second, other = places
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    html = page(client, list="bureau_declarations", region=casa.code)
    assert "Late First" in html and "Late Second" in html and "Late Other" not in html
    html = page(client, list="bureau_declarations", region=casa.code, province=second.pk)
    assert "Late Second" in html and "Late First" not in html
    # A province of another region than the chosen one is ignored, not mixed in.
    html = page(client, list="bureau_declarations", region=other.code, province=second.pk)
    assert "Late Other" in html and "Late Second" not in html
    assert compliance.associations_on("bureau_declarations", 2000, region=casa.code).count() == 2


def test_the_late_assembly_list_shows_who_held_none_recently(client, reviewer, late):
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    html = page(client, list="assemblies")
    assert "Late Other" in html
    assert "Late First" not in html and "On Time" not in html


def test_a_list_is_shown_a_page_at_a_time(client, reviewer, late, monkeypatch):
    monkeypatch.setattr(compliance, "PAGE_SIZE", 2)
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    first_page = page(client, list="bureau_declarations")
    second_page = page(client, list="bureau_declarations", page=2)
    names = ["Late First", "Late Second", "Late Other"]
    assert sum(name in first_page for name in names) == 2
    assert sum(name in second_page for name in names) == 1
    assert not any(name in first_page and name in second_page for name in names)
    assert "page=2" in first_page


def test_the_export_follows_the_filters_and_is_recorded(client, reviewer, late, places):
    casa, _first, second, _other = places
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    url = reverse("ministry:export_compliance", args=["bureau_declarations", "csv"])
    body = client.get(url, {"region": casa.code, "province": second.pk}).content.decode()
    assert "Late Second" in body and "Late First" not in body and "Late Other" not in body
    record = ExportRecord.objects.get(user=reviewer, kind="compliance:bureau_declarations")
    assert record.params["province"] == str(second.pk)


@pytest.mark.parametrize("who", ["officer_of_a_late_association", "plain_user"])
def test_someone_who_is_not_a_reviewer_gets_404(client, late, who):
    user = UserFactory()
    if who == "officer_of_a_late_association":
        RoleFactory(association=late["first"], user=user, kind=RoleKind.PRESIDENT)
    client.force_login(user)
    assert client.get(reverse("ministry:compliance"), {"list": "bureau_declarations"}).status_code == 404
    url = reverse("ministry:export_compliance", args=["bureau_declarations", "csv"])
    assert client.get(url).status_code == 404
    assert not ExportRecord.objects.exists()


def test_anonymous_is_sent_to_the_login_page(client, late):
    assert client.get(reverse("ministry:compliance")).status_code == 302


def test_a_late_sgg_declaration_lists_the_association_and_no_person(client, reviewer, tenant_a):
    """The fixture received foreign money at the start of its fiscal year and has not declared it."""
    declaration = tenant_a.foreign_declaration
    if declaration.due_on >= timezone.localdate():
        pytest.skip("the fixture's declaration is not due yet on this date")
    rebuild()
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    html = page(client, list="foreign_declarations")
    assert tenant_a.association.name_fr in html
    for secret in tenant_a.secrets:
        assert secret not in html


def test_every_export_kind_fits_its_column():
    """PostgreSQL refuses a value longer than the column (SQLite does not): every list and table key."""
    from ministry.selectors import BREAKDOWNS

    limit = ExportRecord._meta.get_field("kind").max_length
    kinds = [f"compliance:{key}" for key in compliance.COMPLIANCE_LISTS]
    kinds += [f"table:{key}" for key in ("areas", "trend", *BREAKDOWNS)]
    assert max(len(kind) for kind in kinds) <= limit
