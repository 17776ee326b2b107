"""How governance's audit events read (imported from governance/contributions.py). Events name no
member and never say how anyone voted: casting a ballot writes no audit event at all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams

for key, label, sentence in (
    (
        "governance.rules.adopted",
        _("Statute rules adopted"),
        _("%(actor)s recorded version %(version)s of the statute rules"),
    ),
    ("governance.assembly.created", _("Assembly created"), _("%(actor)s prepared the assembly %(target)s")),
    ("governance.assembly.updated", _("Assembly edited"), _("%(actor)s edited the assembly %(target)s")),
    (
        "governance.agenda.added",
        _("Agenda item added"),
        _("%(actor)s added item %(position)s to the agenda of %(target)s"),
    ),
    (
        "governance.agenda.removed",
        _("Agenda item removed"),
        _("%(actor)s removed item %(position)s from the agenda of %(target)s"),
    ),
    (
        "governance.document.attached",
        _("Document attached"),
        _("%(actor)s attached a document to %(target)s"),
    ),
    (
        "governance.assembly.convened",
        _("Assembly convened"),
        _("%(actor)s convened %(target)s (%(messages)s messages queued)"),
    ),
    ("governance.assembly.cancelled", _("Assembly cancelled"), _("%(actor)s cancelled %(target)s")),
    ("governance.assembly.opened", _("Session opened"), _("%(actor)s opened the session of %(target)s")),
    (
        "governance.quorum.declared",
        _("Quorum declared"),
        _("%(actor)s declared the quorum of call %(call)s of %(target)s: %(present)s of %(members)s"),
    ),
    (
        "governance.assembly.second_call",
        _("Second call"),
        _("%(actor)s opened the second call of %(target)s"),
    ),
    ("governance.assembly.closed", _("Session closed"), _("%(actor)s closed the session of %(target)s")),
    ("governance.proxy.recorded", _("Proxy recorded"), _("%(actor)s recorded a proxy at %(target)s")),
    ("governance.proxy.withdrawn", _("Proxy withdrawn"), _("%(actor)s withdrew a proxy at %(target)s")),
    ("governance.poll.created", _("Vote prepared"), _("%(actor)s prepared the vote %(target)s")),
    ("governance.candidate.added", _("Candidate added"), _("%(actor)s added a candidate to %(target)s")),
    (
        "governance.poll.opened",
        _("Vote opened"),
        _("%(actor)s opened the vote %(target)s (%(voters)s votes on the roll)"),
    ),
    (
        "governance.poll.counted",
        _("Show of hands counted"),
        _("%(actor)s recorded the show of hands of %(target)s"),
    ),
    (
        "governance.poll.closed",
        _("Vote closed"),
        _("%(actor)s closed the vote %(target)s (%(ballots)s ballots)"),
    ),
    ("governance.poll.new_round", _("New round"), _("%(actor)s opened round %(round)s of %(target)s")),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels={
                "fields": _("fields changed"),
                "for": _("for"),
                "against": _("against"),
                "abstain": _("abstentions"),
                "reached": _("quorum reached"),
                "rules_version": _("statute rules"),
            },
            hidden=(
                "member",
                "position",
                "version",
                "messages",
                "voters",
                "ballots",
                "round",
                "call",
                "present",
                "members",
            ),
        )
    )
