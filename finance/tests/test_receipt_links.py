"""The payer's signed link to a receipt's PDF: sent in the receipt's message, opens the PDF without
an account, refused when tampered with, expired, or naming a receipt of another association."""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from finance.models import Receipt
from finance.receipt_links import SALT, ReceiptLink, receipt_link_read, receipt_link_signature
from finance.services.payments import payment_record
from finance.tests.dues_helpers import year
from finance.tests.helpers import account
from notifications.models import Message

DAY = date(2025, 6, 10)


def _path(link: str) -> str:
    return urlsplit(link).path


def _link(association_id: int, receipt_id: int) -> str:
    return reverse("receipt_link", kwargs={"receipt_signature": receipt_link_signature(
        association_id=association_id, receipt_id=receipt_id)})  # fmt: skip


@pytest.mark.django_db
def test_a_non_member_payer_gets_the_pdf_by_the_link_in_the_message(books):
    _association, treasurer = books
    year(date(2025, 1, 1), date(2025, 12, 31))
    payment = payment_record(
        actor=treasurer, amount="250.00", method="cash", date=DAY, payer_name="Karim Donor",
        payer_email="karim@example.ma", purpose="Gift for the library",
        credit_account_id=account("7171").pk, series="donations",
    )  # fmt: skip
    receipt = payment.receipts.get()
    message = Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}")
    link = message.context["link"]
    assert "/receipt/" in link and "/verify/" in message.context["verify_link"]
    from notifications.services import render_message

    _subject, body = render_message(message)
    assert link in body

    response = Client().get(_path(link))  # anonymous: no account, no workspace
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    assert receipt.label in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_an_sms_payer_gets_the_same_link(books):
    _association, treasurer = books
    year(date(2025, 1, 1), date(2025, 12, 31))
    payment = payment_record(
        actor=treasurer, amount="30", method="cash", date=DAY, payer_name="Sara", payer_phone="0612345678",
        purpose="Gift", credit_account_id=account("7171").pk, series="donations",
    )  # fmt: skip
    receipt = payment.receipts.get()
    message = Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}")
    from notifications.services import render_message

    assert message.channel == "sms"
    signature = _path(message.context["link"]).strip("/").rsplit("/", 1)[-1]
    assert receipt_link_read(signature) == ReceiptLink(
        association_id=receipt.association_id, receipt_id=receipt.pk
    )
    assert message.context["link"] in render_message(message)[1]


def test_a_tampered_expired_or_foreign_link_is_refused(tenant_a, tenant_b):
    a, b = tenant_a.association, tenant_b.association
    client = Client(headers={"Accept-Language": "fr"})
    # A's genuine link works.
    with association_scope(b):
        label_b = tenant_b.receipt.label
    good = _link(a.pk, tenant_a.receipt.pk)
    assert client.get(good).status_code == 200

    # One character changed in the signature: not genuine.
    head, last = good[:-2], good[-2]
    tampered = head + ("A" if last != "A" else "B") + "/"
    refused = client.get(tampered)
    assert refused.status_code == 404
    assert "Ce lien vers un reçu n’est pas valide.".encode() in refused.content
    assert b"%PDF" not in refused.content
    # The id swapped for B's receipt under A's signature: not genuine either.
    value = f"{a.pk}.{tenant_b.receipt.pk}"
    swapped = good.replace(f"/{a.pk}.{tenant_a.receipt.pk}:", f"/{value}:")
    assert swapped != good and client.get(swapped).status_code == 404
    # A genuine link naming A with B's receipt (as if A's link were bent to B's): not found in A.
    crossed = client.get(_link(a.pk, tenant_b.receipt.pk))
    assert crossed.status_code == 404 and b"%PDF" not in crossed.content
    for secret in tenant_b.secrets:
        assert secret.encode() not in crossed.content
    # B's own link fetches B's receipt only.
    own_b = client.get(_link(b.pk, tenant_b.receipt.pk))
    assert own_b.status_code == 200 and f"receipt-{label_b}".encode() in (
        own_b["Content-Disposition"].encode()
    )
    # Signed with the project's key but another salt (another feature's signature): refused.
    other_salt = signing.TimestampSigner(salt="another.feature").sign(f"{a.pk}.{tenant_a.receipt.pk}")
    assert client.get(reverse("receipt_link", kwargs={"receipt_signature": other_salt})).status_code == 404
    # Made up.
    assert client.get(reverse("receipt_link", kwargs={"receipt_signature": "1.1"})).status_code == 404

    # Genuine but older than WASL_RECEIPT_LINK_DAYS (90): refused, with its own page.
    class Signed100DaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 100 * 86400)

    old = Signed100DaysAgo(salt=SALT).sign(f"{a.pk}.{tenant_a.receipt.pk}")
    expired = client.get(reverse("receipt_link", kwargs={"receipt_signature": old}))
    assert expired.status_code == 403
    assert "Ce lien vers un reçu a expiré.".encode() in expired.content
    assert b"%PDF" not in expired.content

    # 80 days old is still within the validity.
    class Signed80DaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 80 * 86400)

    recent = Signed80DaysAgo(salt=SALT).sign(f"{a.pk}.{tenant_a.receipt.pk}")
    assert client.get(reverse("receipt_link", kwargs={"receipt_signature": recent})).status_code == 200


