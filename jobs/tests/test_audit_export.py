"""The audit-trail export (a job kind the jobs service hosts for the tenant core) neutralises
formulas like every CSV the product writes."""

import csv
import io

from associations.audit import audit_record
from associations.models import Association
from associations.tenancy import association_scope
from documents.files import private_storage
from jobs import services as job_services
from jobs.models import Job

HOSTILE = '=HYPERLINK("http://evil","x")'


def test_the_audit_export_neutralises_a_hostile_target_label(tenant_a):
    association = tenant_a.association
    Association.objects.filter(pk=association.pk).update(name_ar=HOSTILE)  # labels are written in Arabic
    association.refresh_from_db()
    with association_scope(association):
        audit_record(actor=tenant_a.president, action="tests.hostile", target=association, changes={HOSTILE: 1})
        job = job_services.job_start(
            actor=tenant_a.president, role_kind="president", kind="associations.audit_export"
        )
    assert job_services.job_run(association_id=tenant_a.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    with association_scope(tenant_a.association):
        job.refresh_from_db()
    text = private_storage().open(job.result_file).read().decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if "tests.hostile" in r)
    # The label is told inside the event's sentence; a key of its changes opens the details cell.
    assert any(HOSTILE in cell for cell in row)
    assert "'" + HOSTILE + ": 1" in row and HOSTILE + ": 1" not in row
    assert all(
        not cell or cell[0] not in "=+-@\t\r" for line in csv.reader(io.StringIO(text)) for cell in line
    )
