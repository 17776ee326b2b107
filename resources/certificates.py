"""The certificate of volunteering as a kind of document: bilingual PDF with a QR code to /verify/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.kinds import DocumentKind, register_document_kind


def certificate_printed_facts(snapshot: dict) -> list[tuple[str, str]]:
    """What /verify/<token> may show of a certificate: the period and the hours, never the volunteer."""
    return [
        (_("Period"), f"{snapshot.get('period_start', '')} → {snapshot.get('period_end', '')}"),
        (_("Hours given"), snapshot.get("hours", "")),
        (_("Issued on"), snapshot.get("issued_on", "")),
    ]


VOLUNTEERING_CERTIFICATE = register_document_kind(
    DocumentKind(
        key="volunteering_certificate",
        label=_("Certificate of volunteering"),
        template="resources/pdf/certificate.html",
        printed_facts=certificate_printed_facts,
        describe=lambda snapshot: snapshot.get("volunteer_latin") or snapshot.get("volunteer_ar") or "",
    )
)
