"""A4 card sheets: ten cards a page in member order, rendered in steps of whole pages (each step its
own task) joined into one PDF; a failure leaves neither cards nor part files behind."""

import base64
import io

import pytest
import qrcode
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from associations.tenancy import association_scope
from documents.files import private_storage
from documents.models import Document
from documents.pdf import qr_png_data_uri, verify_url
from jobs.models import Job
from members import cards, services
from members.models import Member


@pytest.fixture
def members_25(tenant_a):
    """25 active members: the fixture's one and 24 more, numbered in admission order."""
    with association_scope(tenant_a.association):
        for i in range(24):
            services.member_admit(actor=tenant_a.president, first_name_latin=f"Card{i + 2:02d}",
                                  last_name_latin="Holder", phone=f"06100000{i:02d}")  # fmt: skip
        return list(Member.objects.filter(status="active").order_by("number"))


def start_sheet(client, tenant, capture):
    client.force_login(tenant.president)
    with capture(execute=True):
        client.post(reverse("members:cards_bulk", kwargs={"association_slug": tenant.association.slug}),
                    {"status": "active"})  # fmt: skip
    with association_scope(tenant.association):
        return Job.objects.get(kind="members.cards")


def pdf_of(tenant, name) -> PdfReader:
    with association_scope(tenant.association), private_storage().open(name, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def test_a_sheet_has_ten_cards_a_page_in_member_order(tenant_a, members_25):
    names = [f"{m.last_name_latin} {m.first_name_latin}" for m in members_25]
    with association_scope(tenant_a.association):
        documents = [
            Document.objects.create(
                kind="member_card",
                title="Card",
                language="fr",
                issued_by=tenant_a.president,
                snapshot={"member": {"number": m.number, "name_latin": name}, "association": {}},
            )
            for m, name in zip(members_25, names, strict=True)
        ]
    reader = PdfReader(io.BytesIO(cards.cards_sheet_pdf(documents, language="fr")))
    assert len(reader.pages) == 3  # 10 + 10 + 5 (the grid across pages fitted 8 a page)
    texts = [page.extract_text() for page in reader.pages]
    for page, text in enumerate(texts):
        on_page = [name for name in names if name in text]
        assert on_page == names[page * 10 : page * 10 + 10]


def test_a_big_sheet_is_rendered_in_steps_of_whole_pages_and_joined(
    settings, client, tenant_a, members_25, django_capture_on_commit_callbacks
):
    settings.WASL_CARD_SHEET_STEP = 14  # whole pages: 10 cards a step
    job = start_sheet(client, tenant_a, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.steps_total, job.steps_done) == (3, 4)  # three steps, then the finish
    assert job.progress_done == job.progress_total == 25 + 1
    assert len(pdf_of(tenant_a, job.result_file).pages) == 3
    with association_scope(tenant_a.association):
        sheet_cards = list(Document.objects.filter(kind="member_card"))
        assert len(sheet_cards) == 25 and {d.status for d in sheet_cards} == {Document.Status.READY}
        assert len({(d.file, d.sha256) for d in sheet_cards}) == 1  # one sheet, one hash
        storage = private_storage()
        assert not any(storage.exists(name) for name in job.state["parts"])  # the parts are gone


def test_a_failing_step_leaves_no_cards_and_no_parts(
    settings, client, tenant_a, members_25, django_capture_on_commit_callbacks, monkeypatch
):
    settings.WASL_CARD_SHEET_STEP = 10
    rendered = []
    real = cards.cards_sheet_pdf

    def fail_on_the_second_step(documents, *, language):
        rendered.append(len(documents))
        if len(rendered) == 2:
            raise RuntimeError("renderer crashed")
        return real(documents, language=language)

    monkeypatch.setattr(cards, "cards_sheet_pdf", fail_on_the_second_step)
    job = start_sheet(client, tenant_a, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and "unexpected error" in job.error_message
    assert job.steps_done == 1 and len(job.state["parts"]) == 1
    with association_scope(tenant_a.association):
        assert not Document.objects.filter(kind="member_card").exists()
        assert not private_storage().exists(job.state["parts"][0])


def test_a_job_failing_after_the_sheet_was_joined_leaves_no_sheet_no_cards_no_parts(
    settings, client, tenant_a, members_25, django_capture_on_commit_callbacks, monkeypatch
):
    """The finish stored the joined sheet (every member's name), then the job failed while ending:
    its rows roll back, and the cleanup deletes the sheet too (no file outlives the job)."""
    from jobs import services as job_services

    settings.WASL_CARD_SHEET_STEP = 10

    def storage_full(*args, **kwargs):
        raise OSError("no space left on device")

    storage = private_storage()

    def files(folder=f"associations/{tenant_a.association.pk}"):
        if storage.exists(folder):
            folders, names = storage.listdir(folder)
            yield from (f"{folder}/{name}" for name in names)
            for sub in folders:
                yield from files(f"{folder}/{sub}")

    before = set(files())  # (the storage folder may hold earlier runs' files)
    monkeypatch.setattr(job_services, "save_private_file", storage_full)  # the job's own copy
    job = start_sheet(client, tenant_a, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and not job.result_file and job.steps_done == 3
    with association_scope(tenant_a.association):
        assert not Document.objects.filter(kind="member_card").exists()
    # Neither the sheet nor a part is left: no file written since the job began names a member
    # (by content, as another test run may share the storage folder).
    for name in set(files()) - before:
        if name.endswith(".pdf"):
            text = "".join(page.extract_text() for page in pdf_of(tenant_a, name).pages)
            assert "Card02" not in text, name


def test_the_card_qr_code_encodes_the_verify_url_one_pixel_a_module():
    url = verify_url("a" * 24)
    uri = qr_png_data_uri(url)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    assert image.size == (len(matrix), len(matrix))
    assert all(
        (image.getpixel((x, y)) < 128) == dark for y, row in enumerate(matrix) for x, dark in enumerate(row)
    )
