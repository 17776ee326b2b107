"""The kinds of document Wasl issues. A module adds its own with `register_document_kind`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: Promise
    template: str  # rendered with {"document", "snapshot", "qr_src", "verify_url", "logo_src"}
    # For a document whose validity depends on live data (a member card is valid only while its
    # holder is an active member): given the snapshot, inside the issuing association's scope,
    # returns None when the document is valid, else the public reason it is not (nothing personal).
    # /verify/<token> calls it, so documents need not know the module that owns the data.
    validity_check: Callable[[dict], str | Promise | None] | None = None
    # What the document prints that /verify/<token> shows, so that a genuine QR code cannot vouch
    # for a forged document: (label, value) pairs from the snapshot, nothing a stranger should not
    # read (a member number, not a name).
    printed_facts: Callable[[dict], list[tuple[str | Promise, str]]] | None = None
    # Whom or what one document is about, from its snapshot, for officers' pages (e.g. the member a
    # card names), so a confirmation can say exactly which document it will act on.
    describe: Callable[[dict], str] | None = None

    def subject(self, snapshot: dict) -> str:
        return self.describe(snapshot) if self.describe else ""


_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.key] = kind
    return kind


def document_kind(key: str) -> DocumentKind:
    return _KINDS[key]


ASSOCIATION_CERTIFICATE = register_document_kind(
    DocumentKind(
        key="association_certificate",
        label=_("Association certificate"),
        template="documents/pdf/association_certificate.html",
    )
)
