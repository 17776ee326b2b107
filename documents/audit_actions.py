"""How the documents service's audit events read (imported from documents/contributions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import seams
from documents.kinds import document_kind


def kind_label(code):
    try:
        return document_kind(str(code)).label
    except KeyError:  # a kind no longer offered
        return code


def _cancelled_kind(facts) -> dict:
    # A document's target label is '<kind> <token start>…' (Document.__str__).
    return {"document": kind_label(facts.target.split(" ", 1)[0]) if facts.target else "—"}


def _deleted(facts):
    return ngettext(
        "%(actor)s deleted %(files)s PDF holding personal data that was erased",
        "%(actor)s deleted %(files)s PDFs holding personal data that was erased",
        int(facts.changes.get("files") or 0),
    )


for action in (
    seams.AuditAction(
        key="documents.document.issued",
        label=_("Document issued"),
        sentence=_("%(actor)s issued a document: %(kind)s"),
        values={"kind": kind_label},
    ),
    seams.AuditAction(
        key="documents.document.cancelled",
        label=_("Document cancelled"),
        sentence=_("%(actor)s cancelled a document: %(document)s"),
        field_labels={"reason": _("reason")},
        placeholders=_cancelled_kind,
    ),
    seams.AuditAction(
        key="documents.files.deleted",
        label=_("Document files deleted"),
        sentence=_deleted,
        field_labels={"documents": _("documents concerned")},
    ),
    seams.AuditAction(
        key="documents.logo.set",
        label=_("Logo changed"),
        sentence=_("%(actor)s changed the association's logo"),
        hidden=("width",),
    ),
    seams.AuditAction(
        key="documents.logo.removed",
        label=_("Logo removed"),
        sentence=_("%(actor)s removed the association's logo"),
    ),
):
    seams.register_audit_action(action)
