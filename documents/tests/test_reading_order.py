"""Numbers, references and addresses keep their order inside right-to-left documents (pdftotext
gives the text in reading order, each run as it was laid out)."""

import shutil
import subprocess

import pytest

from associations.tenancy import association_scope
from documents import services
from documents.models import Document

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def certificate_text(tenant, *, language: str, address: str, president: str = "Amina Tazi") -> str:
    snapshot = {
        "association": {"name_ar": "جمعية الأمل", "name_fr": "Association Al Amal", "acronym": "AADE",
                        "legal_status": "provisional", "provisional_receipt_number": "RP-2015-112",
                        "region_ar": "جهة الدار البيضاء سطات", "region_fr": "Casablanca-Settat",
                        "province_ar": "الدار البيضاء", "province_fr": "Casablanca", "address": address,
                        "founded_on": "2009-05-02"},
        "presidents": [president], "issued_on": "2026-11-29", "issuer": president,
    }  # fmt: skip
    with association_scope(tenant.association):
        document = Document(
            kind="association_certificate", language=language, title="t", snapshot=snapshot, token=f"tok-{language}"
        )
        return pdf_text(services.document_pdf_bytes(document))


@needs_pdftotext
def test_a_latin_address_keeps_its_number_first_in_an_arabic_certificate(tenant_a):
    text = certificate_text(tenant_a, language="ar", address="12 rue Ibn Batouta, Casablanca")
    assert "12 rue Ibn Batouta, Casablanca" in text  # was "rue Ibn Batouta, Casablanca 12"
    assert "RP-2015-112" in text


def test_free_text_takes_the_direction_of_its_script():
    """What the certificate template does for an address or a name, since WeasyPrint ignores
    dir="auto": the first letter decides, as a browser would; digits and signs alone are left to right."""
    from associations.formatting import text_direction

    assert text_direction("12 rue Ibn Batouta, Casablanca") == "ltr"
    assert text_direction("12 شارع الحسن الثاني، فاس") == "rtl"
    assert text_direction("« ١٢ » شارع") == "rtl"
    assert text_direction("06 12 34 56 78") == "ltr"
    assert text_direction("") == "ltr"
