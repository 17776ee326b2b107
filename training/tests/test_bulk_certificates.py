"""Bulk certificate issue as a job with progress: every learner of the session who meets the rule
gets one certificate per course, whatever the reruns; the outcome says what happened."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from jobs.models import Job
from training import bulk_certificates, services
from training.models import Attendance, Certificate, Enrolment, EnrolmentStatus
from training.tests.helpers import course_with_session, days, enrol, members


def _setup(tenant, *, learners=5, attending=3):
    course, session = course_with_session(tenant, capacity=learners, dates=days(-1, 1))
    enrolments = [enrol(tenant, person, session=session) for person in members(tenant, learners)]
    with association_scope(tenant.association):
        day = services.session_days(session)[0]
        # Recorded directly (the attendance service would already issue at the last day).
        Attendance.objects.bulk_create(
            Attendance(enrolment=e, day=day, status="present", taken_by=tenant.president)
            for e in enrolments[:attending]
        )
    return course, session, enrolments


def run_job(client, tenant, session, capture):
    with capture(execute=True):
        response = client.post(
            reverse(
                "training:session_certificates",
                kwargs={"association_slug": tenant.association.slug, "session_id": session.pk},
            )
        )
    assert response.status_code == 302
    with association_scope(tenant.association):
        return Job.objects.filter(kind=bulk_certificates.KIND).latest("created_at")


def test_the_job_issues_once_per_learner_and_course_whatever_the_reruns(
    tenant_a, django_capture_on_commit_callbacks, settings
):
    settings.WASL_CERTIFICATES_PER_STEP = 2  # several steps
    course, session, enrolments = _setup(tenant_a)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    job = run_job(client, tenant_a, session, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert job.steps_total == 3 and job.progress_done == job.progress_total == 5
    assert "3 certificates issued" in job.summary and "2 learners do not meet" in job.summary
    with association_scope(tenant_a.association):
        assert Certificate.objects.filter(course=course).count() == 3
        assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.COMPLETED).count() == 3
    again = run_job(client, tenant_a, session, django_capture_on_commit_callbacks)
    assert again.status == Job.Status.SUCCEEDED
    assert "0 certificates issued" in again.summary and "3 learners already had it" in again.summary
    with association_scope(tenant_a.association):
        assert Certificate.objects.filter(course=course).count() == 3
        # A step run again (a retried task) issues nothing twice either.
        state = {"enrolment_ids": [e.pk for e in enrolments], "per_step": 5, "before": 3}
        job_row = Job.objects.get(pk=again.pk)
        progress = type("P", (), {"advance": lambda self, n=1: None})()
        bulk_certificates.certificates_issue_step(job=job_row, state=state, index=0, progress=progress)
        assert Certificate.objects.filter(course=course).count() == 3


def test_a_session_with_nobody_seated_fails_with_a_reason(tenant_a, django_capture_on_commit_callbacks):
    _course, session = course_with_session(tenant_a, capacity=2)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    job = run_job(client, tenant_a, session, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and "Nobody is seated" in job.error_message


@pytest.mark.parametrize("who", ["member", "other"])
def test_only_this_associations_officers_start_it(tenant_a, tenant_b, who):
    _course, session = course_with_session(tenant_a, capacity=2)
    client = Client()
    client.force_login(tenant_a.member if who == "member" else tenant_b.president)
    response = client.post(
        reverse(
            "training:session_certificates",
            kwargs={"association_slug": tenant_a.association.slug, "session_id": session.pk},
        )
    )
    assert response.status_code in (403, 404)
    with association_scope(tenant_a.association):
        assert not Job.objects.filter(kind=bulk_certificates.KIND).exists()
