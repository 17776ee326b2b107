"""Impersonation: a new association is unverified until an operator checks its declaration receipt;
the directory, its public pages and every document check say so; look-alike names warn the person
registering and are flagged to operators."""

import importlib
import re
import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations import services
from associations.errors import WaslError
from associations.models import Association, AuditEvent, Province, Region, Sector
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, UserFactory
from associations.text import name_key
from documents import services as document_services
from members import services as member_services

AL_AMAL_AR = "جمعية الأمل للتنمية والتربية"
AL_AMAL_FR = "Association Al Amal pour le développement et l'éducation"


def register_form(**overrides):
    region = Region.objects.get(code="MA-06")
    data = {
        "name_ar": AL_AMAL_AR,
        "name_fr": AL_AMAL_FR,
        "acronym": "AADE",
        "legal_status": "declared",
        "region": region.pk,
        "province": Province.objects.get(region=region, name_fr="Casablanca").pk,
        "sector": Sector.objects.get(code="ICNPO-02").pk,
        "reach": "local",
        "ga_notice_days": 15,
        "ga_quorum_percent": 50,
        "board_term_years": 3,
        "max_proxies_per_holder": 1,
        "fiscal_year_start_month": 1,
    }
    data.update(overrides)
    return data


@pytest.fixture
def al_amal(db):
    """The genuine association, on the platform and verified."""
    return AssociationFactory(
        slug="al-amal",
        name_ar=AL_AMAL_AR,
        name_fr=AL_AMAL_FR,
        acronym="AADE",
        legal_status="final",
        final_receipt_number="RF-2009-0481",
    )


def register_impostor(actor=None, **values):
    region = Region.objects.get(code="MA-06")
    return services.association_register(
        actor=actor or UserFactory(),
        name_ar=values.pop("name_ar", AL_AMAL_AR),
        name_fr=values.pop("name_fr", AL_AMAL_FR),
        region=region,
        province=Province.objects.get(region=region, name_fr="Casablanca"),
        sector=Sector.objects.get(code="ICNPO-02"),
        **values,
    )


# --- Names that read the same ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (AL_AMAL_FR, "ASSOCIATION AL-AMAL pour le Developpement et l’Education"),
        (AL_AMAL_FR, "association  al amal, développement & éducation"),
        (AL_AMAL_AR, "جمعيه امل للتنميه و التربيه"),
        (AL_AMAL_AR, "جَمعيّة الأمَل للتنمية والتربية"),
    ],
)
def test_look_alike_names_share_a_key(one, other):
    assert name_key(one) == name_key(other) != ""


def test_different_names_and_generic_words_alone_do_not(db):
    assert name_key(AL_AMAL_FR) != name_key("Association Annour pour le développement")
    assert name_key("Association") == name_key("جمعية") == ""


def test_registering_a_look_alike_is_refused_until_confirmed(al_amal):
    with pytest.raises(WaslError) as refused:
        register_impostor(name_ar="جمعيه امل للتنميه و التربيه", name_fr="Something else entirely")
    assert refused.value.code == "similar_name" and AL_AMAL_FR in refused.value.message
    assert Association.objects.count() == 1
    impostor = register_impostor(confirm_similar_name=True)
    assert not impostor.is_verified
    with association_scope(impostor):
        event = AuditEvent.objects.get(action="associations.association.registered")
    assert event.changes["similar_to"] == ["al-amal"]


