"""A grant agreement changes after its creation (page and API), but never against the instalments
already received; a funder's contact e-mail receives the receipt of each instalment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from associations.capabilities import RoleKind
from associations.errors import WaslError
from associations.models import AuditEvent
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from finance import funding_selectors
from finance.models import FiscalYear, Funder, Grant, Receipt
from finance.services import funding as services
from finance.services.projects import project_save
from finance.services.receipts import receipt_cancel
from finance.tests.helpers import account
from notifications.models import Message

D = Decimal
DAY = date(2025, 3, 10)


@pytest.fixture
def officer(client, db):
    association = AssociationFactory(slug="grants", fiscal_year_start_month=1)
    treasurer = UserFactory(email="treasurer-grants@example.ma")
    RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER)
    with association_scope(association):
        FiscalYear.objects.get_or_create(
            start_date=date(2025, 1, 1), defaults={"end_date": date(2025, 12, 31)}
        )
    client.force_login(treasurer)
    return client, association, treasurer


def _received_grant(treasurer, *, email="", funder_type="commune"):
    """A grant of 1,000 MAD signed on 1 March, restricted to a project, with 400 received on 10 March."""
    funder = services.funder_create(
        actor=treasurer, name="Commune of Salé", funder_type=funder_type, email=email
    )
    project = project_save(actor=treasurer, code="P1", name_ar="مخيم", name_fr="Camp")
    grant = services.grant_create(
        actor=treasurer, funder_id=funder.pk, name="Summer camp", amount_granted="1000",
        signed_on=date(2025, 3, 1), project_id=project.pk,
    )  # fmt: skip
    instalment = services.instalment_record(
        actor=treasurer, grant_id=grant.pk, amount="400", received_on=DAY, account_id=account("5161").pk
    )
    return grant, instalment


def _state(grant_id):
    row = Grant.objects.get(pk=grant_id)
    return (row.name, row.funder_id, row.amount_granted, row.signed_on, row.project_id, row.reference)


CONTRADICTIONS = [
    ({"amount_granted": "399.99"}, "amount_granted", "400.00 MAD ont déjà été reçus"),
    ({"signed_on": date(2025, 3, 11)}, "signed_on", "10/03/2025"),
    ({"funder": "other"}, "funder", "le financeur ne peut donc pas changer"),
    ({"project": "other"}, "project", "ne peut pas changer"),
    ({"project": None}, "project", "ne peut pas changer"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field", "words"), CONTRADICTIONS)
def test_a_change_contradicting_the_instalments_is_refused_and_changes_nothing(officer, change, field, words):
    _client, association, treasurer = officer
    with association_scope(association):
        grant, _instalment = _received_grant(treasurer)
        other_funder = services.funder_create(actor=treasurer, name="Region", funder_type="commune")
        other_project = project_save(actor=treasurer, code="P2", name_ar="ب", name_fr="Autre")
        kwargs = {}
        for key, value in change.items():
            if key == "funder":
                kwargs["funder_id"] = other_funder.pk
            elif key == "project":
                kwargs["project_id"] = other_project.pk if value else None
            else:
                kwargs[key] = value
        before, events = _state(grant.pk), AuditEvent.objects.count()
        with translation.override("fr"), pytest.raises(WaslError) as refused:
            services.grant_update(actor=treasurer, grant_id=grant.pk, name="Renamed", **kwargs)
        assert refused.value.field == field
        assert words in refused.value.message
        assert _state(grant.pk) == before  # not even the name given with it
        assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_change_within_what_was_received_is_saved_and_audited(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        grant, _instalment = _received_grant(treasurer)
        services.grant_update(
            actor=treasurer, grant_id=grant.pk, name="Summer camp 2025", amount_granted="400.00",
            signed_on=date(2025, 3, 10), reference="CONV-7", purpose="Two weeks at the sea",
            funder_id=grant.funder_id, project_id=grant.project_id,
        )  # fmt: skip
        row = funding_selectors.grant_detail(grant.pk)
        assert (row.name, row.amount_granted, row.signed_on, row.reference, row.purpose) == (
            "Summer camp 2025", D("400.00"), date(2025, 3, 10), "CONV-7", "Two weeks at the sea",
        )  # fmt: skip
        event = AuditEvent.objects.filter(action="finance.grant.changed").get()
        assert event.changes["amount_granted"] == {"from": "1000.00", "to": "400.00"}
        assert set(event.changes["fields"]) == {"name", "amount_granted", "signed_on", "reference", "purpose"}
        # Nothing given: nothing changes, nothing is written.
        services.grant_update(actor=treasurer, grant_id=grant.pk, name="Summer camp 2025")
        assert AuditEvent.objects.filter(action="finance.grant.changed").count() == 1


@pytest.mark.django_db
def test_before_any_money_or_once_it_is_cancelled_the_funder_and_project_may_change(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        grant, instalment = _received_grant(treasurer)
        other = services.funder_create(actor=treasurer, name="INDH", funder_type="indh")
        with pytest.raises(WaslError):
            services.grant_update(actor=treasurer, grant_id=grant.pk, funder_id=other.pk)
        # The instalment's receipt is cancelled (its entry reversed): nothing stands received.
        receipt = Receipt.objects.get(payment=instalment.payment)
        receipt_cancel(actor=treasurer, receipt_id=receipt.pk, reason="wrong grant", day=DAY)
        assert funding_selectors.grant_detail(grant.pk).received == D("0.00")
        services.grant_update(
            actor=treasurer, grant_id=grant.pk, funder_id=other.pk, project_id=None, amount_granted="50"
        )
        row = Grant.objects.get(pk=grant.pk)
        assert (row.funder_id, row.project_id, row.amount_granted) == (other.pk, None, D("50.00"))


@pytest.mark.django_db
def test_the_edit_page_in_each_language_and_its_refusal(officer):
    client, association, treasurer = officer
    with association_scope(association):
        grant, _instalment = _received_grant(treasurer)
        before = _state(grant.pk)
        form = {
            "name": "Summer camp", "funder": str(grant.funder_id), "amount_granted": "100",
            "signed_on": "2025-03-01", "reference": "", "project": str(grant.project_id), "purpose": "",
        }  # fmt: skip
    page = reverse("funding:grant_edit", kwargs={"association_slug": association.slug, "grant_id": grant.pk})
    for language, direction in (("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")):
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'lang="{language}"'.encode() in response.content
        assert f'dir="{direction}"'.encode() in response.content
        assert b"style=" not in response.content
    refused = client.post(page, form, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400
    assert "400.00 MAD ont déjà été reçus".encode() in refused.content
    with association_scope(association):
        assert _state(grant.pk) == before
    saved = client.post(page, {**form, "amount_granted": "1500", "name": "Camp"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert saved.status_code == 302
    with association_scope(association):
        row = Grant.objects.get(pk=grant.pk)
        assert (row.name, row.amount_granted) == ("Camp", D("1500.00"))
    detail = reverse("funding:grant", kwargs={"association_slug": association.slug, "grant_id": grant.pk})
    assert page.encode() in client.get(detail).content  # the agreement's page links to its edit page


@pytest.mark.django_db
def test_the_api_changes_a_grant_and_refuses_a_contradiction(officer):
    client, association, treasurer = officer
    with association_scope(association):
        grant, _instalment = _received_grant(treasurer)
        before = _state(grant.pk)
    api = f"/api/v1/associations/{association.slug}/finance/grants/{grant.pk}/"
    bad = client.patch(api, {"amount_granted": "10.00", "name": "X"}, content_type="application/json")
    assert bad.status_code == 400
    assert "amount_granted" in bad.json()["error"]["fields"]
    not_text = client.patch(api, {"name": 12}, content_type="application/json")
    assert not_text.status_code == 400
    with association_scope(association):
        assert _state(grant.pk) == before
    done = client.patch(
        api, {"amount_granted": "2000.00", "reference": "C-9"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert (done.json()["amount_granted"], done.json()["reference"], done.json()["received"]) == (
        "2000.00", "C-9", "400.00",
    )  # fmt: skip
    with association_scope(association):
        assert Grant.objects.get(pk=grant.pk).name == "Summer camp"  # not sent, not changed


@pytest.mark.django_db
def test_an_instalment_receipt_goes_to_the_funders_contact_email(officer):
    _client, association, treasurer = officer
    with association_scope(association):
        _grant, instalment = _received_grant(treasurer, email="dons@commune-sale.ma")
        receipt = Receipt.objects.get(payment=instalment.payment)
        message = Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}")
        assert (message.channel, message.to_address) == ("email", "dons@commune-sale.ma")
        assert "/receipt/" in message.context["link"]
        assert receipt.sent_at is not None
        # A funder without an address: nothing queued, the receipt is printed from its page.
        silent = services.funder_create(actor=treasurer, name="Ministry", funder_type="ministry")
        quiet = services.grant_create(
            actor=treasurer, funder_id=silent.pk, name="Books", amount_granted="500"
        )
        later = services.instalment_record(
            actor=treasurer, grant_id=quiet.pk, amount="100", received_on=DAY, account_id=account("5161").pk
        )
        quiet_receipt = Receipt.objects.get(payment=later.payment)
        assert not Message.objects.filter(dedup_key=f"finance.receipt:{quiet_receipt.pk}").exists()
        assert quiet_receipt.sent_at is None


@pytest.mark.django_db
def test_a_funder_is_changed_its_email_checked_and_its_type_kept_to_its_account(officer):
    client, association, treasurer = officer
    with association_scope(association):
        grant, _instalment = _received_grant(treasurer)
        funder = Funder.objects.get(pk=grant.funder_id)
        with translation.override("fr"), pytest.raises(WaslError) as bad_email:
            services.funder_update(
                actor=treasurer,
                funder_id=funder.pk,
                name=funder.name,
                funder_type="commune",
                email="not-an-address",
            )
        assert bad_email.value.field == "email"
        # Money went to 71612 (communes): a ministry (71611) would contradict the entries.
        with pytest.raises(WaslError) as bad_type:
            services.funder_update(
                actor=treasurer, funder_id=funder.pk, name=funder.name, funder_type="ministry"
            )
        assert bad_type.value.field == "funder_type" and "71612" in bad_type.value.message
        assert Funder.objects.get(pk=funder.pk).funder_type == "commune"
        # A province is entered in the same account: allowed.
        services.funder_update(actor=treasurer, funder_id=funder.pk, name=funder.name, funder_type="province")
    page = reverse(
        "funding:funder_edit", kwargs={"association_slug": association.slug, "funder_id": funder.pk}
    )
    assert client.get(page, HTTP_ACCEPT_LANGUAGE="ar").status_code == 200
    saved = client.post(
        page,
        {
            "name": "Commune de Salé",
            "funder_type": "province",
            "email": "contact@sale.ma",
            "country": "",
            "notes": "",
        },
    )
    assert saved.status_code == 302
    with association_scope(association):
        row = Funder.objects.get(pk=funder.pk)
        assert (row.name, row.email, row.funder_type) == ("Commune de Salé", "contact@sale.ma", "province")
        assert AuditEvent.objects.filter(action="finance.funder.changed").count() == 2
