"""A real Celery worker against Redis runs a tenant task inside the task's association scope."""

import pytest
from celery.contrib.testing.worker import start_worker

from associations.models import AuditEvent
from associations.tasks import audit_chain_verify
from associations.tenancy import ScopeError, association_scope
from config.celery import app

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings):
    app.conf.update(
        broker_url=settings.REDIS_URL,
        result_backend=settings.REDIS_URL,
        task_always_eager=False,
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def test_worker_runs_tenant_task_in_its_scope(worker):
    from conftest import build_tenant

    a, b = build_tenant("wa"), build_tenant("wb")
    result = audit_chain_verify.delay(association_id=a.association.pk).get(timeout=30)
    assert result == {"association": a.association.slug, "intact": True}
    result_b = audit_chain_verify.apply_async(kwargs={"association_id": b.association.pk}).get(timeout=30)
    assert result_b["association"] == b.association.slug
    with association_scope(a.association):
        assert AuditEvent.objects.count() > 0


def test_tenant_task_without_association_is_refused(worker):
    # send_task skips the client-side signature check, so the worker itself must refuse.
    with pytest.raises(ScopeError, match="needs association_id"):
        app.send_task("associations.audit_chain_verify", kwargs={}).get(timeout=30, propagate=True)
