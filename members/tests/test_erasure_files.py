"""Anonymisation leaves no file that names the person: the shared card sheet they are on and the
job results that may list them are deleted from the private storage."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from documents.files import private_storage
from documents.models import Document
from jobs import services as job_services
from jobs.models import Job
from members import services
from members.cards import MEMBER_CARDS

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def association_files(tenant) -> set[str]:
    storage = private_storage()

    def walk(folder):
        if not storage.exists(folder):
            return
        folders, files = storage.listdir(folder)
        for name in files:
            yield f"{folder}/{name}"
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    return set(walk(f"associations/{tenant.association.pk}"))


def file_text(name: str) -> bytes:
    content = private_storage().open(name).read()
    if content.startswith(b"%PDF"):  # the names are in the text, not in the compressed bytes
        return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return content


@needs_pdftotext
def test_anonymisation_deletes_the_shared_card_sheet_and_the_job_results(tenant_a):
    leaving = tenant_a.member_row
    files_before = association_files(tenant_a)  # (the storage folder may hold earlier runs' files)
    with association_scope(tenant_a.association):
        staying = services.member_admit(
            actor=tenant_a.president, first_name_latin="Stays", last_name_latin="Active"
        )
        job = job_services.job_start(
            actor=tenant_a.president,
            role_kind="president",
            kind=MEMBER_CARDS.key,
            params={"status": "active"},
        )
    # The sheet is made in steps (each a task of its own), then joined by the finish.
    aid = tenant_a.association.pk
    assert job_services.job_run(association_id=aid, job_id=job.pk) == Job.Status.RUNNING
    index = 0
    while index is not None:
        index = job_services.job_run_step(association_id=aid, job_id=job.pk, index=index)
    with association_scope(tenant_a.association):
        job.refresh_from_db()
        sheet_cards = list(Document.objects.filter(kind="member_card"))
    sheet = sheet_cards[0].file
    assert len(sheet_cards) == 2 and {c.file for c in sheet_cards} == {sheet}
    assert private_storage().exists(sheet) and private_storage().exists(job.result_file)
    assert leaving.last_name_latin.encode() in file_text(sheet)
    assert job.status == Job.Status.SUCCEEDED
    # The steps' part files (each naming members) do not outlive the job.
    assert not [name for name in association_files(tenant_a) - files_before if "-part-" in name]

    with association_scope(tenant_a.association):
        services.member_change_status(actor=tenant_a.president, member_id=leaving.pk, to_status="resigned",
                                      reason="Moved away", effective_on=timezone.localdate() - timedelta(days=3))  # fmt: skip
        services.membership_settings_update(actor=tenant_a.president, retention_years=1)
        assert services.former_members_anonymise(today=timezone.localdate() + timedelta(days=400)) == 1
        cards = {c.snapshot["member"]["number"]: c for c in Document.objects.filter(kind="member_card")}
        job_after = Job.objects.get(pk=job.pk)

    # The sheet named both members: it is gone, for both cards.
    assert not private_storage().exists(sheet)
    gone, kept = cards[leaving.number], cards[staying.number]
    assert gone.file == kept.file == "" and gone.file_deleted_at and kept.file_deleted_at
    assert gone.cancelled_at is not None and gone.snapshot["member"]["name_latin"] == "—"
    assert kept.cancelled_at is None  # the other member's printed card stays valid
    # The job's own copy of the sheet is gone too, and its page says why.
    assert not private_storage().exists(job.result_file)
    assert job_after.result_file == "" and job_after.result_deleted_reason == Job.ResultDeletion.ERASED
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    slug = tenant_a.association.slug
    page = client.get(
        reverse("jobs:detail", kwargs={"association_slug": slug, "job_id": job.pk})
    ).content.decode()
    assert "held personal data" in page
    documents_page = client.get(reverse("documents:list", kwargs={"association_slug": slug})).content.decode()
    assert "PDF deleted on" in documents_page
    download = reverse("documents:download", kwargs={"association_slug": slug, "document_id": kept.pk})
    assert client.get(download).status_code == 404
    assert "is valid" in client.get(f"/verify/{kept.token}").content.decode()
    # And no file written since the test began names the person.
    for name in association_files(tenant_a) - files_before:
        assert leaving.last_name_latin.encode() not in file_text(name), name
