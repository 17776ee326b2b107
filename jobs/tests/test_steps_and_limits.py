"""Jobs in steps (each step its own task, committed with its progress; a failing step fails the job
and cleans up) and the per-association limit on running jobs (a job over it waits, and starts when
a slot frees; the slot check holds under concurrency)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from associations.errors import WaslError
from associations.tenancy import association_scope
from jobs import services
from jobs.models import Job
from jobs.registry import JobKind, JobOutcome, JobResult, JobSteps, register_job_kind

CLEANED: list[tuple[int, bool]] = []


def _plan(*, job, params, progress):
    progress.total(params.get("steps", 3))
    return JobSteps(count=params.get("steps", 3), state={"seen": []})


def _step(*, job, state, index, progress):
    if index == job.params.get("fail_at"):
        raise WaslError(translation.gettext("Enter a valid e-mail address."))
    progress.advance()
    return {"seen": [*state["seen"], index]}


def _finish(*, job, state, progress):
    # A write of the finish's own, to see whether its transaction was kept or rolled back.
    Job.objects.filter(pk=job.pk).update(params={**job.params, "finished": True})
    return JobOutcome(
        summary=f"{len(state['seen'])} steps seen",
        applied=len(state["seen"]),
        refused=job.params.get("refuse", 0),
        check_only=job.params.get("check_only", False),
        file=JobResult(
            content=",".join(map(str, state["seen"])).encode(), filename="seen.txt", content_type="text/plain"
        ),
    )


def _cleanup(*, job, state, succeeded):
    CLEANED.append((job.pk, succeeded))


register_job_kind(
    JobKind(
        key="tests.steps",
        label="test",
        capability="roles.manage",
        handler=_plan,
        step=_step,
        finish=_finish,
        cleanup=_cleanup,
    )
)


register_job_kind(
    JobKind(
        key="tests.steps_no_outcome",
        label="test",
        capability="roles.manage",
        handler=_plan,
        step=_step,
        finish=lambda *, job, state, progress: JobResult(b"", "x.txt", "text/plain"),
        cleanup=_cleanup,
    )
)


def start(tenant, kind="tests.steps", **params) -> Job:
    with association_scope(tenant.association):
        return services.job_start(actor=tenant.president, role_kind="president", kind=kind, params=params)


def reload(tenant, job) -> Job:
    with association_scope(tenant.association):
        return Job.objects.get(pk=job.pk)


def test_each_step_is_committed_with_its_progress_and_runs_once(tenant_a):
    job = start(tenant_a)
    aid = tenant_a.association.pk
    assert services.job_run(association_id=aid, job_id=job.pk) == Job.Status.RUNNING
    job = reload(tenant_a, job)
    assert (job.steps_total, job.steps_done, job.progress_done, job.progress_total) == (3, 0, 0, 3)
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=1) is None  # not its turn
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=0) == 1
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=0) is None  # a duplicate: nothing
    job = reload(tenant_a, job)
    assert (job.status, job.steps_done, job.progress_done, job.state["seen"]) == ("running", 1, 1, [0])
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=1) == 2
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=2) == 3
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=3) is None  # the finish
    job = reload(tenant_a, job)
    assert job.status == Job.Status.SUCCEEDED and job.progress_done == job.progress_total == 3
    from documents.files import private_storage

    with association_scope(tenant_a.association), private_storage().open(job.result_file, "rb") as handle:
        assert handle.read() == b"0,1,2"
    assert (job.pk, True) in CLEANED


def test_steps_run_through_the_tasks_to_the_end(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(tenant_a, steps=5)
    job = reload(tenant_a, job)
    assert job.status == Job.Status.SUCCEEDED and job.steps_done == 6 and job.state["seen"] == [0, 1, 2, 3, 4]


def test_a_failing_step_fails_the_job_says_why_and_cleans_up(tenant_a):
    job = start(tenant_a, fail_at=1)
    aid = tenant_a.association.pk
    services.job_run(association_id=aid, job_id=job.pk)
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=0) == 1
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=1) is None
    job = reload(tenant_a, job)
    assert job.status == Job.Status.FAILED and job.steps_done == 1 and job.state["seen"] == [0]
    assert job.error_message == "Enter a valid e-mail address."  # the step's own message
    assert not job.result_file and (job.pk, False) in CLEANED
    assert services.job_run_step(association_id=aid, job_id=job.pk, index=1) is None  # a failed job stays so


def _run_all_steps(tenant, job) -> Job:
    aid = tenant.association.pk
    assert services.job_run(association_id=aid, job_id=job.pk) == Job.Status.RUNNING
    index = 0
    while index is not None:
        index = services.job_run_step(association_id=aid, job_id=job.pk, index=index)
    return reload(tenant, job)


def test_a_finish_that_refused_something_fails_the_job_and_keeps_nothing_it_wrote(tenant_a):
    """The JobOutcome rule holds for jobs in steps too: the service, not the finish, decides."""
    job = _run_all_steps(tenant_a, start(tenant_a, refuse=2))
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.error_message == "3 steps seen" and not job.summary
    assert "finished" not in job.params  # the finish's writes were rolled back
    assert not job.result_file  # a failed job hands over no file
    assert (job.pk, False) in CLEANED  # the steps' leftovers are cleaned up as after any failure
    assert services.job_run_step(association_id=tenant_a.association.pk, job_id=job.pk, index=3) is None


def test_a_finish_that_only_checked_ends_checked_never_done(tenant_a):
    job = _run_all_steps(tenant_a, start(tenant_a, check_only=True))
    assert job.status == Job.Status.CHECKED and job.summary == "3 steps seen"
    assert "finished" not in job.params  # a check writes nothing
    assert (job.pk, False) in CLEANED


def test_a_finish_that_did_its_work_keeps_it_in_the_transaction_that_ends_the_job(tenant_a):
    job = _run_all_steps(tenant_a, start(tenant_a))
    assert job.status == Job.Status.SUCCEEDED and job.summary == "3 steps seen"
    assert job.params["finished"] is True and job.result_file


def test_a_finish_that_returns_no_outcome_fails_the_job(tenant_a):
    """A finish that says nothing about what it did (a bare file) is a bug, never a success."""
    job = _run_all_steps(tenant_a, start(tenant_a, kind="tests.steps_no_outcome"))
    assert job.status == Job.Status.FAILED and not job.result_file


# --- One association cannot hold every worker --------------------------------------------


def test_a_job_over_the_association_limit_waits_and_starts_when_a_slot_frees(
    settings, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    settings.WASL_JOBS_PER_ASSOCIATION = 1
    aid = tenant_a.association.pk
    long_job = start(tenant_a)
    assert services.job_run(association_id=aid, job_id=long_job.pk) == Job.Status.RUNNING  # in its steps
    waiting = start(tenant_a, kind="associations.audit_export")
    assert services.job_run(association_id=aid, job_id=waiting.pk) == Job.Status.QUEUED
    assert (
        reload(tenant_a, waiting).status == Job.Status.QUEUED and reload(tenant_a, waiting).started_at is None
    )
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    job_page = reverse(
        "jobs:detail", kwargs={"association_slug": tenant_a.association.slug, "job_id": waiting.pk}
    )
    page = client.get(job_page).content.decode()
    assert "Waiting" in page and "earlier background jobs are done" in page
    # Another association is not held up by the first one's jobs.
    other = start(tenant_b, kind="associations.audit_export")
    assert services.job_run(association_id=tenant_b.association.pk, job_id=other.pk) == Job.Status.SUCCEEDED
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(4):
            services.job_run_step(association_id=aid, job_id=long_job.pk, index=index)
    assert reload(tenant_a, long_job).status == Job.Status.SUCCEEDED
    assert reload(tenant_a, waiting).status == Job.Status.SUCCEEDED  # started when the slot freed


def test_a_higher_limit_lets_that_many_jobs_run_at_once(settings, tenant_a):
    settings.WASL_JOBS_PER_ASSOCIATION = 2
    aid = tenant_a.association.pk
    first, second, third = start(tenant_a), start(tenant_a), start(tenant_a)
    assert services.job_run(association_id=aid, job_id=first.pk) == Job.Status.RUNNING
    assert services.job_run(association_id=aid, job_id=second.pk) == Job.Status.RUNNING
    assert services.job_run(association_id=aid, job_id=third.pk) == Job.Status.QUEUED


def test_the_sweep_fails_silent_jobs_and_starts_the_waiting_ones(
    settings, tenant_a, django_capture_on_commit_callbacks
):
    settings.WASL_JOBS_PER_ASSOCIATION = 1
    aid = tenant_a.association.pk
    with association_scope(tenant_a.association):
        silent = Job.objects.create(kind="tests.steps", requested_by=tenant_a.president, language="en",
                                    status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=3),
                                    heartbeat_at=timezone.now() - timedelta(hours=2))  # fmt: skip
        busy = Job.objects.create(kind="tests.steps", requested_by=tenant_a.president, language="en",
                                  status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=3),
                                  heartbeat_at=timezone.now() - timedelta(minutes=1))  # fmt: skip
    waiting = start(tenant_a, kind="associations.audit_export")
    assert services.job_run(association_id=aid, job_id=waiting.pk) == Job.Status.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.jobs_sweep_association(association_id=aid)
    # Still alive after three hours (its steps commit): kept, and it still holds the only slot.
    assert outcome["failed"] == [silent.pk] and outcome["started"] == []
    assert reload(tenant_a, silent).status == Job.Status.FAILED
    assert "interrupted" in reload(tenant_a, silent).error_message
    assert (silent.pk, False) in CLEANED
    assert reload(tenant_a, busy).status == Job.Status.RUNNING
    with association_scope(tenant_a.association):
        Job.objects.filter(pk=busy.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.jobs_sweep_association(association_id=aid)
    assert outcome["failed"] == [busy.pk]
    assert reload(tenant_a, waiting).status == Job.Status.SUCCEEDED


def test_the_beat_sweep_visits_only_associations_with_old_waiting_or_running_jobs(tenant_a, tenant_b):
    from unittest import mock

    from jobs import tasks

    with association_scope(tenant_a.association):
        Job.objects.create(kind="tests.steps", requested_by=tenant_a.president, language="en",
                           created_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    with association_scope(tenant_b.association):
        Job.objects.create(kind="tests.steps", requested_by=tenant_b.president, language="en")  # just queued
    with mock.patch.object(tasks.sweep_association, "delay") as delay:
        assert tasks.sweep() == 1
    delay.assert_called_once_with(association_id=tenant_a.association.pk)


# --- The slot check under concurrency (PostgreSQL: real row locks) ------------------------

PEAK = {"now": 0, "max": 0}
GUARD = threading.Lock()
RELEASE = threading.Event()


def _blocking(*, job, params, progress):
    with GUARD:
        PEAK["now"] += 1
        PEAK["max"] = max(PEAK["max"], PEAK["now"])
    RELEASE.wait(timeout=10)
    with GUARD:
        PEAK["now"] -= 1
    return JobOutcome(summary="done")


register_job_kind(JobKind(key="tests.blocking", label="test", capability="roles.manage", handler=_blocking))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_exceed_the_limit(settings, monkeypatch):
    from conftest import build_tenant

    settings.WASL_JOBS_PER_ASSOCIATION = 1
    tenant = build_tenant("lim")
    with association_scope(tenant.association):  # queued, as job_start leaves them, but not run yet
        first, second = (
            Job.objects.create(kind="tests.blocking", requested_by=tenant.president, language="en")
            for _ in range(2)
        )
    counted = services._running_count

    def slow_count():
        # Widen the window between counting the running jobs and claiming one: without the
        # association's lock, both workers would count none and both start.
        value = counted()
        time.sleep(0.4)
        return value

    monkeypatch.setattr(services, "_running_count", slow_count)
    PEAK.update(now=0, max=0)
    RELEASE.clear()
    barrier = threading.Barrier(2)
    outcomes = {}

    def worker(job):
        try:
            barrier.wait(timeout=5)
            outcomes[job.pk] = services.job_run(association_id=tenant.association.pk, job_id=job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in (first, second)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # both have claimed (or waited) by now; one handler is blocked
    RELEASE.set()
    for thread in threads:
        thread.join(timeout=20)
    assert PEAK["max"] == 1
    assert sorted(outcomes.values()) == [Job.Status.QUEUED, Job.Status.SUCCEEDED]
    # The waiting one was started when the first ended (transactional test: on_commit runs).
    assert {reload(tenant, job).status for job in (first, second)} == {Job.Status.SUCCEEDED}
