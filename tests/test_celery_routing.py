"""Each task goes to its queue: e-mails and SMS ("messages") never wait behind bulk work (jobs and PDF
rendering, "bulk"), and neither waits behind the platform's short tasks (the default queue).
docker-compose.yml runs a worker for each."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app

QUEUES = {
    "notifications.dispatch_due": "messages",
    "notifications.dispatch_association": "messages",
    "notifications.sweep_reminders": "messages",
    "notifications.sweep_association_reminders": "messages",
    # Announcements only write outbox rows (in chunks) and start them: with the messages.
    "communication.queue_announcement": "messages",
    "communication.start_due": "messages",
    "communication.start_due_association": "messages",
    "jobs.run": "bulk",
    "jobs.run_step": "bulk",
    "documents.render": "bulk",
    "jobs.sweep": "celery",
    "jobs.sweep_association": "celery",
    # Deleting expired result files: short, per association, nothing anyone waits for.
    "jobs.expire_results": "celery",
    "jobs.expire_association_results": "celery",
    "associations.audit_chain_verify": "celery",
    "members.anonymise_former_members": "celery",
    "members.anonymise_association": "celery",
    # The ministry's roll-ups: the minute sweep is short; the nightly rebuild and PDF reports are bulk.
    "ministry.refresh_dirty": "celery",
    "ministry.rebuild": "bulk",
    "ministry.render_report": "bulk",
}


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name, (), {})["queue"].name


@pytest.mark.parametrize(("task_name", "queue"), sorted(QUEUES.items()))
def test_each_task_is_routed_to_its_queue(task_name, queue):
    assert queue_of(task_name) == queue


def test_every_task_has_its_queue_chosen_here():
    """A new task is placed on purpose: messages, bulk work, or the default queue."""
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours == set(QUEUES), (
        f"add these tasks to QUEUES (and to a route if not default): {ours ^ set(QUEUES)}"
    )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_messages_worker_sends_while_bulk_work_waits(settings):
    from notifications.tasks import dispatch_due

    app.conf.update(broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL, task_always_eager=False)
    # A worker started with queues=[...] narrows the app's consumed queues for good (like -Q): the
    # other worker tests of this process must find them as they were.
    consumed = app.amqp.queues._consume_from
    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge("bulk")
        # Bulk work queued first, with no bulk worker running: it waits, and does not hold messages up.
        app.send_task("jobs.run", kwargs={"association_id": 0, "job_id": 0})
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["messages"]
        ):
            assert dispatch_due.delay().get(timeout=30) == 0  # nothing due, but it ran
        with app.connection_for_write() as connection:
            assert connection.default_channel.client.llen("bulk") == 1  # still waiting for a bulk worker
            connection.default_channel.queue_purge("bulk")
    finally:
        app.amqp.queues._consume_from = consumed
        app.conf.task_always_eager = True
