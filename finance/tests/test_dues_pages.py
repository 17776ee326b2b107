"""The pages of dues, payments and receipts: each answers in ar/fr/en, a payment is recorded
only after its confirmation, a receipt is cancelled after its confirmation, the member list's
"owes dues" filter, the member page and the portal show the standing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from finance.models import Due, Payment, Receipt


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def login(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_page_answers_in_each_language(tenant_a, language):
    client = login(tenant_a.treasurer, language)
    pages = [
        url(tenant_a, "dues:list"),
        url(tenant_a, "dues:list") + "?state=owing",
        url(tenant_a, "dues:schedule"),
        url(tenant_a, "dues:payment_new"),
        url(tenant_a, "dues:receipts"),
        url(tenant_a, "dues:receipt", receipt_id=tenant_a.receipt.pk),
        url(tenant_a, "dues:receipt_cancel", receipt_id=tenant_a.receipt.pk),
        url(tenant_a, "dues:receipt_links_withdraw", receipt_id=tenant_a.receipt.pk),
        url(tenant_a, "dues:waive", due_id=tenant_a.due.pk),
        url(tenant_a, "members:detail", member_id=tenant_a.member_row.pk),
        url(tenant_a, "members:list") + "?only=owes_dues",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'lang="{language}"'.encode() in response.content


def test_a_payment_is_recorded_after_its_confirmation(tenant_a):
    client = login(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        Due.objects.filter(pk=tenant_a.due.pk).update(paid=0)
        number = tenant_a.member_row.number
    data = {
        "payer_number": number,
        "amount": "60",
        "method": "cash",
        "date": tenant_a.fiscal_year.start_date.isoformat(),
    }
    with association_scope(tenant_a.association):
        before = Payment.objects.count()  # the fixture's (dues, a gift, a grant instalment)
    preview = client.post(url(tenant_a, "dues:payment_new"), data)
    assert preview.status_code == 200 and b"Check and record" in preview.content
    with association_scope(tenant_a.association):
        assert Payment.objects.count() == before  # the preview wrote nothing
    done = client.post(url(tenant_a, "dues:payment_new"), {**data, "confirm": "yes"})
    assert done.status_code == 302
    with association_scope(tenant_a.association):
        assert Payment.objects.count() == before + 1
        assert Due.objects.get(pk=tenant_a.due.pk).paid == 60
    bad = client.post(url(tenant_a, "dues:payment_new"), {**data, "amount": "-3", "confirm": "yes"})
    assert bad.status_code == 200 and b"cannot be negative" in bad.content
    cheque = client.post(url(tenant_a, "dues:payment_new"), {**data, "method": "cheque", "confirm": "yes"})
    assert b"cheque" in cheque.content.lower()
    with association_scope(tenant_a.association):
        assert Payment.objects.count() == before + 1  # the bad ones changed nothing


def test_a_receipt_is_cancelled_after_its_confirmation_and_once(tenant_a):
    client = login(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        before = Receipt.objects.count()
    page = url(tenant_a, "dues:receipt_cancel", receipt_id=tenant_a.receipt.pk)
    assert client.post(page, {"reason": ""}).status_code == 200
    response = client.post(page, {"reason": "wrong payer", "confirm": "yes"})
    assert response.status_code == 302
    again = client.post(page, {"reason": "again", "confirm": "yes"})
    assert again.status_code == 200 and b"already been cancelled" in again.content
    with association_scope(tenant_a.association):
        assert Receipt.objects.count() == before + 1  # the cancellation receipt, once


def test_owes_dues_filter_and_standing(tenant_a):
    client = login(tenant_a.treasurer)
    with association_scope(tenant_a.association):
        Due.objects.filter(pk=tenant_a.due.pk).update(paid=0)
    listed = client.get(url(tenant_a, "members:list") + "?only=owes_dues")
    assert tenant_a.member_row.last_name_latin.encode() in listed.content
    with association_scope(tenant_a.association):
        Due.objects.filter(pk=tenant_a.due.pk).update(paid=100)
    listed = client.get(url(tenant_a, "members:list") + "?only=owes_dues")
    assert tenant_a.member_row.last_name_latin.encode() not in listed.content
    detail = client.get(url(tenant_a, "members:detail", member_id=tenant_a.member_row.pk))
    assert b"Up to date with the dues." in detail.content


def test_a_plain_member_cannot_record_payments(tenant_a):
    client = login(tenant_a.member)
    assert client.get(url(tenant_a, "dues:payment_new")).status_code == 403
    assert client.get(url(tenant_a, "dues:receipt_cancel", receipt_id=tenant_a.receipt.pk)).status_code == 403
    assert client.get(url(tenant_a, "dues:waive", due_id=tenant_a.due.pk)).status_code == 403


def _api(tenant, user=None):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user or tenant.treasurer)
    return client


def test_api_payment_with_allocation_standing_and_receipts(tenant_a):
    client = _api(tenant_a)
    base = f"/api/v1/associations/{tenant_a.association.slug}/finance/"
    with association_scope(tenant_a.association):
        Due.objects.filter(pk=tenant_a.due.pk).update(paid=0)
    standing = client.get(f"{base}members/{tenant_a.member_row.pk}/standing/")
    assert standing.status_code == 200 and standing.json()["owed"] == "100.00"
    created = client.post(
        f"{base}payments/",
        {
            "amount": "100.00",
            "method": "cash",
            "date": tenant_a.fiscal_year.start_date.isoformat(),
            "payer_member": tenant_a.member_row.pk,
            "allocations": [{"due": tenant_a.due.pk, "amount": "100.00"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["allocations"] == [{"due": tenant_a.due.pk, "amount": "100.00"}]
    assert client.get(f"{base}members/{tenant_a.member_row.pk}/standing/").json()["up_to_date"] is True
    bad = client.post(
        f"{base}payments/",
        {"amount": "-1", "method": "cash", "date": "2025-01-01", "payer_member": tenant_a.member_row.pk},
        format="json",
    )
    assert bad.status_code == 400
    receipts = client.get(f"{base}receipts/")
    with association_scope(tenant_a.association):
        issued = Receipt.objects.count()  # the fixture's and the one just issued
    assert receipts.status_code == 200 and len(receipts.json()["results"]) == issued
    assert client.get(f"{base}dues/?owing=true").status_code == 200
    assert (
        client.get(f"{base}receipts/{tenant_a.receipt.pk}/pdf/").status_code == 404
    )  # not rendered in tests


def test_api_of_another_association_is_a_404(tenant_a, tenant_b):
    client = _api(tenant_b)
    base = f"/api/v1/associations/{tenant_b.association.slug}/finance/"
    assert client.get(f"{base}members/{tenant_a.member_row.pk}/standing/").status_code == 404
    assert client.get(f"{base}receipts/{tenant_a.receipt.pk}/pdf/").status_code == 404
