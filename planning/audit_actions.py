"""How the plan's and projects' audit events read (imported from planning/contributions.py). Events
name no person: the target is a plan version, an objective, programme or project number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from planning.models import PlanStatus, ProjectStatus

_FIELD_LABELS = {
    "fields": _("fields recorded"),
    "title_ar": _("title in Arabic"),
    "title_fr": _("title in French"),
    "vision_ar": _("vision in Arabic"),
    "vision_fr": _("vision in French"),
    "starts_year": _("first year"),
    "ends_year": _("last year"),
    "years": _("years"),
    "version": _("version"),
    "previous": _("previous version"),
    "objectives": _("objectives"),
    "resolution": _("resolution"),
    "adopted_on": _("adopted on"),
    "superseded": _("superseded versions"),
    "by": _("replaced by"),
    "code": _("code"),
    "plan": _("plan"),
    "objective": _("objective"),
    "programme": _("programme"),
    "region": _("region"),
    "province": _("province"),
    "commune": _("commune"),
    "target_group": _("target group"),
    "beneficiaries_planned": _("beneficiaries planned"),
    "beneficiaries_reached": _("beneficiaries reached"),
    "partners": _("partners"),
    "status": _("status"),
    "responsible": _("responsible officer"),
    "sdg_goals": _("sustainable-development goals"),
    "text_ar": _("objective in Arabic"),
    "text_fr": _("objective in French"),
    "position": _("position"),
    "starts_on": _("start date"),
    "ends_on": _("end date"),
}

_VALUES = {"status": {**dict(PlanStatus.choices), **dict(ProjectStatus.choices)}}

for key, label, sentence in (
    ("planning.plan.created", _("Plan created"), _("%(actor)s created the strategic plan %(target)s")),
    (
        "planning.plan.updated",
        _("Plan edited"),
        _("%(actor)s edited the draft of the strategic plan %(target)s"),
    ),
    (
        "planning.plan.versioned",
        _("New version of the plan"),
        _("%(actor)s started version %(version)s of the strategic plan, following %(previous)s"),
    ),
    (
        "planning.plan.adopted",
        _("Plan adopted"),
        _(
            "%(actor)s recorded the adoption of the strategic plan %(target)s by the general assembly "
            "held on %(adopted_on)s"
        ),
    ),
    (
        "planning.plan.superseded",
        _("Plan superseded"),
        _("%(actor)s recorded that the strategic plan %(target)s is superseded by %(by)s"),
    ),
    (
        "planning.objective.added",
        _("Objective added"),
        _("%(actor)s added objective %(code)s to plan %(plan)s"),
    ),
    (
        "planning.objective.updated",
        _("Objective edited"),
        _("%(actor)s edited objective %(code)s of plan %(plan)s"),
    ),
    (
        "planning.objective.removed",
        _("Objective removed"),
        _("%(actor)s removed objective %(code)s from the draft plan %(plan)s"),
    ),
    ("planning.programme.added", _("Programme added"), _("%(actor)s added programme %(code)s")),
    ("planning.programme.updated", _("Programme edited"), _("%(actor)s edited programme %(code)s")),
    (
        "planning.programme.removed",
        _("Programme removed"),
        _("%(actor)s removed programme %(code)s of objective %(objective)s from the draft plan %(plan)s"),
    ),
    (
        "planning.project.created",
        _("Planning project created"),
        _("%(actor)s created the planning project of %(code)s"),
    ),
    (
        "planning.project.updated",
        _("Planning project edited"),
        _("%(actor)s edited the planning project of %(code)s"),
    ),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels=_FIELD_LABELS,
            values=_VALUES,
            hidden=("resolution",),
        )
    )
