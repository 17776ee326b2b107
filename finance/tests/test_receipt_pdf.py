"""The receipt's PDF: bilingual, read in the right order by pdftotext (Arabic amount in words,
receipt number, dates); a day's receipts as one PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from documents.services import document_pdf_bytes
from finance.services.payments import payment_record
from finance.services.receipts import receipts_of_day_pdf
from finance.tests.dues_helpers import due, member, year

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
DAY = date(2025, 6, 10)


def _text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, embedding marks removed and lines joined (a long
    amount in words may wrap)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.translate({0x202A: None, 0x202B: None, 0x202C: None}).split())


@pytest.fixture
def paid(books):
    _association, treasurer = books
    y2025 = year(date(2025, 1, 1), date(2025, 12, 31))
    amal = member(treasurer, "Amal", first_name_ar="أمل", last_name_ar="العلوي")
    due(amal, y2025, "1250.50", due_date=date(2025, 3, 31))
    payment = payment_record(actor=treasurer, amount="1250.50", method="cheque", cheque_number="778899",
                             bank_name="CIH", date=DAY, payer_member_id=amal.pk)  # fmt: skip
    return treasurer, payment


@needs_pdftotext
@pytest.mark.django_db
def test_the_receipt_reads_in_order(paid):
    _treasurer, payment = paid
    receipt = payment.receipts.get()
    pdf = document_pdf_bytes(receipt.document)
    text = _text(pdf)
    assert "C2025-00001" in text
    assert "ألف ومئتان وخمسون درهماً وخمسون سنتيماً" in text
    assert "mille deux cent cinquante dirhams et cinquante centimes" in text
    assert "2025-06-10" in text and "778899" in text and "1250.50" in text
    # Reading order: number, date, payer, amount, method, then the words in French and in Arabic.
    order = ("C2025-00001", "2025-06-10", "Amal", "1250.50", "778899", "mille deux cent", "ألف ومئتان")
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions), text


@needs_pdftotext
@pytest.mark.django_db
def test_a_days_receipts_as_one_pdf(paid):
    treasurer, _payment = paid
    other = member(treasurer, "Badr")
    payment_record(actor=treasurer, amount="20", method="cash", date=DAY, payer_member_id=other.pk)  # credit
    pdf = receipts_of_day_pdf(day=DAY)
    text = _text(pdf)
    assert "C2025-00001" in text and "C2025-00002" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # one page per receipt
