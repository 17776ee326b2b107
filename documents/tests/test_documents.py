"""PDF documents: the static-only fetcher, issue → render after commit, reading order of Arabic and
French text, deterministic re-rendering, the public verification page, private downloads."""

import hashlib
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations.errors import WaslError
from associations.tenancy import association_scope
from documents import services
from documents.files import private_storage, validate_upload
from documents.models import Document
from documents.pdf import StaticOnlyFetcher

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.com/a.png",
                                 "wasl-static:../config/settings/base.py", "ftp://x/y"])  # fmt: skip
def test_fetcher_refuses_the_file_system_and_the_network(url):
    with pytest.raises(ValueError, match=r"Refused|disallowed"):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_bundled_static_files():
    response = StaticOnlyFetcher().fetch("wasl-static:fonts/pdf/NotoSansArabic-Regular.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font


@needs_pdftotext
def test_rendering_never_touches_the_network_or_the_disk():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        html = (
            f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/evil.css">'
            f'<img src="http://127.0.0.1:{server.server_port}/pixel.png"><img src="file:///etc/hostname">'
            "<p>Hello</p>"
        )
        from weasyprint import HTML

        pdf = HTML(string=html, base_url="wasl-static:", url_fetcher=StaticOnlyFetcher()).write_pdf()
    finally:
        server.shutdown()
    assert hits == []
    assert "Hello" in pdf_text(pdf)


@pytest.fixture
def certificate(tenant_a, django_capture_on_commit_callbacks):
    with association_scope(tenant_a.association), translation.override("fr"):
        with django_capture_on_commit_callbacks(execute=True):
            document = services.association_certificate_issue(actor=tenant_a.president)
        document.refresh_from_db()
    return document


def test_issue_snapshots_then_renders_after_commit(tenant_a, certificate):
    assert certificate.status == Document.Status.READY
    assert certificate.snapshot["association"]["name_fr"] == tenant_a.association.name_fr
    content = private_storage().open(certificate.file).read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    assert certificate.file.startswith(f"associations/{tenant_a.association.pk}/documents/")


def test_issue_without_commit_renders_nothing(tenant_a):
    with association_scope(tenant_a.association):
        document = services.association_certificate_issue(actor=tenant_a.president)
        assert Document.objects.get(pk=document.pk).status == Document.Status.PENDING


@needs_pdftotext
def test_arabic_and_french_documents_read_in_order(tenant_a):
    snapshot = {
        "association": {"name_ar": "جمعية النور للتنمية", "name_fr": "Association Annour pour le développement",
                        "acronym": "AND", "legal_status": "final", "final_receipt_number": "RF-2021-0042",
                        "final_receipt_date": "2021-05-02", "region_ar": "جهة فاس مكناس", "region_fr": "Fès-Meknès",
                        "province_ar": "فاس", "province_fr": "Fès", "address": "", "founded_on": "2020-12-01"},
        "presidents": ["Amina Tazi"], "issued_on": "2026-11-29", "issuer": "Amina Tazi",
    }  # fmt: skip
    with association_scope(tenant_a.association):
        arabic = Document(
            kind="association_certificate", language="ar", title="t", snapshot=snapshot, token="tok-ar"
        )
        french = Document(
            kind="association_certificate", language="fr", title="t", snapshot=snapshot, token="tok-fr"
        )
        ar_text = pdf_text(services.document_pdf_bytes(arabic))
        fr_text = pdf_text(services.document_pdf_bytes(french))
    # French reads left to right, in the template's order.
    assert fr_text.index("Attestation") < fr_text.index("RF-2021-0042") < fr_text.index("Amina Tazi")
    assert "2 mai 2021" in fr_text
    # Arabic: the title, and the words of a line in reading order; the reference stays whole
    # (isolated with <bdi>) and the month is the Moroccan one.
    assert "شهادة" in ar_text
    line = next(line for line in ar_text.splitlines() if "النور" in line)
    assert line.index("جمعية") < line.index("النور") < line.index("للتنمية")
    assert "RF-2021-0042" in ar_text
    assert "ماي" in ar_text and "مايو" not in ar_text


@needs_pdftotext
def test_re_rendering_a_snapshot_gives_the_same_text(certificate):
    again = pdf_text(services.document_pdf_bytes(certificate))
    stored = pdf_text(private_storage().open(certificate.file).read())
    assert again == stored


def test_verify_page_shows_public_facts_only(tenant_a, certificate):
    client = Client(headers={"Accept-Language": "en"})
    body = client.get(f"/verify/{certificate.token}").content.decode()
    assert "Association certificate" in body
    assert tenant_a.association.name_fr in body and certificate.sha256 in body
    assert "is valid" in body
    for personal in (tenant_a.president.full_name, tenant_a.president.email, "Certificate"):
        assert personal not in body
    assert client.get("/verify/not-a-real-token").status_code == 404
    assert client.get("/verify/" + "x" * 200).status_code == 404


def test_cancelled_document_says_so(client, tenant_a, certificate):
    client.force_login(tenant_a.president)
    url = reverse(
        "documents:cancel",
        kwargs={"association_slug": tenant_a.association.slug, "document_id": certificate.pk},
    )
    response = client.post(url, {"reason": "", "confirm": "1"}, follow=True)
    assert "Give the reason" in response.content.decode()
    client.post(url, {"reason": "Issued by mistake", "confirm": "1"})
    body = Client(headers={"Accept-Language": "en"}).get(f"/verify/{certificate.token}").content.decode()
    assert "was cancelled" in body and "Issued by mistake" not in body


def test_downloads_check_scope_and_capability(client, tenant_a, certificate):
    url = reverse(
        "documents:download",
        kwargs={"association_slug": tenant_a.association.slug, "document_id": certificate.pk},
    )
    client.force_login(tenant_a.member)
    assert client.get(url).status_code == 403
    client.force_login(tenant_a.treasurer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_documents_page_issues_a_certificate(client, tenant_a, django_capture_on_commit_callbacks):
    client.force_login(tenant_a.president)
    url = reverse("documents:certificate_issue", kwargs={"association_slug": tenant_a.association.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    with association_scope(tenant_a.association):
        assert (
            Document.objects.filter(kind="association_certificate", status="ready").count() == 2
        )  # + fixture
    client.force_login(tenant_a.member)
    assert client.post(url).status_code == 403


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "allowed", "ok"),
    [
        ("logo.png", PNG, {"png", "jpeg"}, True),
        ("logo.pdf", PNG, {"png"}, True),  # the name does not matter, the content does
        ("photo.png", b"just some text pretending", {"png", "jpeg"}, False),
        ("members.csv", "nom,prénom\nالأمل,x\n".encode(), {"csv", "xlsx"}, True),
        ("members.csv", b"\x00\x01binary", {"csv"}, False),
        ("report.pdf", b"%PDF-1.7\n...", {"png"}, False),
    ],
)
def test_uploads_are_checked_by_content(name, content, allowed, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        assert validate_upload(upload, allowed=allowed).size == len(content)
    else:
        with pytest.raises(WaslError, match="not an accepted type"):
            validate_upload(upload, allowed=allowed)


def test_uploads_are_checked_for_size():
    with pytest.raises(WaslError, match="too large"):
        validate_upload(SimpleUploadedFile("big.png", PNG + b"\x00" * 5000), allowed={"png"}, max_bytes=1000)


def test_a_failed_rendering_is_recorded_not_lost(tenant_a, monkeypatch):
    from documents import tasks

    with association_scope(tenant_a.association):
        document = services.document_issue(actor=tenant_a.president, kind="association_certificate", title="t",
                                           snapshot={"association": {}})  # fmt: skip

    def broken(*args, **kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(services, "render_pdf", broken)
    assert tasks.document_render(association_id=tenant_a.association.pk, document_id=document.pk) == "failed"
    with association_scope(tenant_a.association):
        document.refresh_from_db()
    assert document.status == Document.Status.FAILED and "renderer exploded" in document.error


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n", b"<html><script>alert(1)</script></html>", b'<svg onload="x()"></svg>', b"a,b\x07,c\n"],
)
def test_text_uploads_must_be_plain_delimited_text(content):
    with pytest.raises(WaslError, match="not an accepted type"):
        validate_upload(SimpleUploadedFile("list.csv", content), allowed={"csv"})


def test_cp1256_arabic_csv_is_accepted():
    content = "الاسم,الهاتف\nأمينة,0612345678\n".encode("cp1256")
    assert validate_upload(SimpleUploadedFile("list.csv", content), allowed={"csv"}).kind == "csv"


@pytest.mark.parametrize("path", ["/verify/%00", "/?q=a%00b", "/verify/" + "é" * 3])
def test_odd_input_is_a_clean_4xx(db, path):
    response = Client().get(path)
    assert response.status_code in (400, 404)


def test_nul_bytes_in_a_form_are_refused_before_any_view(client, tenant_a, certificate):
    client.force_login(tenant_a.president)
    url = reverse(
        "documents:cancel",
        kwargs={"association_slug": tenant_a.association.slug, "document_id": certificate.pk},
    )
    assert client.post(url, {"reason": "a\x00b"}).status_code == 400
    with association_scope(tenant_a.association):
        assert Document.objects.get(pk=certificate.pk).cancelled_at is None


def cancel_url(tenant, document):
    return reverse(
        "documents:cancel", kwargs={"association_slug": tenant.association.slug, "document_id": document.pk}
    )


@pytest.fixture
def described_kind():
    """A kind whose module says whom each document is about (as members does for cards)."""
    from documents import kinds

    kind = kinds.register_document_kind(
        kinds.DocumentKind(
            key="test_badge",
            label="Badge",
            template="documents/pdf/association_certificate.html",
            describe=lambda snapshot: f"badge of {snapshot['holder']}",
        )
    )
    yield kind
    kinds._KINDS.pop(kind.key)


def test_cancelling_is_a_second_page_that_names_the_document(client, tenant_a, described_kind):
    with association_scope(tenant_a.association):
        badge = Document.objects.create(kind=described_kind.key, language="en", title="Badge",
                                        snapshot={"holder": "Ahmed Alaoui"}, issued_by=tenant_a.president)  # fmt: skip
    client.force_login(tenant_a.president)
    page = client.get(cancel_url(tenant_a, badge))
    body = page.content.decode()
    assert page.status_code == 200 and "This cannot be undone" in body
    assert "badge of Ahmed Alaoui" in body and badge.token[:8] in body
    list_page = client.get(reverse("documents:list", kwargs={"association_slug": tenant_a.association.slug}))
    assert 'name="reason"' not in list_page.content.decode()  # no one-click cancel form in the list


def test_a_cancel_post_without_the_ticked_box_changes_nothing(client, tenant_a):
    document = tenant_a.document
    client.force_login(tenant_a.president)
    refused = client.post(cancel_url(tenant_a, document), {"reason": "Issued by mistake"})
    assert refused.status_code == 400 and "Tick the box to confirm" in refused.content.decode()
    with association_scope(tenant_a.association):
        assert Document.objects.get(pk=document.pk).cancelled_at is None
    done = client.post(cancel_url(tenant_a, document), {"reason": "Issued by mistake", "confirm": "on"})
    assert done.status_code == 302
    with association_scope(tenant_a.association):
        cancelled = Document.objects.get(pk=document.pk)
    assert cancelled.cancelled_at is not None and cancelled.cancel_reason == "Issued by mistake"
