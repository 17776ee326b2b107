"""Background jobs: a real export with progress and a private download; a job failing half-way
leaves nothing behind and says why in the requester's language; a duplicated run does nothing."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations import services as association_services
from associations.errors import WaslError
from associations.models import Invitation
from associations.tenancy import association_scope
from jobs import services
from jobs.models import Job
from jobs.registry import JobKind, register_job_kind


def job_url(tenant, name, job):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, "job_id": job.pk})


def test_audit_export_runs_with_progress_and_a_private_download(
    client, tenant_a, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jobs:start", kwargs={"association_slug": tenant_a.association.slug}),
            {"kind": "associations.audit_export"},
        )
    with association_scope(tenant_a.association):
        job = Job.objects.filter(kind="associations.audit_export").latest("created_at")
    assert response["Location"] == job_url(tenant_a, "jobs:detail", job)
    assert job.status == Job.Status.SUCCEEDED
    assert job.progress_done == job.progress_total > 0
    page = client.get(job_url(tenant_a, "jobs:detail", job)).content.decode()
    assert "100%" in page and job_url(tenant_a, "jobs:download", job) in page
    assert 'hx-trigger="every 1s"' not in page  # finished: the page stops polling
    download = client.get(job_url(tenant_a, "jobs:download", job))
    csv_text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "associations.invitation.created" in csv_text and tenant_a.president.email in csv_text
    client.force_login(tenant_a.member)
    assert client.get(job_url(tenant_a, "jobs:download", job)).status_code == 403


def failing_handler(*, job, params, progress):
    """Does real work (two invitations), then fails half-way."""
    progress.total(4)
    for email in ("half1@example.ma", "half2@example.ma"):
        association_services.invitation_create(actor=job.requested_by, email=email, kind="member")
        progress.advance()
    raise WaslError(translation.gettext("Enter a valid e-mail address."))


register_job_kind(
    JobKind(key="tests.half_way", label="test", capability="roles.manage", handler=failing_handler)
)


def test_a_job_failing_half_way_leaves_nothing_behind(tenant_a):
    with association_scope(tenant_a.association), translation.override("fr"):
        job = services.job_start(actor=tenant_a.president, role_kind="president", kind="tests.half_way")
    assert job.language == "fr"
    status = services.job_run(association_id=tenant_a.association.pk, job_id=job.pk)
    assert status == Job.Status.FAILED
    with association_scope(tenant_a.association):
        assert not Invitation.objects.filter(email__startswith="half").exists()
        job.refresh_from_db()
    assert job.progress_done == 2 and job.progress_total == 4
    with translation.override("fr"):
        expected = translation.gettext("Enter a valid e-mail address.")
    assert job.error_message == expected != "Enter a valid e-mail address."


def test_unexpected_errors_are_reported_without_details(tenant_a):
    def crash(*, job, params, progress):
        raise RuntimeError("database password is hunter2")

    register_job_kind(JobKind(key="tests.crash", label="test", capability="audit.view", handler=crash))
    with association_scope(tenant_a.association), translation.override("en"):
        job = services.job_start(actor=tenant_a.president, role_kind="president", kind="tests.crash")
    services.job_run(association_id=tenant_a.association.pk, job_id=job.pk)
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "unexpected error" in job.error_message and "hunter2" not in job.error_message


def test_a_duplicated_run_does_nothing(tenant_a):
    with association_scope(tenant_a.association):
        job = services.job_start(
            actor=tenant_a.president, role_kind="president", kind="associations.audit_export"
        )
    assert services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    with association_scope(tenant_a.association):
        first_file = Job.objects.get(pk=job.pk).result_file
    assert services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    with association_scope(tenant_a.association):
        assert Job.objects.get(pk=job.pk).result_file == first_file


def test_running_job_page_polls_and_shows_live_progress(tenant_a):
    with association_scope(tenant_a.association):
        job = Job.objects.create(kind="associations.audit_export", requested_by=tenant_a.president, language="en",
                                 status=Job.Status.RUNNING)  # fmt: skip
    cache.set(f"wasl:job-progress:{job.pk}", (30, 120))
    client = Client(headers={"Accept-Language": "en", "HX-Request": "true"})
    client.force_login(tenant_a.president)
    partial = client.get(job_url(tenant_a, "jobs:detail", job)).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "25%" in partial and "<html" not in partial


def test_starting_a_job_needs_its_capability(tenant_a):
    with association_scope(tenant_a.association), pytest.raises(WaslError):
        services.job_start(actor=tenant_a.member, role_kind="member", kind="associations.audit_export")


def test_a_job_is_visible_to_its_requester_or_its_capability(client, tenant_a):
    with association_scope(tenant_a.association):
        job = Job.objects.create(kind="tests.half_way", requested_by=tenant_a.treasurer, language="en")
    client.force_login(tenant_a.treasurer)
    assert client.get(job_url(tenant_a, "jobs:detail", job)).status_code == 200
    client.force_login(tenant_a.president)  # roles.manage: may follow it
    assert client.get(job_url(tenant_a, "jobs:detail", job)).status_code == 200


def test_a_job_left_running_by_a_dead_worker_is_reported(tenant_a):
    from datetime import timedelta

    from django.utils import timezone

    with association_scope(tenant_a.association):
        job = Job.objects.create(kind="associations.audit_export", requested_by=tenant_a.president, language="en",
                                 status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    assert services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.FAILED
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    assert "interrupted" in job.error_message


def test_the_start_endpoint_checks_the_kind_and_its_capability(client, tenant_a):
    start = reverse("jobs:start", kwargs={"association_slug": tenant_a.association.slug})
    client.force_login(tenant_a.member)  # no audit.view
    assert client.post(start, {"kind": "associations.audit_export"}).status_code == 403
    client.force_login(tenant_a.president)
    assert client.post(start, {"kind": "no.such_kind"}).status_code == 404
    # A kind its module starts itself, with its own checks, cannot be started from a form.
    assert client.post(start, {"kind": "members.import", "import_id": "1"}).status_code == 404
    assert client.get(start, {"kind": "associations.audit_export"}).status_code == 405
    with association_scope(tenant_a.association):
        assert not Job.objects.exclude(pk=tenant_a.job.pk).exists()


def test_the_audit_export_keeps_the_page_filter(client, tenant_a):
    client.force_login(tenant_a.president)
    start = reverse("jobs:start", kwargs={"association_slug": tenant_a.association.slug})
    response = client.post(
        start, {"kind": "associations.audit_export", "action": "associations.role" + "x" * 200}
    )
    with association_scope(tenant_a.association):
        job = Job.objects.exclude(pk=tenant_a.job.pk).get()
    assert response["Location"] == job_url(tenant_a, "jobs:detail", job)
    assert job.params == {"action": ("associations.role" + "x" * 200)[:80]}
    page = client.get(reverse("associations:audit", kwargs={"association_slug": tenant_a.association.slug}))
    assert f'action="{start}"' in page.content.decode()
