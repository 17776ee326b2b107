"""Issue documents: snapshot in the transaction, render after commit in a task."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.capabilities import RoleKind
from associations.errors import NotFound, WaslError
from associations.models import Association, Role
from associations.tenancy import current_association_id
from documents.files import private_storage, save_private_file
from documents.kinds import ASSOCIATION_CERTIFICATE, document_kind
from documents.logos import logo_data_uri
from documents.models import Document
from documents.pdf import qr_png_data_uri, render_pdf, verify_url


@transaction.atomic
def document_issue(*, actor, kind: str, title: str, snapshot: dict, language: str | None = None) -> Document:
    """Record the document with its frozen data; the PDF is rendered after commit. The snapshot
    records whether Wasl had verified the issuing association: a PDF of an unverified one says so
    (the verification page always shows the association's current state)."""
    return document_record(actor=actor, kind=kind, title=title, snapshot=snapshot, language=language)


def document_record(
    *,
    actor,
    kind: str,
    title: str,
    snapshot: dict,
    language: str | None = None,
    issuer_verified: bool | None = None,
) -> Document:
    """`document_issue` inside the caller's transaction (no savepoint of its own), for a service
    that issues the document as one step of a bigger write (a payment's receipt).
    `issuer_verified`: whether Wasl had verified the association, when the caller read it already."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_record() runs inside the caller's transaction.")
    document = document_new(
        actor=actor,
        kind=kind,
        title=title,
        snapshot=snapshot,
        language=language,
        issuer_verified=issuer_verified,
    )
    document.save(force_insert=True)
    document_recorded(actor=actor, document=document)
    return document


def document_new(
    *,
    actor,
    kind: str,
    title: str,
    snapshot: dict,
    language: str | None = None,
    issuer_verified: bool | None = None,
) -> Document:
    """The unsaved document `document_record` writes, for a service that inserts it together with
    its own rows in one statement (a payment's receipt); then `document_recorded(document)` once
    it has its pk. Same arguments as `document_record`."""
    document_kind(kind)  # raises KeyError for an unknown kind
    if issuer_verified is None:
        issuer_verified = Association.objects.only("verified_at").get(pk=current_association_id()).is_verified
    return Document(
        association_id=current_association_id(),
        kind=kind,
        title=title[:200],
        snapshot={**snapshot, "issuer_verified": issuer_verified},
        language=language or translation.get_language() or "ar",
        issued_by=actor,
    )


def document_recorded(*, actor, document: Document) -> None:
    """What follows a document's insert in the caller's transaction: its audit event, and its PDF
    rendered after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_recorded() runs inside the caller's transaction.")
    audit_record(
        actor=actor, action="documents.document.issued", target=document, changes={"kind": document.kind}
    )
    association_id, document_id = document.association_id, document.pk

    def render_later():
        from documents.tasks import document_render

        document_render.delay(association_id=association_id, document_id=document_id)

    transaction.on_commit(render_later)


def document_pdf_bytes(document: Document) -> bytes:
    kind = document_kind(document.kind)
    url = verify_url(document.token)
    context = {
        "document": document,
        "snapshot": document.snapshot,
        "qr_src": qr_png_data_uri(url),
        "verify_url": url,
        # Every kind may print the association's logo (rendered in its scope): cards, certificates,
        # and the receipts and minutes to come.
        "logo_src": logo_data_uri(),
    }
    return render_pdf(kind.template, context, language=document.language)


def document_render(*, document_id: int) -> Document:
    """Render (or re-render) a document's PDF from its snapshot. Idempotent: a ready document is
    left as it is."""
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    if document.status == Document.Status.READY and document.file:
        return document
    pdf = document_pdf_bytes(document)  # a failure is recorded by the task, outside this transaction
    # The file is written before the row points at it; if recording fails, remove it again.
    name = save_private_file("documents", f"{document.kind}-{document.token}.pdf", pdf)
    try:
        document.file = name
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.status = Document.Status.READY
        document.rendered_at = timezone.now()
        document.error = ""
        document.save(update_fields=["file", "sha256", "status", "rendered_at", "error"])
    except Exception:
        private_storage().delete(name)
        raise
    return document


@transaction.atomic
def document_cancel(*, actor, document_id: int, reason: str) -> Document:
    document = Document.objects.select_for_update().filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise WaslError(_("Give the reason for the cancellation."), field="reason")
    if document.cancelled_at is None:
        document.cancelled_at = timezone.now()
        document.cancelled_by = actor
        document.cancel_reason = reason[:300]
        document.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        audit_record(
            actor=actor, action="documents.document.cancelled", target=document, changes={"reason": reason}
        )
    return document


@transaction.atomic
def document_files_delete(*, names: set[str]) -> int:
    """Delete these PDFs from the private storage, because they hold personal data being erased,
    and mark every document that pointed at one: a sheet of cards is one file shared by many cards,
    whose other holders' cards stay valid but lose their PDF (a new one can be issued).

    Each file is deleted before the rows are marked, inside the caller's transaction: a rolled-back
    erasure leaves a row naming a file that is gone, never a file that a row says was deleted."""
    names = {name for name in names if name}
    if not names:
        return 0
    for name in sorted(names):
        private_storage().delete(name)
    documents = Document.objects.filter(file__in=names)
    first = documents.order_by("pk").first()
    count = documents.update(file="", file_deleted_at=timezone.now())
    audit_record(
        actor=None,
        action="documents.files.deleted",
        target=first,
        changes={"files": len(names), "documents": count},
    )
    return count


def association_certificate_issue(*, actor) -> Document:
    """A certificate of the association's registered facts and its current president(s)."""
    association = Association.objects.select_related("region", "province", "sector").get(
        pk=current_association_id()
    )
    presidents = [
        r.user.full_name or r.user.email
        for r in Role.objects.filter(kind=RoleKind.PRESIDENT).select_related("user").order_by("granted_at")
    ]
    snapshot = {
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
            "legal_status": association.legal_status,
            "final_receipt_number": association.final_receipt_number,
            "final_receipt_date": association.final_receipt_date.isoformat()
            if association.final_receipt_date
            else "",
            "provisional_receipt_number": association.provisional_receipt_number,
            "region_ar": association.region.name_ar,
            "region_fr": association.region.name_fr,
            "province_ar": association.province.name_ar,
            "province_fr": association.province.name_fr,
            "address": association.address,
            "founded_on": association.founded_on.isoformat() if association.founded_on else "",
        },
        "presidents": presidents,
        "issued_on": timezone.localdate().isoformat(),
        "issuer": actor.full_name or actor.email,
    }
    return document_issue(
        actor=actor,
        kind=ASSOCIATION_CERTIFICATE.key,
        title=str(ASSOCIATION_CERTIFICATE.label),
        snapshot=snapshot,
    )
