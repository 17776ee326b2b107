"""A job's final state is derived from what its handler says it did (issue 7, item 1): a refused
effect fails the job and keeps nothing the handler wrote, a check ends "checked", and a handler
that does not say what it did cannot end "done"."""

from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations import services as association_services
from associations.models import Invitation
from associations.tenancy import association_scope
from jobs import services
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, register_job_kind


def _invite_then_report(outcome: JobOutcome):
    def handler(*, job, params, progress):
        progress.total(1)
        association_services.invitation_create(actor=job.requested_by, email=params["email"], kind="member")
        progress.advance()
        return outcome

    return handler


def _record(*, job, outcome):
    # What a kind keeps of its outcome (an import keeps its per-row report): kept whatever it was.
    association_services.invitation_create(
        actor=job.requested_by, email=f"record-{job.params['email']}", kind="member"
    )


def _run(tenant, kind: str, email: str) -> Job:
    with association_scope(tenant.association), translation.override("en"):
        job = services.job_start(
            actor=tenant.president, role_kind="president", kind=kind, params={"email": email}
        )
    services.job_run(association_id=tenant.association.pk, job_id=job.pk)
    with association_scope(tenant.association):
        job.refresh_from_db()
    return job


def _invited(tenant, email: str) -> bool:
    with association_scope(tenant.association):
        return Invitation.objects.filter(email=email).exists()


register_job_kind(JobKind(key="tests.refused", label="test", capability="roles.manage", record=_record,
                          handler=_invite_then_report(JobOutcome(summary="2 rows have errors.", applied=5, refused=2))))  # fmt: skip
register_job_kind(JobKind(key="tests.check", label="test", capability="roles.manage", record=_record,
                          handler=_invite_then_report(JobOutcome(summary="Checked.", check_only=True))))  # fmt: skip
register_job_kind(JobKind(key="tests.done", label="test", capability="roles.manage", record=_record,
                          handler=_invite_then_report(JobOutcome(summary="1 invitation sent.", applied=1))))  # fmt: skip


def test_a_refused_effect_fails_the_job_and_keeps_only_its_record(tenant_a):
    job = _run(tenant_a, "tests.refused", "refused@example.ma")
    assert job.status == Job.Status.FAILED and job.error_message == "2 rows have errors."
    assert job.progress_done == job.progress_total == 1
    assert not _invited(tenant_a, "refused@example.ma")  # the handler's writes are rolled back
    assert _invited(tenant_a, "record-refused@example.ma")  # what the kind records is kept


def test_a_check_ends_checked_and_writes_nothing(tenant_a):
    job = _run(tenant_a, "tests.check", "check@example.ma")
    assert job.status == Job.Status.CHECKED and job.summary == "Checked." and job.finished
    assert not _invited(tenant_a, "check@example.ma")
    assert _invited(tenant_a, "record-check@example.ma")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    page = client.get(
        reverse("jobs:detail", kwargs={"association_slug": tenant_a.association.slug, "job_id": job.pk})
    ).content.decode()
    assert "Checked, nothing changed" in page and "Done" not in page and 'hx-trigger="every 1s"' not in page


def test_a_done_job_ends_with_its_effects_and_its_summary(tenant_a):
    job = _run(tenant_a, "tests.done", "done@example.ma")
    assert job.status == Job.Status.SUCCEEDED and job.summary == "1 invitation sent."
    assert _invited(tenant_a, "done@example.ma") and _invited(tenant_a, "record-done@example.ma")


def test_a_handler_that_does_not_say_what_it_did_cannot_succeed(tenant_a):
    def old_style(*, job, params, progress):
        association_services.invitation_create(actor=job.requested_by, email=params["email"], kind="member")
        return JobResult(content=b"x", filename="x.csv", content_type="text/csv")

    register_job_kind(
        JobKind(key="tests.old_style", label="test", capability="roles.manage", handler=old_style)
    )
    job = _run(tenant_a, "tests.old_style", "old@example.ma")
    assert job.status == Job.Status.FAILED and "unexpected error" in job.error_message
    assert not _invited(tenant_a, "old@example.ma") and not job.result_file


def test_a_job_whose_record_fails_keeps_none_of_its_effects(tenant_a):
    def broken_record(*, job, outcome):
        raise RuntimeError("disk full")

    register_job_kind(JobKind(key="tests.broken_record", label="test", capability="roles.manage",
                              handler=_invite_then_report(JobOutcome(summary="ok", applied=1)),
                              record=broken_record))  # fmt: skip
    job = _run(tenant_a, "tests.broken_record", "broken@example.ma")
    assert job.status == Job.Status.FAILED and not _invited(tenant_a, "broken@example.ma")


def test_an_empty_card_sheet_is_refused_not_done(tenant_a):
    with association_scope(tenant_a.association), translation.override("en"):
        job = services.job_start(actor=tenant_a.president, role_kind="president", kind="members.cards",
                                 params={"query": "nobody-matches-this", "status": "active"})  # fmt: skip
    assert services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.FAILED
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    assert "No member matches" in job.error_message and not job.result_file


def test_the_audit_export_says_how_many_events_it_wrote(tenant_a):
    with association_scope(tenant_a.association), translation.override("en"):
        job = services.job_start(
            actor=tenant_a.president, role_kind="president", kind="associations.audit_export"
        )
    services.job_run(association_id=tenant_a.association.pk, job_id=job.pk)
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.summary == f"{job.progress_total} events exported."
