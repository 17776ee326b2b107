"""What governance brings to the seams (imported from GovernanceConfig.ready): its menu entry,
its part of the member portal (convocations, replies, open votes), API routes and the sentences
of its audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from governance import audit_actions  # noqa: F401 - registers the sentences of its audit events
from members.selectors import member_of_request

seams.register_nav_entry(
    seams.NavEntry(
        key="governance.assemblies",
        label=_("Assemblies"),
        url_name="governance:assemblies",
        capability="governance.view",
        order=35,
    )
)


def _my_section(request) -> seams.Fragment | None:
    """/a/<slug>/my/: the assemblies the member is convened to (with their answer and documents)
    and the secret votes open in which they hold a vote."""
    member = member_of_request(request)
    if member is None:
        return None
    from governance import selectors
    from governance.models import AssemblyDocument, ConvocationReply, ReplyAnswer

    assemblies = [
        a
        for a in selectors.convened_for_member()
        if selectors.convened_members(a).filter(pk=member.pk).exists()
    ]
    polls = selectors.open_polls_for(member)
    if not assemblies and not polls:
        return None
    replies = {
        r.assembly_id: r
        for r in ConvocationReply.objects.filter(member=member, assembly__in=[a.pk for a in assemblies])
    }
    documents: dict[int, list] = {}
    for document in AssemblyDocument.objects.filter(assembly__in=[a.pk for a in assemblies]).order_by("id"):
        documents.setdefault(document.assembly_id, []).append(document)
    return seams.Fragment(
        "governance/_my_section.html",
        {
            "assemblies": [(a, replies.get(a.pk), documents.get(a.pk, [])) for a in assemblies],
            "polls": polls,
            "answers": ReplyAnswer.choices,
        },
    )


seams.register_portal_section(seams.PortalSection(key="governance", inside=_my_section, order=30))
seams.register_api_routes(seams.ApiRoutes(key="governance", module="governance.api_urls", order=35))

# The bureau register, declarations, minutes and annual reports bring their own entries.
from governance import contributions_bureau  # noqa: E402, F401
