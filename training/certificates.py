"""The training certificate as a kind of document: bilingual PDF with a QR code to /verify/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.kinds import DocumentKind, register_document_kind


def certificate_printed_facts(snapshot: dict) -> list[tuple[str, str]]:
    """What /verify/<token> may show of a certificate: the course and the date, never the learner."""
    return [
        (_("Course"), f"{snapshot.get('course_title_fr', '')} · {snapshot.get('course_title_ar', '')}"),
        (_("Issued on"), snapshot.get("issued_on", "")),
    ]


TRAINING_CERTIFICATE = register_document_kind(
    DocumentKind(
        key="training_certificate",
        label=_("Training certificate"),
        template="training/pdf/certificate.html",
        printed_facts=certificate_printed_facts,
        describe=lambda snapshot: snapshot.get("learner_latin") or snapshot.get("learner_ar") or "",
    )
)
