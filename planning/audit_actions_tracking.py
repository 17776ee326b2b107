"""How the tracking's audit events read (imported from planning/tracking_contributions.py). Events
name no person: the target is an activity or an indicator number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from planning.models import ActivityStatus, IndicatorUnit

for key, label, sentence in (
    ("planning.activity.added", _("Activity added"), _("%(actor)s added activity %(target)s")),
    ("planning.activity.updated", _("Activity edited"), _("%(actor)s edited activity %(target)s")),
    (
        "planning.activity.status",
        _("Activity status changed"),
        _("%(actor)s changed the status of activity %(target)s from %(status_before)s to %(status_after)s"),
    ),
    (
        "planning.activity.reopened",
        _("Activity reopened"),
        _("%(actor)s reopened activity %(target)s: %(reason)s"),
    ),
    ("planning.indicator.added", _("Indicator added"), _("%(actor)s added indicator %(target)s")),
    ("planning.indicator.updated", _("Indicator edited"), _("%(actor)s edited indicator %(target)s")),
    (
        "planning.measurement.added",
        _("Measurement recorded"),
        _("%(actor)s recorded %(value)s on %(day)s for indicator %(target)s"),
    ),
    (
        "planning.measurement.corrected",
        _("Measurement corrected"),
        _(
            "%(actor)s corrected measurement %(measurement)s of indicator %(target)s from "
            "%(value_before)s to %(value_after)s: %(reason)s"
        ),
    ),
    (
        "planning.hours.linked",
        _("Volunteer hours given to an activity"),
        _("%(actor)s gave %(hours)s volunteer hours of %(day)s to activity %(target)s"),
    ),
    (
        "planning.hours.unlinked",
        _("Volunteer hours taken off an activity"),
        _("%(actor)s took %(hours)s volunteer hours of %(day)s off activity %(target)s"),
    ),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels={
                "fields": _("fields recorded"),
                "starts_on": _("start date"),
                "ends_on": _("end date"),
                "status": _("status"),
                "reason": _("reason"),
                "baseline": _("baseline"),
                "target": _("target"),
                "unit": _("unit"),
                "measurement": _("measurement"),
                "correction": _("correction"),
                "value": _("value"),
                "day": _("day"),
                "hours": _("hours"),
                "hours_row": _("hours recorded"),
            },
            values={"status": dict(ActivityStatus.choices), "unit": dict(IndicatorUnit.choices)},
            hidden=("hours_row",),
        )
    )
