"""Issuing a session's certificates in bulk, as a background job with progress (jobs app).

The job goes through the session's seated and completed learners in this association, applies the
course's completion rule to each (training.services.enrolment_complete_if_due) and issues the
certificate of those who meet it. A learner is issued one certificate per course whatever the reruns:
the service returns the existing certificate, and partial unique constraints stop a concurrent second
one. Work is split into steps of `WASL_CERTIFICATES_PER_STEP` learners, each its own transaction, so
a repeated step issues nothing twice and the PDFs render after each step commits (documents)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations.errors import NotFound, WaslError
from jobs.registry import JobKind, JobOutcome, JobSteps, register_job_kind
from training import services
from training.models import Certificate, Enrolment, EnrolmentStatus, PlatformSession, Session

KIND = "training.certificates"


def _per_step() -> int:
    return int(getattr(settings, "WASL_CERTIFICATES_PER_STEP", 100))


def _session_filter(params: dict) -> dict:
    if params.get("platform_session_id"):
        if not PlatformSession.objects.filter(pk=params["platform_session_id"]).exists():
            raise NotFound()
        return {"platform_session_id": int(params["platform_session_id"])}
    if not Session.objects.filter(pk=params.get("session_id") or 0).exists():
        raise NotFound()
    return {"session_id": int(params["session_id"])}


def certificates_issue_start(*, job, params: dict, progress) -> JobSteps:
    """List the learners to look at (this association's seated and completed ones, by arrival)."""
    ids = list(
        Enrolment.objects.filter(
            status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED), **_session_filter(params)
        )
        .order_by("position")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise WaslError(_("Nobody is seated in this session: no certificate to issue."), code="empty")
    before = Certificate.objects.filter(enrolment_id__in=ids).count()
    progress.total(len(ids))
    per_step = _per_step()
    return JobSteps(
        count=-(-len(ids) // per_step), state={"enrolment_ids": ids, "per_step": per_step, "before": before}
    )


def certificates_issue_step(*, job, state: dict, index: int, progress) -> None:
    per_step = state["per_step"]
    for enrolment_id in state["enrolment_ids"][index * per_step : (index + 1) * per_step]:
        services.enrolment_complete_if_due(actor=job.requested_by, enrolment_id=enrolment_id)
        progress.advance()
    return None


def certificates_issue_finish(*, job, state: dict, progress) -> JobOutcome:
    """Say what happened, counted from the rows (not from the steps, which may have run twice)."""
    ids = state["enrolment_ids"]
    holders = Certificate.objects.filter(enrolment_id__in=ids).count()
    issued = holders - state["before"]
    not_yet = len(ids) - holders
    summary = ngettext("%(count)s certificate issued.", "%(count)s certificates issued.", issued) % {
        "count": issued
    }
    if state["before"]:
        summary += " " + ngettext(
            "%(count)s learner already had it.", "%(count)s learners already had it.", state["before"]
        ) % {"count": state["before"]}
    if not_yet:
        summary += " " + ngettext(
            "%(count)s learner does not meet the completion rule yet.",
            "%(count)s learners do not meet the completion rule yet.",
            not_yet,
        ) % {"count": not_yet}
    return JobOutcome(summary=summary, applied=issued, details={"issued": issued, "not_yet": not_yet})


CERTIFICATES_ISSUE = register_job_kind(
    JobKind(
        key=KIND,
        label=gettext_lazy("Certificates of a session"),
        capability="training.manage",
        handler=certificates_issue_start,
        step=certificates_issue_step,
        finish=certificates_issue_finish,
        personal_data=False,  # no result file
    )
)