def test_the_registration_page_warns_and_asks_to_confirm(client, al_amal):
    client.force_login(UserFactory())
    response = client.post(reverse("associations:register"), register_form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "An association with a similar name already exists" in body
    assert 'name="confirm_similar_name"' in body
    assert Association.objects.count() == 1
    response = client.post(reverse("associations:register"), register_form(confirm_similar_name="on"))
    assert response.status_code == 302
    assert Association.objects.filter(name_fr=AL_AMAL_FR, verified_at=None).count() == 1


def test_a_distinct_name_registers_without_a_question(client, al_amal):
    client.force_login(UserFactory())
    data = register_form(name_ar="جمعية النور", name_fr="Association Annour", acronym="AN")
    assert client.post(reverse("associations:register"), data).status_code == 302


def test_the_cli_refuses_a_look_alike_unless_told(al_amal):
    UserFactory(email="cli@example.ma")
    args = ["association_create", "--name-ar", AL_AMAL_AR, "--name-fr", "Autre", "--region", "MA-06",
            "--province", "Casablanca", "--sector", "ICNPO-02", "--president", "cli@example.ma"]  # fmt: skip
    with pytest.raises(CommandError, match="similar name"):
        call_command(*args)
    call_command(*args, "--confirm-similar-name")
    assert Association.objects.filter(name_fr="Autre").exists()


# --- Unverified, visibly ----------------------------------------------------------------------


def test_a_new_association_is_unverified_and_the_directory_says_so(client, al_amal):
    impostor = register_impostor(confirm_similar_name=True)
    body = client.get("/").content.decode()
    assert body.count("badge-unverified") == 1 and body.count("badge-verified") == 1
    # Same names: the verified association comes first, its look-alike after it.
    assert body.index("badge-verified") < body.index("badge-unverified")
    assert impostor.verified_at is None


def test_the_directory_says_unverified_in_arabic(al_amal):
    register_impostor(confirm_similar_name=True)
    body = Client(headers={"Accept-Language": "ar"}).get("/").content.decode()
    with translation.override("ar"):
        assert translation.gettext("Unverified") in body


def test_the_public_api_profile_says_whether_verified(client, al_amal):
    impostor = register_impostor(confirm_similar_name=True)
    assert client.get(f"/api/v1/associations/{al_amal.slug}/").json()["verified"] is True
    assert client.get(f"/api/v1/associations/{impostor.slug}/").json()["verified"] is False


def test_the_join_page_of_an_unverified_association_warns(client, al_amal):
    actor = UserFactory()
    impostor = register_impostor(actor=actor, confirm_similar_name=True)
    for association in (al_amal, impostor):
        with association_scope(association):
            member_services.membership_settings_update(actor=actor, join_form_open=True)
    join = client.get(reverse("join", kwargs={"association_slug": impostor.slug})).content.decode()
    assert "Unverified association." in join
    genuine = client.get(reverse("join", kwargs={"association_slug": al_amal.slug})).content.decode()
    assert "Unverified association." not in genuine


def issue_certificate(association, actor, capture):
    with association_scope(association), translation.override("en"), capture(execute=True):
        document = document_services.association_certificate_issue(actor=actor)
    with association_scope(association):
        document.refresh_from_db()
    return document


def test_a_certificate_of_an_unverified_association_says_so_when_checked(
    client, al_amal, django_capture_on_commit_callbacks
):
    actor = UserFactory()
    impostor = register_impostor(actor=actor, confirm_similar_name=True)
    document = issue_certificate(impostor, actor, django_capture_on_commit_callbacks)
    assert document.snapshot["issuer_verified"] is False
    body = client.get(f"/verify/{document.token}").content.decode()
    assert "issued through Wasl by an unverified association" in body
    assert "is valid" not in body
    # Once an operator has checked its receipt, the same document checks as valid.
    Association.objects.filter(pk=impostor.pk).update(provisional_receipt_number="RP-1")
    services.association_verify(actor=UserFactory(is_staff=True), association_id=impostor.pk)
    body = client.get(f"/verify/{document.token}").content.decode()
    assert "is valid" in body and "unverified association" not in body


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_of_an_unverified_association_carries_the_notice(al_amal, django_capture_on_commit_callbacks):
    from documents.files import private_storage
    from documents.tests.test_documents import pdf_text

    actor = UserFactory()
    impostor = register_impostor(actor=actor, confirm_similar_name=True)
    unverified = issue_certificate(impostor, actor, django_capture_on_commit_callbacks)
    genuine = issue_certificate(al_amal, actor, django_capture_on_commit_callbacks)
    text = " ".join(pdf_text(private_storage().open(unverified.file).read()).split())
    assert "Wasl had not verified this association" in text
    text = " ".join(pdf_text(private_storage().open(genuine.file).read()).split())
    assert "Wasl had not verified" not in text


# --- Operators verify -----------------------------------------------------------------------


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, is_superuser=True, email="operator@wasl.ma")


def test_the_admin_action_marks_verified_with_who_when_and_an_audit_event(client, operator, al_amal):
    impostor = register_impostor(confirm_similar_name=True, legal_status="provisional",
                                 provisional_receipt_number="RP-2026-7")  # fmt: skip
    client.force_login(operator)
    response = client.post(
        "/admin/associations/association/", {"action": "mark_verified", "_selected_action": [impostor.pk]}
    )
    assert response.status_code == 302
    impostor.refresh_from_db()
    assert impostor.verified_by == operator and impostor.verified_at is not None
    with association_scope(impostor):
        event = AuditEvent.objects.get(action="associations.association.verified")
    assert event.actor == operator and event.changes["receipt_number"] == "RP-2026-7"


def test_an_association_without_a_receipt_number_cannot_be_verified(client, operator, al_amal):
    impostor = register_impostor(confirm_similar_name=True)
    client.force_login(operator)
    response = client.post(
        "/admin/associations/association/",
        {"action": "mark_verified", "_selected_action": [impostor.pk]},
        follow=True,
    )
    assert "Record the number of the declaration receipt" in response.content.decode()
    impostor.refresh_from_db()
    assert impostor.verified_at is None


