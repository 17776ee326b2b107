"""Writes of the ministry module: a report request (the roll-ups are written by ministry.rollup)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from associations.errors import WaslError
from associations.models import Region
from ministry import selectors
from ministry.models import Report


class MinistryError(WaslError):
    """A request of the ministry's view was refused (message translated)."""


@transaction.atomic
def report_request(*, user, region_code: str, year) -> Report:
    """Queue a national (no region) or regional PDF report of one year; rendered after commit."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise MinistryError(_("Choose a year."), field="year") from None
    if year not in selectors.years():
        raise MinistryError(_("There are no figures for that year."), field="year")
    if region_code and not Region.objects.filter(code=region_code).exists():
        raise MinistryError(_("Choose a region from the list."), field="region")
    report = Report.objects.create(
        requested_by=user, region_code=region_code, year=year, language=(get_language() or "ar")[:2]
    )
    from ministry.tasks import render_report

    transaction.on_commit(lambda: render_report.delay(report.pk))
    return report
