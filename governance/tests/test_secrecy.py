"""The secret ballot: nothing in the ballot tables can tie a ballot to a voter (an architecture
test over the models, and on PostgreSQL over the real tables), and one ballot per vote holds
under fifty simultaneous submissions."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from associations.errors import WaslError
from associations.tenancy import association_scope
from governance import services
from governance.models import AgendaItem, Ballot, BallotSelection, Participation

# Every column a ballot may have, and why none of them identifies a voter.
BALLOT_COLUMNS = {
    "id",  # random UUID (uuid4), not a serial: its value says nothing of when it was written
    "association_id",
    "poll_id",
    "choice",
    "receipt_code",  # random, shown once to the voter, stored nowhere else
}
SELECTION_COLUMNS = {"id", "association_id", "ballot_id", "candidate_id", "candidate_list_id"}
VOTER_MODELS = {
    "members.member",
    "accounts.user",
    "governance.participation",
    "governance.voterrollentry",
    "governance.attendance",
    "governance.proxy",
}


@pytest.mark.parametrize(
    ("model", "allowed"), [(Ballot, BALLOT_COLUMNS), (BallotSelection, SELECTION_COLUMNS)]
)
def test_ballot_tables_hold_no_voter_no_time_and_no_serial(model, allowed):
    fields = model._meta.concrete_fields
    assert {f.column for f in fields} == allowed
    for f in fields:
        assert not isinstance(f, models.DateField | models.DateTimeField | models.TimeField)
        assert not isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField)
        if f.is_relation:
            assert f.related_model._meta.label_lower not in VOTER_MODELS
    assert isinstance(model._meta.pk, models.UUIDField) and model._meta.pk.default is uuid.uuid4
    # No ordering by anything but a random key, and no index or constraint over a voter.
    assert not model._meta.ordering
    for constraint in model._meta.constraints:
        assert set(constraint.fields) <= {f.name for f in fields}


def test_no_table_points_at_a_ballot_except_its_selections():
    pointing = {
        m._meta.label_lower
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.is_relation and f.related_model is Ballot
    }
    assert pointing == {"governance.ballotselection"}


def test_participation_holds_nothing_of_the_ballot():
    columns = {f.column for f in Participation._meta.concrete_fields}
    assert columns == {"id", "association_id", "poll_id", "member_id", "cast_by_id", "remote"}


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_real_ballot_table_has_no_sequence_default_or_trigger():
    with connection.cursor() as cursor:
        for table, allowed in (
            ("governance_ballot", BALLOT_COLUMNS),
            ("governance_ballotselection", SELECTION_COLUMNS),
        ):
            cursor.execute(
                "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = %s",
                [table],
            )
            rows = cursor.fetchall()
            assert {name for name, _default in rows} == allowed
            assert all(default is None for _name, default in rows), rows  # no sequence, no now()
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
            )
            assert cursor.fetchone()[0] == 0


def _poll_with_voters(hall, present):
    from governance.tests.conftest import open_assembly

    with association_scope(hall.association):
        assembly = open_assembly(hall, present=present)
        item = AgendaItem.objects.filter(assembly=assembly, kind="resolution").first()
        poll = services.poll_create(actor=hall.president, agenda_item_id=item.pk)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
    return poll


def _at_once(count, work):
    barrier = threading.Barrier(count)
    outcomes = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            outcomes.append(work(index))
        except WaslError as error:
            outcomes.append(error.code)
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_ballots_by_one_voter_make_one_ballot():
    from governance.tests.conftest import build_hall

    hall = build_hall("fifty", members=10)
    poll = _poll_with_voters(hall, present=8)
    voter = hall.members[0]

    def cast(index):
        with association_scope(hall.association):
            return services.ballot_cast(member=voter, poll_id=poll.pk, choice=["for", "against"][index % 2])

    outcomes = _at_once(50, cast)
    receipts = [o for o in outcomes if o not in ("already_voted",)]
    assert len(receipts) == 1 and outcomes.count("already_voted") == 49, outcomes
    with association_scope(hall.association):
        assert Participation.objects.filter(poll=poll).count() == 1
        assert Ballot.objects.filter(poll=poll).count() == 1
        assert Ballot.objects.get(poll=poll).receipt_code == receipts[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_rewrites_ballots_so_transaction_ids_and_row_order_no_longer_follow_the_votes():
    from governance.tests.conftest import build_hall

    hall = build_hall("order", members=10)
    poll = _poll_with_voters(hall, present=8)
    for index in range(8):  # one transaction each, in a known order
        with association_scope(hall.association):
            services.ballot_cast(member=hall.members[index], poll_id=poll.pk, choice="for")

    def xmins():
        with association_scope(hall.association), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT xmin::text) FROM governance_ballot WHERE poll_id = %s", [poll.pk]
            )
            return cursor.fetchone()[0]

    def physical_order():
        with association_scope(hall.association), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM governance_ballot WHERE poll_id = %s ORDER BY ctid", [poll.pk])
            return [row[0] for row in cursor.fetchall()]

    # Before closing, each ballot carries the id of the transaction that also wrote its
    # participation, and the table's physical order is the order of the votes...
    assert xmins() == 8
    before = physical_order()
    with association_scope(hall.association):
        services.poll_close(actor=hall.president, poll_id=poll.pk)
    # ...after closing, every ballot was written by the closing transaction, in a random order
    # (the same order again has a chance of 1 in 8! = 40,320).
    assert xmins() == 1
    after = physical_order()
    assert sorted(after) == sorted(before) and after != before
