"""The payer's link to a receipt's PDF: signed, expiring, and usable without an account.

A payer who is not a member (a donor, a funder, a parent) has no portal to download the receipt
from; the e-mail or SMS that sends the receipt carries this link instead. The link names the
association and the receipt and is signed with the project's secret key and a salt of its own
(`django.core.signing`), with its time of signing: nobody can make one for another receipt or
another association, and it stops working after `WASL_RECEIPT_LINK_DAYS` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from associations.links import absolute_url

SALT = "wasl.finance.receipt-pdf"


class ReceiptLinkExpired(Exception):
    """A genuine link, too old."""


class ReceiptLinkInvalid(Exception):
    """Not a link Wasl made (tampered, truncated or made up)."""


@dataclass(frozen=True)
class ReceiptLink:
    association_id: int
    receipt_id: int


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def receipt_link_max_age() -> timedelta:
    return timedelta(days=settings.WASL_RECEIPT_LINK_DAYS)


def receipt_link_signature(*, association_id: int, receipt_id: int) -> str:
    return _signer().sign(f"{int(association_id)}.{int(receipt_id)}")


def receipt_link_url(*, association_id: int, receipt_id: int) -> str:
    """The absolute link to send to the payer."""
    signature = receipt_link_signature(association_id=association_id, receipt_id=receipt_id)
    return absolute_url(reverse("receipt_link", kwargs={"receipt_signature": signature}))


def receipt_link_read(signature: str) -> ReceiptLink:
    """The association and receipt a link names; raises ReceiptLinkInvalid or ReceiptLinkExpired."""
    if not signature or len(signature) > 200:
        raise ReceiptLinkInvalid()
    try:
        value = _signer().unsign(signature, max_age=receipt_link_max_age())
    except signing.SignatureExpired as exc:
        raise ReceiptLinkExpired() from exc
    except signing.BadSignature as exc:
        raise ReceiptLinkInvalid() from exc
    association_id, _sep, receipt_id = value.partition(".")
    if not (association_id.isdigit() and receipt_id.isdigit()):
        raise ReceiptLinkInvalid()
    return ReceiptLink(association_id=int(association_id), receipt_id=int(receipt_id))


@dataclass(frozen=True)
class ReceiptPdf:
    label: str
    content: bytes


def receipt_pdf_of_link(link: ReceiptLink) -> ReceiptPdf | None:
    """The PDF of the receipt a valid link names, read in the scope of the association the link
    was signed for (a receipt of any other association is not found there). The stored file once
    rendered; before that, rendered now from its frozen snapshot. None when there is no such
    receipt, or its association is no longer active."""
    from associations.models import Association
    from associations.tenancy import association_scope
    from documents.files import private_storage
    from documents.services import document_pdf_bytes
    from finance.models import Receipt

    if not Association.objects.filter(pk=link.association_id, is_active=True).exists():
        return None
    with association_scope(link.association_id):
        receipt = Receipt.objects.select_related("document", "fiscal_year").filter(pk=link.receipt_id).first()
        if receipt is None or receipt.document is None:
            return None
        document = receipt.document
        if document.file:
            with private_storage().open(document.file, "rb") as handle:
                content = handle.read()
        else:
            content = document_pdf_bytes(document)
        return ReceiptPdf(label=receipt.label, content=content)
