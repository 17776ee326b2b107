"""Declarations to the local authority: the one-month deadline, its reminders (each fires once),
the provisional and final receipts, the pack, and compliance."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from associations.errors import WaslError
from governance.compliance import compliance_of, compliance_summary
from governance.models import Declaration, DeclarationStatus
from governance.services_bureau import Seat, bureau_install, mandate_record
from governance.services_declarations import (
    declaration_open,
    declaration_record_filing,
    declaration_record_final_receipt,
    one_month_after,
)
from governance.tests import bureau_fixtures
from governance.tests.bureau_fixtures import build_board, held_assembly, member
from notifications.models import Message
from notifications.reminders import reminders_sweep

pytestmark = pytest.mark.django_db
board = bureau_fixtures.board


@pytest.mark.parametrize(
    ("changed", "due"),
    [
        (date(2026, 3, 15), date(2026, 4, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 20), date(2027, 1, 20)),
    ],
)
def test_the_deadline_is_one_month_after_the_change(changed, due):
    assert one_month_after(changed) == due


def test_a_declaration_goes_from_open_to_filed_to_acknowledged(board):
    actor = board.president
    declaration = declaration_open(actor=actor, kind="statutes", changed_on=date(2026, 9, 1))
    assert declaration.due_on == date(2026, 10, 1)
    with pytest.raises(WaslError):
        declaration_record_final_receipt(
            actor=actor, declaration_id=declaration.pk, final_on=date(2026, 9, 20)
        )
    declaration_record_filing(
        actor=actor, declaration_id=declaration.pk, filed_on=date(2026, 9, 10), reference="R-12"
    )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.FILED
    assert declaration.final_due_on == date(2026, 11, 9)  # 60 days
    with pytest.raises(WaslError):
        declaration_record_filing(actor=actor, declaration_id=declaration.pk, filed_on=date(2026, 9, 11))
    declaration_record_final_receipt(actor=actor, declaration_id=declaration.pk, final_on=date(2026, 10, 30))
    declaration.refresh_from_db()
    assert (declaration.status, declaration.final_on) == (DeclarationStatus.ACKNOWLEDGED, date(2026, 10, 30))


@pytest.mark.parametrize(
    ("field", "filed_on"),
    [("filed_on", date(2026, 8, 31)), ("filed_on", None), ("filed_on", "tomorrow")],
)
def test_a_bad_receipt_date_is_refused_and_changes_nothing(board, field, filed_on):
    declaration = declaration_open(actor=board.president, kind="bureau", changed_on=date(2026, 9, 1))
    if filed_on == "tomorrow":
        filed_on = timezone.localdate() + timedelta(days=1)
    with pytest.raises(WaslError) as refused:
        declaration_record_filing(actor=board.president, declaration_id=declaration.pk, filed_on=filed_on)
    assert refused.value.field == field
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.OPEN and declaration.filed_on is None


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "merger"},
        {"changed_on": None},
        {"changed_on": "future"},
        {"kind": "branch", "branch_name": " "},
        {"assembly_id": "999999"},
    ],
)
def test_opening_a_declaration_with_bad_input_is_refused(board, values):
    values = {"kind": "bureau", "changed_on": date(2026, 9, 1), **values}
    if values["changed_on"] == "future":
        values["changed_on"] = timezone.localdate() + timedelta(days=2)
    with pytest.raises(WaslError):
        declaration_open(actor=board.president, **values)
    assert Declaration.objects.count() == 0


def test_reminders_fire_before_and_after_the_deadline_once_each_and_stop_when_filed(board):
    changed = timezone.localdate() - timedelta(days=25)
    declaration = declaration_open(actor=board.president, kind="bureau", changed_on=changed)
    due = declaration.due_on
    assert reminders_sweep(today=due - timedelta(days=10)) == 1
    assert reminders_sweep(today=due - timedelta(days=10)) == 0  # a second sweep queues nothing more
    assert reminders_sweep(today=due - timedelta(days=3)) == 1
    assert reminders_sweep(today=due + timedelta(days=1)) == 1  # overdue
    messages = Message.objects.filter(template_key="governance.declaration_due")
    assert messages.count() == 3
    assert {m.to_address for m in messages} == {board.president.email}  # no secretary-general: the president
    declaration_record_filing(
        actor=board.president, declaration_id=declaration.pk, filed_on=timezone.localdate()
    )
    assert reminders_sweep(today=due + timedelta(days=7)) == 0
    declaration.refresh_from_db()
    assert reminders_sweep(today=declaration.final_due_on + timedelta(days=1)) == 1
    assert Message.objects.filter(template_key="governance.final_receipt_due").count() == 1


def test_compliance_counts_late_and_pending_declarations_and_expired_mandates(board):
    actor = board.president
    today = timezone.localdate()
    declaration_open(actor=actor, kind="bureau", changed_on=today - timedelta(days=40))  # late
    declaration_open(actor=actor, kind="statutes", changed_on=today - timedelta(days=3))  # pending
    mandate_record(
        actor=actor,
        member_id=member(actor=actor, name="Term").pk,
        office="president",
        starts_on=date(2020, 1, 1),
        ends_on=date(2024, 1, 1),
    )
    state = compliance_of()
    assert (state.declarations_late, state.declarations_pending, state.mandates_expired) == (1, 1, 1)
    assert state.last_ordinary_assembly is None and state.ordinary_assembly_overdue
    assembly = held_assembly(actor=actor, days_ago=20)
    assert compliance_of().last_ordinary_assembly == timezone.localdate(assembly.first_call_at)
    assert not compliance_of().ordinary_assembly_overdue


def test_the_ministry_summary_counts_associations_and_names_none(db):
    from associations.tenancy import association_scope

    boards = [build_board(label) for label in ("m1", "m2", "m3")]
    today = timezone.localdate()
    for index, one in enumerate(boards[:2]):
        with association_scope(one.association):
            declaration_open(
                actor=one.president, kind="bureau", changed_on=today - timedelta(days=40 + index)
            )
            held_assembly(actor=one.president, days_ago=30)
    summary = compliance_summary(association_ids=[b.association.pk for b in boards])
    assert summary.associations == 3
    assert summary.with_late_declarations == 2 and summary.declarations_late == 2
    assert summary.with_recent_ordinary_assembly == 2 and summary.without_ordinary_assembly == 1
    assert summary.mandates_expired == 0
    only_third = compliance_summary(association_ids=[boards[2].association.pk])
    assert only_third.declarations_late == 0 and only_third.associations == 1


def test_installing_a_bureau_twice_for_one_assembly_keeps_one_declaration(board):
    actor = board.president
    assembly = held_assembly(actor=actor)
    people = [member(actor=actor, name=n) for n in ("P", "Q")]
    for person in people:
        bureau_install(
            actor=actor,
            assembly_id=assembly.pk,
            seats=[Seat(person.pk, "president")],
            starts_on=timezone.localdate(),
        )
    assert Declaration.objects.filter(assembly=assembly).count() == 1


def test_compliance_is_one_query_and_the_summary_does_not_grow_with_associations(
    db, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from associations.tenancy import association_scope

    boards = [build_board(label) for label in ("q1", "q2", "q3")]
    for one in boards:
        with association_scope(one.association):
            declaration_open(
                actor=one.president, kind="bureau", changed_on=timezone.localdate() - timedelta(days=40)
            )
    with association_scope(boards[0].association), django_assert_num_queries(1):
        compliance_of()
    with CaptureQueriesContext(connection) as one:
        compliance_summary(association_ids=[boards[0].association.pk])
    with CaptureQueriesContext(connection) as three:
        summary = compliance_summary(association_ids=[b.association.pk for b in boards])
    # Seven reads; on PostgreSQL, entering and leaving the cross-tenant scope adds its own
    # statements (row-level security settings): 11 there. What matters is that it does not grow.
    assert len(one.captured_queries) == len(three.captured_queries) <= 12
    assert summary.with_late_declarations == 3
