"""How the audit events of the bureau register, declarations, minutes and annual reports read
(imported from governance/contributions_bureau.py). Events name no member: a mandate is its number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from governance.models import DeclarationKind, Office, Signatory

for key, label, sentence in (
    ("governance.mandate.recorded", _("Mandate recorded"), _("%(actor)s recorded mandate %(target)s")),
    ("governance.mandate.ended", _("Mandate ended"), _("%(actor)s ended mandate %(target)s")),
    (
        "governance.bureau.installed",
        _("Bureau installed"),
        _("%(actor)s installed the bureau elected by %(target)s"),
    ),
    (
        "governance.roles.applied",
        _("Roles follow the bureau"),
        _("%(actor)s made the roles follow the bureau register"),
    ),
    ("governance.declaration.opened", _("Declaration opened"), _("%(actor)s opened declaration %(target)s")),
    (
        "governance.declaration.filed",
        _("Declaration filed"),
        _("%(actor)s recorded the provisional receipt of declaration %(target)s"),
    ),
    (
        "governance.declaration.acknowledged",
        _("Final receipt"),
        _("%(actor)s recorded the final receipt of declaration %(target)s"),
    ),
    ("governance.minutes.drafted", _("Minutes drafted"), _("%(actor)s drafted minutes %(target)s")),
    (
        "governance.minutes.refreshed",
        _("Minutes refreshed"),
        _("%(actor)s took the facts of minutes %(target)s again"),
    ),
    ("governance.minutes.edited", _("Minutes edited"), _("%(actor)s edited minutes %(target)s")),
    ("governance.minutes.signed", _("Minutes signed"), _("%(actor)s signed minutes %(target)s")),
    ("governance.minutes.published", _("Minutes published"), _("%(actor)s published minutes %(target)s")),
    (
        "governance.annual_report.created",
        _("Annual report started"),
        _("%(actor)s started annual report %(target)s"),
    ),
    (
        "governance.annual_report.written",
        _("Moral report written"),
        _("%(actor)s wrote the moral report of annual report %(target)s"),
    ),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels={
                "office": _("office"),
                "kind": _("what is declared"),
                "signatory": _("signed as"),
                "starts_on": _("start"),
                "ended_on": _("end"),
                "due_on": _("due on"),
                "filed_on": _("filed on"),
                "final_on": _("final receipt"),
                "seats": _("seats"),
                "ended": _("mandates ended"),
                "changes": _("roles changed"),
                "replaced": _("holders replaced"),
                "late": _("late"),
            },
            values={
                "office": dict(Office.choices),
                "kind": dict(DeclarationKind.choices),
                "signatory": dict(Signatory.choices),
            },
        )
    )
