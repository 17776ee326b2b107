"""How training's audit events read (imported from training/contributions.py). Events name no
learner: the target is an enrolment or certificate number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from associations import seams
from training.models import AttendanceStatus, EnrolmentStatus

STATUS_WORDS = dict(EnrolmentStatus.choices)

for key, label, sentence in (
    ("training.course.created", _("Course created"), _("%(actor)s created the course %(target)s")),
    ("training.course.updated", _("Course edited"), _("%(actor)s edited the course %(target)s")),
    (
        "training.content.saved",
        _("Course content saved"),
        _("%(actor)s added to the lessons of the course %(target)s"),
    ),
    ("training.session.saved", _("Session saved"), _("%(actor)s saved a session of the course %(target)s")),
    ("training.enrolment.created", _("Enrolment"), _("%(actor)s recorded enrolment %(target)s (%(status)s)")),
    ("training.enrolment.cancelled", _("Enrolment cancelled"), _("%(actor)s cancelled enrolment %(target)s")),
    (
        "training.enrolment.promoted",
        _("Waiting list promotion"),
        _("Enrolment %(target)s moved from the waiting list to a seat"),
    ),
    (
        "training.attendance.recorded",
        _("Attendance taken"),
        _("%(actor)s recorded %(status)s on %(day)s for enrolment %(target)s"),
    ),
    (
        "training.certificate.issued",
        _("Certificate issued"),
        _("%(actor)s issued training certificate %(target)s"),
    ),
    (
        "training.attendance_status.saved",
        _("Attendance status saved"),
        _("%(actor)s saved the attendance status %(code)s"),
    ),
    (
        "training.invitation.created",
        _("Outside participant invited"),
        _("%(actor)s invited an outside participant to course %(target)s"),
    ),
    (
        "training.enrolment.paid",
        _("Training seat paid"),
        _("%(actor)s recorded the payment of enrolment %(target)s (receipt %(receipt)s)"),
    ),
    (
        "training.invitation.withdrawn",
        _("Invitation withdrawn"),
        _("%(actor)s withdrew an invitation to course %(target)s"),
    ),
    (
        "training.participant.page_sent",
        _("Participant's page link sent"),
        _("%(actor)s sent an outside participant the link to their training page"),
    ),
    (
        "training.certificate.revoked",
        _("Certificate revoked"),
        _("%(actor)s revoked training certificate %(target)s"),
    ),
):
    seams.register_audit_action(
        seams.AuditAction(
            key=key,
            label=label,
            sentence=sentence,
            field_labels={
                "status": _("status"),
                "fields": _("fields recorded"),
                "day": _("day"),
                "amount": _("amount (MAD)"),
                "receipt": _("receipt"),
            },
            values={"status": STATUS_WORDS | dict(AttendanceStatus.choices)},
            hidden=(
                "session",
                "platform",
                "was",
                "capacity",
                "module",
                "lesson",
                "participant",
                "invitation",
            ),
        )
    )
