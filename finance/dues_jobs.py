"""The job that generates a fiscal year's dues (started from the dues schedule page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

from finance.services.dues import GENERATE_JOB, dues_generate
from jobs.registry import JobKind, JobOutcome, register_job_kind


def _generate(*, job, params, progress) -> JobOutcome:
    created = dues_generate(
        actor=job.requested_by, fiscal_year_id=params.get("fiscal_year_id"), progress=progress
    )
    return JobOutcome(
        summary=ngettext("%(count)s due created.", "%(count)s dues created.", created) % {"count": created}
        if created
        else str(gettext_lazy("Every member already had the dues of this year: nothing to create.")),
        applied=created,
    )


DUES_GENERATE = register_job_kind(
    JobKind(
        key=GENERATE_JOB,
        label=gettext_lazy("Generate the year's dues"),
        capability="finance.post",
        handler=_generate,
        personal_data=False,
    )
)
