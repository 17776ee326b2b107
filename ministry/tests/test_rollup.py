"""The roll-ups equal direct counts, hold counts and sums only, and refresh from the dirty queue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from associations.tenancy import association_scope, cross_tenant_read
from finance.models import EntryLine, EntryStatus
from members.models import Member
from ministry.models import AreaFigure, AssociationFigure, DirtyAssociation
from ministry.rollup import rebuild, refresh_dirty

pytestmark = pytest.mark.django_db


def area(indicator, *, level="nation", area="", sector="", size=""):
    found = AreaFigure.objects.filter(
        level=level,
        area=area,
        sector_code=sector,
        size_band=size,
        year=timezone.localdate().year,
        indicator=indicator,
    ).first()
    return found


def test_rebuild_counts_members_and_dues_of_every_association(tenant_a, tenant_b):
    result = rebuild()
    assert result["associations"] == 2
    with cross_tenant_read(reason="test"):
        members = Member.objects.filter(status__in=("active", "suspended")).count()
        dues = sum(
            (line.credit - line.debit)
            for line in EntryLine.objects.filter(
                account__code__startswith="7152", entry__status=EntryStatus.POSTED
            )
        )
    cell = area("members")
    assert cell.value == members
    assert cell.hidden  # two associations: under five
    assert AssociationFigure.objects.filter(indicator="members").count() == 2
    assert sum(f.value for f in AssociationFigure.objects.filter(indicator="resources_dues")) == Decimal(dues)
    assert area("associations").value == 2


def test_a_change_marks_the_association_and_the_sweep_refreshes_it(
    tenant_a, django_capture_on_commit_callbacks
):
    from members import services

    rebuild()
    before = area("members").value
    with django_capture_on_commit_callbacks(execute=True), association_scope(tenant_a.association):
        services.member_admit(actor=tenant_a.president, first_name_latin="New", last_name_latin="Member")
    assert DirtyAssociation.objects.filter(association_ref=tenant_a.association.pk).exists()
    assert refresh_dirty()["associations"] == 1
    assert area("members").value == before + 1
    assert not DirtyAssociation.objects.exists()
