"""The minutes of an assembly as a kind of document: bilingual PDF with a QR code to /verify/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.kinds import DocumentKind, register_document_kind
from governance.models import AssemblyKind


def minutes_printed_facts(snapshot: dict) -> list[tuple[str, str]]:
    """What /verify/<token> may show of minutes: the kind of meeting and its date, nobody's name."""
    kinds = dict(AssemblyKind.choices)
    return [
        (_("Meeting"), str(kinds.get(snapshot.get("kind", ""), ""))),
        (_("Held on"), snapshot.get("held_on", "")),
    ]


MINUTES = register_document_kind(
    DocumentKind(
        key="governance_minutes",
        label=_("Minutes of a meeting"),
        template="governance/pdf/minutes.html",
        printed_facts=minutes_printed_facts,
        describe=lambda snapshot: snapshot.get("facts", {}).get("assembly", {}).get("title", ""),
    )
)
