"""Reads for documents, including the public verification by token (the one cross-tenant read)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from associations.models import Association
from associations.tenancy import association_scope, cross_tenant_read
from documents.kinds import document_kind
from documents.models import Document

TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]{1,32}")


def document_list() -> QuerySet[Document]:
    return Document.objects.select_related("issued_by").order_by("-issued_at", "-id")


def document_detail(*, document_id: int) -> Document | None:
    return Document.objects.select_related("issued_by", "cancelled_by").filter(pk=document_id).first()


@dataclass(frozen=True)
class PublicDocumentFacts:
    """What /verify/<token> may show: nothing personal."""

    kind_label: str
    issuer_name_ar: str
    issuer_name_fr: str
    issued_at: datetime
    sha256: str
    ready: bool
    cancelled_at: datetime | None
    issuer_verified: bool  # now, not at issue time: has Wasl checked the issuer's declaration receipt?
    invalid_reason: str = ""  # not cancelled, but no longer valid (the kind's validity check)
    printed_facts: tuple[tuple[str, str], ...] = ()  # what the document prints, to compare


def document_for_verification(*, token: str) -> PublicDocumentFacts | None:
    if not TOKEN_CHARS.fullmatch(token or ""):
        return None
    with cross_tenant_read(reason="public verification of a document by its random token"):
        document = (
            Document.objects.filter(token=token)
            .values("kind", "association_id", "issued_at", "sha256", "status", "cancelled_at", "snapshot")
            .first()
        )
    if document is None:
        return None
    try:
        kind = document_kind(document["kind"])
    except KeyError:  # a kind no longer issued: say nothing rather than fail
        return None
    issuer = Association.objects.get(pk=document["association_id"])
    snapshot = document["snapshot"] or {}
    invalid_reason = ""
    if kind.validity_check is not None and document["cancelled_at"] is None:
        # The kind's module reads its own data, in the issuer's scope only (never across tenants).
        with association_scope(document["association_id"]):
            invalid_reason = str(kind.validity_check(snapshot) or "")
    printed = kind.printed_facts(snapshot) if kind.printed_facts is not None else []
    return PublicDocumentFacts(
        kind_label=str(kind.label),
        issuer_name_ar=issuer.name_ar,
        issuer_name_fr=issuer.name_fr,
        issued_at=document["issued_at"],
        sha256=document["sha256"],
        ready=document["status"] == Document.Status.READY,
        cancelled_at=document["cancelled_at"],
        issuer_verified=issuer.is_verified,
        invalid_reason=invalid_reason,
        printed_facts=tuple((str(label), str(value)) for label, value in printed),
    )
