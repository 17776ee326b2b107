"""Job result files are not kept for ever: deleted from the private storage after
WASL_JOB_RESULT_RETENTION_DAYS by a beat sweep, the row marked, the page saying so."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from config.celery import app
from documents.files import private_storage, save_private_file
from jobs import services
from jobs.models import Job
from jobs.tasks import expire_results


def job_url(tenant, name, job):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, "job_id": job.pk})


def finished_job(tenant, *, days_ago: int, kind="members.cards") -> Job:
    started = timezone.now() - timedelta(days=days_ago)
    with association_scope(tenant.association):
        return Job.objects.create(
            kind=kind,
            requested_by=tenant.president,
            language="en",
            status=Job.Status.SUCCEEDED,
            created_at=started,
            finished_at=started + timedelta(minutes=1),
            result_file=save_private_file("jobs", "cards.pdf", b"%PDF names of people"),
            result_name="cards.pdf",
            result_content_type="application/pdf",
        )


def test_the_sweep_is_in_the_beat_schedule_and_the_retention_is_a_setting():
    assert settings.WASL_JOB_RESULT_RETENTION_DAYS == 30
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jobs.expire_results" in schedule
    app.loader.import_default_modules()
    assert {"jobs.expire_results", "jobs.expire_association_results"} <= set(app.tasks)


def test_results_past_the_retention_are_deleted_from_storage_and_marked(tenant_a, tenant_b):
    old = finished_job(tenant_a, days_ago=31)
    recent = finished_job(tenant_a, days_ago=29)
    other = finished_job(tenant_b, days_ago=40)
    assert expire_results() == 2  # A and B, each in its own scope
    assert not private_storage().exists(old.result_file)
    assert not private_storage().exists(other.result_file)
    assert private_storage().exists(recent.result_file)
    with association_scope(tenant_a.association):
        old_after = Job.objects.get(pk=old.pk)
        assert Job.objects.get(pk=recent.pk).result_file == recent.result_file
    assert old_after.result_file == "" and old_after.result_deleted_reason == Job.ResultDeletion.EXPIRED
    assert old_after.result_deleted_at is not None
    assert expire_results() == 0  # nothing left to do


def test_an_expired_result_says_expired_instead_of_a_broken_link(client, tenant_a):
    job = finished_job(tenant_a, days_ago=31)
    client.force_login(tenant_a.president)
    page = client.get(job_url(tenant_a, "jobs:detail", job)).content.decode()
    assert job_url(tenant_a, "jobs:download", job) in page and "kept until" in page
    with association_scope(tenant_a.association):
        assert services.job_results_expire() == 1
    page = client.get(job_url(tenant_a, "jobs:detail", job)).content.decode()
    assert "expired and was deleted" in page
    assert job_url(tenant_a, "jobs:download", job) not in page
    assert client.get(job_url(tenant_a, "jobs:download", job)).status_code == 404
    assert (
        "Expired"
        in client.get(
            reverse("jobs:list", kwargs={"association_slug": tenant_a.association.slug})
        ).content.decode()
    )


def test_the_retention_follows_the_setting(tenant_a, settings):
    settings.WASL_JOB_RESULT_RETENTION_DAYS = 7
    job = finished_job(tenant_a, days_ago=8)
    with association_scope(tenant_a.association):
        assert services.job_results_expire() == 1
    assert not private_storage().exists(job.result_file)


def test_erasing_personal_data_deletes_results_that_may_hold_it(tenant_a):
    before = timezone.now() - timedelta(days=2)
    cards = finished_job(tenant_a, days_ago=1)  # may list the person
    audit = finished_job(tenant_a, days_ago=1, kind="associations.audit_export")  # names no member
    older = finished_job(tenant_a, days_ago=3)  # finished before the person was registered
    with association_scope(tenant_a.association):
        assert services.job_results_erase(since=before) == 1
        cards_after = Job.objects.get(pk=cards.pk)
    assert not private_storage().exists(cards.result_file)
    assert private_storage().exists(audit.result_file) and private_storage().exists(older.result_file)
    assert cards_after.result_deleted_reason == Job.ResultDeletion.ERASED
