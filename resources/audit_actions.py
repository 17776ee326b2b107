"""How resources' audit events read (imported from resources/contributions.py). Events name no
person: the target is a volunteer, staff or valuation number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams

for key, label, sentence in (
    (
        "resources.hourly_value.set",
        _("Hourly value set"),
        _(
            "%(actor)s set the value of a volunteer hour from %(hourly_value_before)s "
            "to %(hourly_value_after)s MAD"
        ),
    ),
    ("resources.volunteer.added", _("Volunteer added"), _("%(actor)s added volunteer %(target)s")),
    ("resources.volunteer.updated", _("Volunteer edited"), _("%(actor)s edited volunteer %(target)s")),
    (
        "resources.hours.recorded",
        _("Volunteer hours recorded"),
        _("%(actor)s recorded %(hours)s hours on %(day)s for volunteer %(target)s"),
    ),
    (
        "resources.hours.deleted",
        _("Volunteer hours removed"),
        _("%(actor)s removed %(hours)s hours of %(day)s of volunteer %(target)s"),
    ),
    (
        "resources.hours.posted",
        _("Volunteer hours posted"),
        _("%(actor)s posted %(hours)s volunteer hours valued %(amount)s MAD in entry %(number)s"),
    ),
    (
        "resources.certificate.issued",
        _("Certificate of volunteering issued"),
        _("%(actor)s issued certificate of volunteering %(target)s"),
    ),
    ("resources.staff.added", _("Staff added"), _("%(actor)s added staff member %(target)s")),
    ("resources.staff.updated", _("Staff edited"), _("%(actor)s edited staff member %(target)s")),
    (
        "resources.asset.added",
        _("Item added to the inventory"),
        _("%(actor)s added %(target)s to the inventory"),
    ),
    (
        "resources.asset.updated",
        _("Inventory item edited"),
        _("%(actor)s edited the inventory item %(target)s"),
    ),
    ("resources.premises.added", _("Premises added"), _("%(actor)s added the premises %(target)s")),
    ("resources.premises.updated", _("Premises edited"), _("%(actor)s edited the premises %(target)s")),
    (
        "resources.premises.document_added",
        _("Premises document added"),
        _("%(actor)s added the document %(file)s to the premises %(target)s"),
    ),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels={
                "fields": _("fields recorded"),
                "day": _("day"),
                "hours": _("hours"),
                "amount": _("amount"),
                "hourly_value": _("value of one volunteer hour (MAD)"),
                "number": _("entry"),
                "file": _("file"),
            },
        )
    )
