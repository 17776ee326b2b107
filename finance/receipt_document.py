"""The receipt as a kind of document: a bilingual PDF with the amount in words and a QR code to
/verify/ (registered from finance/contributions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.kinds import DocumentKind, register_document_kind


def receipt_printed_facts(snapshot: dict) -> list[tuple[str, str]]:
    """What /verify/<token> may show of a receipt: number, amount and date, never the payer."""
    return [
        (_("Receipt number"), snapshot.get("number", "")),
        (_("Amount (MAD)"), snapshot.get("amount", "")),
        (_("Date"), snapshot.get("issued_on", "")),
    ]


FINANCE_RECEIPT = register_document_kind(
    DocumentKind(
        key="finance_receipt",
        label=_("Receipt"),
        template="finance/pdf/receipt.html",
        printed_facts=receipt_printed_facts,
        describe=lambda snapshot: f"{snapshot.get('number', '')} {snapshot.get('payer', '')}".strip(),
    )
)
