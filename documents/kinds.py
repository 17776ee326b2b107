"""The kinds of document Wasl issues. A module adds its own with `register_document_kind`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: Promise
    template: str  # rendered with {"document", "snapshot", "qr", "verify_url"}


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
