"""Registering an association (web and CLI), editing it, and the public directory."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.models import Association, AuditEvent, Invitation, Province, Region, Role, Sector
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory


@pytest.fixture
def casablanca(db):
    region = Region.objects.get(code="MA-06")
    return region, Province.objects.get(region=region, name_fr="Casablanca")


def form_data(region, province, **overrides):
    data = {
        "name_ar": "جمعية النور",
        "name_fr": "Association Annour",
        "acronym": "AN",
        "legal_status": "final",
        "final_receipt_number": "RF-77",
        "final_receipt_date": "2020-01-15",
        "region": region.pk,
        "province": province.pk,
        "sector": Sector.objects.get(code="ICNPO-04").pk,
        "reach": "local",
        "address": "Derb Sultan",
        "founded_on": "2019-12-01",
        "ga_notice_days": 15,
        "ga_quorum_percent": 50,
        "board_term_years": 4,
        "max_proxies_per_holder": 2,
        "fiscal_year_start_month": 7,
    }
    data.update(overrides)
    return data


def test_reference_data_is_complete(db):
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75
    assert Sector.objects.count() == 12
    assert Province.objects.filter(kind="prefecture").exists()


def test_registering_makes_the_creator_president(client, casablanca):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("associations:register"), form_data(*casablanca))
    association = Association.objects.get(name_fr="Association Annour")
    assert response["Location"] == f"/a/{association.slug}/"
    assert association.fiscal_year_start_month == 7 and association.board_term_years == 4
    with association_scope(association):
        assert Role.objects.get().user == user and Role.objects.get().kind == RoleKind.PRESIDENT
        actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["associations.association.registered", "associations.role.granted"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name_ar": ""}, "name_ar", "required"),
        ({"founded_on": "2999-01-01"}, "founded_on", "future"),
        ({"final_receipt_number": ""}, "final_receipt_number", "final receipt number"),
        ({"ga_quorum_percent": 150}, "ga_quorum_percent", "less than or equal to 100"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month", "valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_saved(
    client, casablanca, overrides, field, message
):
    client.force_login(UserFactory())
    response = client.post(reverse("associations:register"), form_data(*casablanca, **overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Association.objects.filter(name_fr="Association Annour").exists()


def test_province_must_belong_to_the_region(client, casablanca):
    region, _ = casablanca
    fes = Province.objects.get(name_fr="Fès")
    client.force_login(UserFactory())
    response = client.post(reverse("associations:register"), form_data(region, fes))
    assert response.status_code == 200
    assert not Association.objects.filter(name_fr="Association Annour").exists()


def test_province_options_follow_the_region(client, db):
    region = Region.objects.get(code="MA-03")
    body = client.get(reverse("associations:province_options"), {"region": region.pk}).content.decode()
    assert "Fès" in body and "Casablanca" not in body
    assert client.get(reverse("associations:province_options"), {"region": "x"}).status_code == 200


def test_anonymous_cannot_register(client, db):
    response = client.get(reverse("associations:register"))
    assert response.status_code == 302


def test_settings_update_is_audited_with_changed_values(client, tenant_a):
    client.force_login(tenant_a.president)
    association = tenant_a.association
    data = form_data(association.region, association.province, name_fr="Nouveau nom", ga_notice_days=21)
    url = reverse("associations:settings", kwargs={"association_slug": association.slug})
    assert client.post(url, data).status_code == 302
    association.refresh_from_db()
    assert association.ga_notice_days == 21
    with association_scope(association):
        event = AuditEvent.objects.filter(action="associations.association.updated").get()
    assert event.changes["ga_notice_days"] == {"from": 15, "to": 21}
    client.force_login(tenant_a.treasurer)
    assert client.post(url, data).status_code == 403


def test_cli_creates_an_association_with_an_existing_president(db):
    president = UserFactory(email="cli@example.ma")
    call_command(
        "association_create",
        "--name-ar",
        "جمعية الواحة",
        "--name-fr",
        "Association Al Waha",
        "--region",
        "MA-09",
        "--province",
        "Tiznit",
        "--sector",
        "ICNPO-05",
        "--president",
        "cli@example.ma",
    )
    association = Association.objects.get(name_fr="Association Al Waha")
    assert association.province.name_fr == "Tiznit"
    with association_scope(association):
        assert Role.objects.get().user == president


def test_cli_invites_an_unknown_president_and_refuses_bad_input(db):
    operator = UserFactory(email="operator@example.ma")
    call_command(
        "association_create",
        "--name-ar",
        "جمعية",
        "--name-fr",
        "Association X",
        "--region",
        "MA-01",
        "--province",
        "Tétouan",
        "--sector",
        "ICNPO-01",
        "--president",
        "new@example.ma",
        "--operator",
        operator.email,
    )
    association = Association.objects.get(name_fr="Association X")
    with association_scope(association):
        assert Invitation.objects.get().kind == RoleKind.PRESIDENT
    with pytest.raises(CommandError, match="Unknown province"):
        call_command(
            "association_create",
            "--name-ar",
            "ج",
            "--name-fr",
            "Y",
            "--region",
            "MA-01",
            "--province",
            "Fès",
            "--sector",
            "ICNPO-01",
            "--president",
            operator.email,
        )


def test_directory_searches_arabic_and_latin_and_filters(client, db):
    AssociationFactory(name_ar="جمعية الأمل", name_fr="Association Al Amal de Fès", acronym="AAF")
    AssociationFactory(
        name_ar="نادي الشباب",
        name_fr="Club des jeunes",
        acronym="CJ",
        sector=Sector.objects.get(code="ICNPO-01"),
        region=Region.objects.get(code="MA-01"),
    )
    # Regenerate search text the way the service does.
    from associations.text import normalise_for_search

    for a in Association.objects.all():
        Association.objects.filter(pk=a.pk).update(
            search_text=normalise_for_search(f"{a.name_ar} {a.name_fr} {a.acronym}")
        )

    def names(**params):
        return [a.name_fr for a in client.get("/", params).context["page"]]

    assert names(q="الامل") == ["Association Al Amal de Fès"]  # hamza folded
    assert names(q="FES") == ["Association Al Amal de Fès"]  # accent and case folded
    assert names(region="MA-01") == ["Club des jeunes"]
    assert names(sector="ICNPO-01") == ["Club des jeunes"]
    assert names(q="nothing-like-this") == []
    assert client.get("/", {"q": "x", "region": "MA-99"}).status_code == 200


def test_directory_shows_public_facts_only(client, tenant_a):
    body = client.get("/").content.decode()
    assert tenant_a.association.name_fr in body
    for secret in tenant_a.secrets:
        assert secret not in body


def test_directory_query_count_does_not_grow(client, db):
    for _ in range(3):
        AssociationFactory()
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(15):
        AssociationFactory()
    client.get("/")  # the directory's count is cached: recounted once after a change
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few) <= 8


def test_cli_is_all_or_nothing(db):
    operator = UserFactory(email="op2@example.ma")
    with pytest.raises(CommandError, match="email"):
        call_command(
            "association_create", "--name-ar", "جمعية", "--name-fr", "Association Z", "--region", "MA-01",
            "--province", "Tétouan", "--sector", "ICNPO-01", "--president", "not-an-email",
            "--operator", operator.email,
        )  # fmt: skip
    assert not Association.objects.filter(name_fr="Association Z").exists()


def test_province_options_ignore_odd_region_ids(client, db):
    for value in ("²", "99999999999999999999", "-1"):
        assert client.get(reverse("associations:province_options"), {"region": value}).status_code == 200
