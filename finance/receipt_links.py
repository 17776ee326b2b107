"""The payer's link to a receipt's PDF: signed, expiring, and usable without an account.

A payer who is not a member (a donor, a funder, a parent) has no portal to download the receipt
from; the e-mail or SMS that sends the receipt carries this link instead. The link names the
association and the receipt and is signed with the project's secret key and a salt of its own
(`django.core.signing`), with its time of signing: nobody can make one for another receipt or
another association, and it stops working after `WASL_RECEIPT_LINK_DAYS` days.

A treasurer can withdraw the links of one receipt (sent to a wrong address, say): the link also names
the receipt's `link_version`, which withdrawing bumps, so every link sent before stops working while
the receipt stays. A new link can then be sent. Links of version 0 carry no version (the form of the
links sent before versions existed, which stay valid). A cancelled receipt's link no longer gives its
PDF: it says the receipt was cancelled and by which receipt.
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
    version: int = 0


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def receipt_link_max_age() -> timedelta:
    return timedelta(days=settings.WASL_RECEIPT_LINK_DAYS)


def receipt_link_signature(*, association_id: int, receipt_id: int, version: int = 0) -> str:
    value = f"{int(association_id)}.{int(receipt_id)}"
    if version:
        value += f".{int(version)}"
    return _signer().sign(value)


def receipt_link_url(*, association_id: int, receipt_id: int, version: int = 0) -> str:
    """The absolute link to send to the payer."""
    signature = receipt_link_signature(association_id=association_id, receipt_id=receipt_id, version=version)
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
    parts = value.split(".")
    if len(parts) == 2:
        parts.append("0")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ReceiptLinkInvalid()
    association_id, receipt_id, version = (int(part) for part in parts)
    return ReceiptLink(association_id=association_id, receipt_id=receipt_id, version=version)


@dataclass(frozen=True)
class ReceiptPdf:
    label: str
    content: bytes


@dataclass(frozen=True)
class ReceiptWithdrawn:
    """The receipt's links were withdrawn after this one was sent."""


@dataclass(frozen=True)
class ReceiptCancelled:
    """The receipt was cancelled: what the payer is told instead of the PDF, with a link to the
    cancellation receipt."""

    label: str
    cancellation_label: str
    cancelled_on: object
    cancellation_link: str


def receipt_pdf_of_link(link: ReceiptLink) -> ReceiptPdf | ReceiptWithdrawn | ReceiptCancelled | None:
    """The PDF of the receipt a valid link names, read in the scope of the association the link
    was signed for (a receipt of any other association is not found there). The stored file once
    rendered; before that, rendered now from its frozen snapshot. None when there is no such
    receipt, or its association is no longer active; `ReceiptWithdrawn` when the receipt's links
    were withdrawn since; `ReceiptCancelled` when it was cancelled."""
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
        if receipt.link_version != link.version:
            return ReceiptWithdrawn()
        cancellation = Receipt.objects.select_related("fiscal_year").filter(cancels=receipt).first()
        if cancellation is not None:
            return ReceiptCancelled(
                label=receipt.label,
                cancellation_label=cancellation.label,
                cancelled_on=cancellation.issued_on,
                cancellation_link=receipt_link_url(
                    association_id=link.association_id,
                    receipt_id=cancellation.pk,
                    version=cancellation.link_version,
                ),
            )
        document = receipt.document
        if document.file:
            with private_storage().open(document.file, "rb") as handle:
                content = handle.read()
        else:
            content = document_pdf_bytes(document)
        return ReceiptPdf(label=receipt.label, content=content)
