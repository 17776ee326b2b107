"""Work longer than a request (bulk PDFs, imports, exports), with progress and a result file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class Job(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        CHECKED = "checked", _("Checked, nothing changed")  # a check: by design it writes nothing
        FAILED = "failed", _("Failed")

    class ResultDeletion(models.TextChoices):
        EXPIRED = "expired", _("Expired")
        ERASED = "erased", _("Deleted with the personal data it held")

    kind = models.CharField(max_length=60)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8)  # the requester's: progress and errors speak it
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result_file = models.CharField(max_length=300, blank=True)  # name in the private storage
    result_name = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    # Result files are not kept for ever (jobs/services.py: job_results_expire, job_results_erase).
    result_deleted_at = models.DateTimeField(null=True, blank=True)
    result_deleted_reason = models.CharField(max_length=10, choices=ResultDeletion.choices, blank=True)
    summary = models.TextField(blank=True)  # what the job did, in the requester's language
    error_message = models.TextField(blank=True)
    # Work split into steps (JobSteps): each step is its own task, so none comes near the broker's
    # visibility timeout and other associations' tasks get their turn between two steps.
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)  # what the steps hand on to each other
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Last committed sign of life (claim, each step): a running job silent for longer than the
    # visibility timeout was interrupted.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["association", "requested_by", "created_at"], name="job_requester"),
            # The expiry sweep reads only the jobs that still have a result file.
            models.Index(
                fields=["association", "created_at"],
                name="job_result_kept",
                condition=~models.Q(result_file=""),
            ),
            # The per-association limit counts running jobs and starts the oldest waiting one.
            models.Index(fields=["association", "status", "created_at"], name="job_association_status"),
        ]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.CHECKED, self.Status.FAILED)
