"""/receipt/<signature>/: the payer's signed link to a receipt's PDF (finance/receipt_links.py).

Public (no account, no workspace): the signature is the key. A link that is not genuine, or names
a receipt that does not exist, is a 404; a genuine link past its validity a 403; a link withdrawn by
the treasurer a 410. None of these pages says anything about the receipt or the association. The
link of a cancelled receipt says so (410), with the number of the cancellation receipt and its link.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from finance.receipt_links import (
    ReceiptCancelled,
    ReceiptLinkExpired,
    ReceiptLinkInvalid,
    ReceiptWithdrawn,
    receipt_link_read,
    receipt_pdf_of_link,
)

REFUSED = "finance/receipt_link_refused.html"


@require_GET
def receipt_by_link(request: HttpRequest, receipt_signature: str) -> HttpResponse:
    try:
        link = receipt_link_read(receipt_signature)
    except ReceiptLinkExpired:
        return render(request, REFUSED, {"expired": True}, status=403)
    except ReceiptLinkInvalid:
        return render(request, REFUSED, {"expired": False}, status=404)
    pdf = receipt_pdf_of_link(link)
    if pdf is None:
        return render(request, REFUSED, {"expired": False}, status=404)
    if isinstance(pdf, ReceiptWithdrawn):
        return render(request, REFUSED, {"withdrawn": True}, status=410)
    if isinstance(pdf, ReceiptCancelled):
        return render(request, REFUSED, {"cancelled": pdf}, status=410)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{pdf.label}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    return response