def _gift(treasurer, **payer):
    payment = payment_record(
        actor=treasurer, amount="40.00", method="cash", date=DAY, payer_name="Karim Donor",
        purpose="Gift", credit_account_id=account("7171").pk, series="donations", **payer,
    )  # fmt: skip
    return payment.receipts.get()


def _resends(receipt) -> list:
    return list(Message.objects.filter(dedup_key__startswith=f"finance.receipt:{receipt.pk}:resend:"))


@pytest.mark.django_db
def test_withdrawn_links_stop_working_and_a_resend_gives_a_new_one(books):
    from associations.models import AuditEvent
    from finance.services.receipts import receipt_links_withdraw, receipt_resend

    _association, treasurer = books
    year(date(2025, 1, 1), date(2025, 12, 31))
    receipt = _gift(treasurer, payer_email="karim@example.ma")
    first = _path(Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}").context["link"])
    client = Client(headers={"Accept-Language": "fr"})
    assert client.get(first).status_code == 200

    receipt_links_withdraw(actor=treasurer, receipt_id=receipt.pk)
    refused = client.get(first)
    assert refused.status_code == 410 and b"%PDF" not in refused.content
    assert "L’association a retiré ce lien vers un reçu.".encode() in refused.content

    receipt_resend(actor=treasurer, receipt_id=receipt.pk)
    (resent,) = _resends(receipt)
    assert resent.to_address == "karim@example.ma"
    second = _path(resent.context["link"])
    assert second != first
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 410
    # A second click the same day is refused and queues nothing more.
    with pytest.raises(WaslError):
        receipt_resend(actor=treasurer, receipt_id=receipt.pk)
    assert len(_resends(receipt)) == 1
    actions = set(AuditEvent.objects.filter(target_id=str(receipt.pk)).values_list("action", flat=True))
    assert {"finance.receipt.links_withdrawn", "finance.receipt.resent"} <= actions


@pytest.mark.django_db
def test_a_resend_without_an_address_is_refused_and_queues_nothing(books):
    from finance.services.receipts import receipt_resend

    _association, treasurer = books
    year(date(2025, 1, 1), date(2025, 12, 31))
    receipt = _gift(treasurer)
    with pytest.raises(WaslError) as refused:
        receipt_resend(actor=treasurer, receipt_id=receipt.pk)
    assert "no e-mail address or phone" in str(refused.value.message)
    assert not Message.objects.filter(dedup_key__startswith=f"finance.receipt:{receipt.pk}").exists()


@pytest.mark.django_db
def test_a_cancelled_receipts_link_says_so_and_leads_to_the_cancellation(books):
    from finance.services.receipts import receipt_cancel

    _association, treasurer = books
    year(date(2025, 1, 1), date(2025, 12, 31))
    receipt = _gift(treasurer, payer_email="karim@example.ma")
    link = _path(Message.objects.get(dedup_key=f"finance.receipt:{receipt.pk}").context["link"])
    cancellation = receipt_cancel(actor=treasurer, receipt_id=receipt.pk, reason="Wrong payer", day=DAY)
    client = Client(headers={"Accept-Language": "fr"})
    answer = client.get(link)
    assert answer.status_code == 410 and b"%PDF" not in answer.content
    text = answer.content.decode()
    assert f"Le reçu {receipt.label} a été annulé." in text.replace("\u202f", " ")
    assert cancellation.label in text
    # The page's link gives the cancellation receipt's PDF.
    import re

    cancellation_link = re.search(r'href="([^"]*/receipt/[^"]+)"', text).group(1)
    pdf = client.get(_path(cancellation_link))
    assert pdf.status_code == 200 and cancellation.label in pdf["Content-Disposition"]


def test_the_receipt_page_resends_and_withdraws_for_the_treasurer_only(tenant_a):
    from associations.models import AuditEvent

    receipt = tenant_a.receipt
    page = reverse(
        "dues:receipt", kwargs={"association_slug": tenant_a.association.slug, "receipt_id": receipt.pk}
    )
    withdraw = reverse(
        "dues:receipt_links_withdraw",
        kwargs={"association_slug": tenant_a.association.slug, "receipt_id": receipt.pk},
    )
    member = Client()
    member.force_login(tenant_a.member)
    assert member.post(withdraw, {"confirm": "yes"}).status_code in (403, 404)
    treasurer = Client(headers={"Accept-Language": "en"})
    treasurer.force_login(tenant_a.treasurer)
    # The confirmation page changes nothing; only its form (confirm=yes) withdraws.
    assert treasurer.get(withdraw).status_code == 200
    assert treasurer.post(withdraw, {}).status_code == 200
    with association_scope(tenant_a.association):
        assert Receipt.objects.get(pk=receipt.pk).link_version == 0
    done = treasurer.post(withdraw, {"confirm": "yes"}, follow=True)
    assert done.status_code == 200 and "no longer work" in done.content.decode()
    with association_scope(tenant_a.association):
        assert Receipt.objects.get(pk=receipt.pk).link_version == 1
        assert AuditEvent.objects.filter(action="finance.receipt.links_withdrawn").count() == 1
    # Its payer gave no address: the resend is refused with a message, nothing queued.
    resend = reverse(
        "dues:receipt_resend",
        kwargs={"association_slug": tenant_a.association.slug, "receipt_id": receipt.pk},
    )
    answer = treasurer.post(resend, follow=True)
    assert "no e-mail address or phone" in answer.content.decode()
    assert treasurer.get(resend).status_code == 405
    assert treasurer.get(page).status_code == 200
