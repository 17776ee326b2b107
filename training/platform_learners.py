"""The training managers' view of a platform session's learners, across associations.

Enrolments are each association's own data; a training manager holds no association's scope. This
module is the one place that reads them across associations for that page (listed in
`associations.tenancy.CROSS_TENANT_MODULES`), through `cross_tenant_read(reason=...)`, and it reads
only what running a session needs: the learner's association and name, the enrolment's status and
place, the days attended and whether the course is completed with a certificate. No address, phone,
identity number, birth date or other association data leaves it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from associations.models import Association
from associations.tenancy import cross_tenant_read
from training.models import (
    ATTENDED,
    Attendance,
    AttendanceStatusOption,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    PlatformSession,
)


@dataclass(frozen=True)
class PlatformLearner:
    association: str
    name: str
    status: str
    status_label: str
    position: int
    days_attended: int
    certificate: bool


def platform_session_learners(*, platform_session: PlatformSession, days_total: int) -> list[PlatformLearner]:
    """Every association's learners of one platform session (cancelled ones left out), in arrival
    order, with their attendance counted by each association's own statuses. Five queries."""
    reason = "a training manager's list of one platform session's learners (association, name, attendance)"
    with cross_tenant_read(reason=reason):
        enrolments = list(
            Enrolment.objects.filter(platform_session=platform_session)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .order_by("position")
            .values_list(
                "pk", "association_id", "status", "position",
                "member__first_name_latin", "member__last_name_latin",
                "member__first_name_ar", "member__last_name_ar",
            )
        )  # fmt: skip
        ids = [row[0] for row in enrolments]
        association_ids = {row[1] for row in enrolments}
        configured: dict[int, set[str]] = defaultdict(set)
        has_configuration: set[int] = set()
        for association_id, code, counts in AttendanceStatusOption.objects.filter(
            association_id__in=association_ids
        ).values_list("association_id", "code", "counts_as_attended"):
            has_configuration.add(association_id)
            if counts:
                configured[association_id].add(code)
        attended: dict[int, int] = defaultdict(int)
        for enrolment_id, association_id, status in Attendance.objects.filter(
            enrolment_id__in=ids
        ).values_list("enrolment_id", "association_id", "status"):
            counting = configured[association_id] if association_id in has_configuration else set(ATTENDED)
            if status in counting:
                attended[enrolment_id] += 1
        certified = set(
            Certificate.objects.filter(enrolment_id__in=ids, revoked_at=None).values_list(
                "enrolment_id", flat=True
            )
        )
    names = {a.pk: a.display_name for a in Association.objects.filter(pk__in=association_ids)}
    labels = dict(EnrolmentStatus.choices)
    rows = []
    for pk, association_id, status, position, first_latin, last_latin, first_ar, last_ar in enrolments:
        name = " ".join(p for p in (first_latin, last_latin) if p) or " ".join(
            p for p in (first_ar, last_ar) if p
        )
        rows.append(
            PlatformLearner(
                association=names.get(association_id, ""),
                name=name,
                status=status,
                status_label=str(labels.get(status, status)),
                position=position,
                days_attended=min(attended[pk], days_total),
                certificate=pk in certified,
            )
        )
    return rows
