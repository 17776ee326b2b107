"""Beat entries (config/settings/base.py): the dirty sweep every minute, a full rebuild nightly."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="ministry.refresh_dirty")
def refresh_dirty() -> dict:
    from ministry.rollup import refresh_dirty as run

    return run()


@shared_task(name="ministry.rebuild")
def rebuild() -> dict:
    from ministry.rollup import rebuild as run

    return run()


@shared_task(name="ministry.render_report")
def render_report(report_id: int) -> None:
    from ministry.reports import render

    render(report_id=report_id)