def test_the_admin_flags_look_alike_names(client, operator, al_amal):
    other = AssociationFactory(name_fr="Club des jeunes", name_ar="نادي الشباب")
    impostor = register_impostor(confirm_similar_name=True)
    client.force_login(operator)
    # The queue: unverified associations that resemble another (the genuine, verified one is not in it).
    flagged = client.get("/admin/associations/association/", {"similar": "yes"}).content.decode()
    assert f"/admin/associations/association/{impostor.pk}/change/" in flagged
    assert f"/admin/associations/association/{al_amal.pk}/change/" not in flagged
    assert f"/admin/associations/association/{other.pk}/change/" not in flagged
    everyone = client.get("/admin/associations/association/").content.decode()
    flags = re.findall(r'<td class="field-similar_name">(.*?)</td>', everyone, re.S)
    assert sum('alt="True"' in cell for cell in flags) == 2  # the column flags both look-alikes
    unverified = client.get("/admin/associations/association/", {"verified": "no"}).content.decode()
    assert f"/{impostor.pk}/change/" in unverified and f"/{al_amal.pk}/change/" not in unverified
    detail = client.get(f"/admin/associations/association/{impostor.pk}/change/").content.decode()
    assert f"/admin/associations/association/{al_amal.pk}/change/" in detail  # listed as look-alike


def test_the_admin_withdraws_a_verification_with_a_reason(client, operator, al_amal):
    client.force_login(operator)
    changelist = "/admin/associations/association/"
    asked = client.post(changelist, {"action": "withdraw_verification", "_selected_action": [al_amal.pk]})
    assert asked.status_code == 200 and "Reason" in asked.content.decode()
    al_amal.refresh_from_db()
    assert al_amal.verified_at is not None  # nothing happens until the reason is given
    client.post(changelist, {"action": "withdraw_verification", "_selected_action": [al_amal.pk],
                             "apply": "1", "reason": "receipt belongs to another association"})  # fmt: skip
    al_amal.refresh_from_db()
    assert al_amal.verified_at is None
    with association_scope(al_amal):
        event = AuditEvent.objects.get(action="associations.association.unverified")
    assert event.changes == {"reason": "receipt belongs to another association"}


def test_renaming_a_verified_association_undoes_the_verification(tenant_a):
    association = tenant_a.association
    assert association.is_verified
    with association_scope(association):
        services.association_update(actor=tenant_a.president, association=association, ga_notice_days=20)
        association.refresh_from_db()
        assert association.is_verified  # statutory settings are not what the receipt attests
        services.association_update(actor=tenant_a.president, association=association, name_fr=AL_AMAL_FR)
        association.refresh_from_db()
        assert not association.is_verified and association.name_fr_key == name_key(AL_AMAL_FR)
        event = AuditEvent.objects.filter(action="associations.association.updated").order_by("-seq").first()
    assert event.changes["verified"] == {"from": True, "to": False}


def test_the_settings_page_says_when_a_change_undoes_the_verification(client, tenant_a):
    from associations.tests.test_onboarding import form_data

    association = tenant_a.association
    client.force_login(tenant_a.president)
    path = reverse("associations:settings", kwargs={"association_slug": association.slug})
    page = client.get(path).content.decode()
    assert "Declaration receipt checked by Wasl on" in page
    data = form_data(association.region, association.province, name_ar=association.name_ar)
    response = client.post(path, data, follow=True)
    assert "shows as unverified until Wasl checks its declaration receipt again" in response.content.decode()
    association.refresh_from_db()
    assert not association.is_verified


def test_existing_associations_migrate_as_verified_with_their_keys(db):
    association = AssociationFactory(verified_at=None, name_ar_key="", name_fr_key="", name_fr=AL_AMAL_FR)
    migration = importlib.import_module(
        "associations.migrations.0006_existing_associations_verified_and_keyed"
    )
    migration.forwards(apps, None)
    association.refresh_from_db()
    assert association.verified_at is not None and association.verified_by is None
    assert association.name_fr_key == name_key(AL_AMAL_FR)
    assert association.name_ar_key == name_key(association.name_ar)


@pytest.mark.parametrize("text", [AL_AMAL_AR, AL_AMAL_FR, "Association des Amis de l'Environnement de Fès",
                                  "تعاونية تيفاوين للثقافة الأمازيغية", "ASS. ÉLAN—Jeunes_d'Agadir"])  # fmt: skip
def test_the_migration_key_is_the_same_function(text):
    migration = importlib.import_module(
        "associations.migrations.0006_existing_associations_verified_and_keyed"
    )
    assert migration._name_key(text) == name_key(text)


def test_the_demo_shows_associations_with_receipts_verified(db):
    call_command("seed_demo")
    verified = dict(Association.objects.values_list("acronym", "verified_at"))
    assert verified["AADE"] is not None and verified["AAEF"] is not None
    assert verified["ATCA"] is None  # declared, no receipt yet
