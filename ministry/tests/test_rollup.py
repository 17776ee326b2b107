"""The roll-ups equal direct counts, hold counts and sums only, and refresh what changed since the last
sweep (audit chains that moved, marks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from associations.tenancy import association_scope, cross_tenant_read
from finance.models import EntryLine, EntryStatus
from members.models import Member
from ministry.models import AreaFigure, AssociationFigure, DirtyAssociation, SweptAudit
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


def _donations(tenant) -> Decimal:
    found = AssociationFigure.objects.filter(
        association_ref=tenant.association.pk,
        indicator="resources_donations",
        year=tenant.fiscal_year.start_date.year,
    ).first()
    return found.value if found else Decimal("0")


def _donate(tenant, amount: str):
    from finance.models import Account
    from finance.services.payments import payment_record

    with association_scope(tenant.association):
        return payment_record(
            actor=tenant.treasurer, amount=amount, method="cash", date=tenant.fiscal_year.start_date,
            payer_name="Donor", purpose="Gift", credit_account_id=Account.objects.get(code="7171").pk,
            series="donations", send_receipt=False,
        )  # fmt: skip


def test_an_audited_change_writes_nothing_for_the_ministry_and_the_sweep_finds_it_by_its_chain(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    """A payment appends audit events and marks nothing (no row, no hook after commit); the sweep
    takes the association because its audit chain moved, and only that one."""
    rebuild()
    assert refresh_dirty()["associations"] == 0  # nothing changed since the rebuild
    before = _donations(tenant_a)
    with django_capture_on_commit_callbacks() as hooks:
        _donate(tenant_a, "250.00")
    assert not [hook for hook in hooks if getattr(hook, "ministry_dirty", None)]
    assert not DirtyAssociation.objects.exists()
    assert refresh_dirty()["associations"] == 1
    assert _donations(tenant_a) == before + Decimal("250.00")
    with cross_tenant_read(reason="test"):
        from associations.models import AuditChainHead

        head = AuditChainHead.objects.get(association=tenant_a.association).last_seq
    assert SweptAudit.objects.get(association_ref=tenant_a.association.pk).last_seq == head
    assert refresh_dirty()["associations"] == 0  # swept: not again until it changes


def test_a_change_committed_while_the_sweep_reads_is_swept_again(tenant_a, monkeypatch):
    """The chain heads are read before the figures: a change landing between the two (here: made
    while the sweep computes) leaves the head past the kept seq, so the next sweep takes it again."""
    from ministry import rollup

    rebuild()
    _donate(tenant_a, "10.00")
    compute = rollup.association_rows
    landed = []

    def rows_with_a_change_landing_first(ids, *, today):
        if not landed:
            landed.append(_donate(tenant_a, "5.00"))
        return compute(ids, today=today)

    monkeypatch.setattr(rollup, "association_rows", rows_with_a_change_landing_first)
    before = _donations(tenant_a)
    assert refresh_dirty()["associations"] == 1
    monkeypatch.setattr(rollup, "association_rows", compute)
    assert refresh_dirty()["associations"] == 1  # the 5.00 moved the chain past what was kept
    assert refresh_dirty()["associations"] == 0
    assert _donations(tenant_a) >= before + Decimal("5.00")
