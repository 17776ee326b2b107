"""What opening a poll and casting a ballot cost in queries, pinned: the voter list is frozen in a
fixed number of queries whatever the number of voters, and a secret ballot is three statements in
the service (the poll with the voter's roll entry, the participation, the ballot) — the figures
of bench/assembly.py rest on these (docs/notes/2026-11-29/s3-ballotspeed.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from governance import services
from governance.models import AgendaItem, Ballot, BallotSelection, Participation, VoterRollEntry
from governance.tests.conftest import build_hall, open_assembly

pytestmark = pytest.mark.django_db


def _poll_ready(hall, *, present: int, **assembly_values):
    """An assembly in session with `present` members in, one absent member's proxy held by the
    first, and a secret resolution poll not yet open."""
    assembly = open_assembly(hall, present=present, **assembly_values)
    services.proxy_record(
        actor=hall.president,
        assembly_id=assembly.pk,
        grantor_id=hall.members[present].pk,
        holder_id=hall.members[0].pk,
    )
    item = AgendaItem.objects.get(assembly=assembly)
    return services.poll_create(actor=hall.president, agenda_item_id=item.pk)


@pytest.mark.parametrize("remote", [False, True], ids=["room", "remote"])
def test_opening_a_poll_costs_the_same_queries_for_3_and_30_voters(remote):
    counts, rolls = {}, {}
    for size in (3, 30):
        hall = build_hall(f"open-{size}-{int(remote)}", members=size + 3)
        with association_scope(hall.association):
            poll = _poll_ready(hall, present=size, remote_voting=remote)
            with CaptureQueriesContext(connection) as queries:
                services.poll_open(
                    actor=hall.president, poll_id=poll.pk, remote_minutes=30 if remote else None
                )
            counts[size] = len(queries)
            roll = VoterRollEntry.objects.filter(poll=poll)
            rolls[size] = (
                roll.filter(remote=False, holder_id=hall.members[0].pk).count(),  # own vote + proxy
                roll.filter(remote=False).count(),
                roll.filter(remote=True).count(),
            )
    assert counts[3] == counts[30], counts
    assert counts[3] <= 14, counts  # locks, rules, three room reads, one INSERT, the poll, the audit
    # The roll is right at both sizes: everyone in, the proxy, and (remote) the two left outside.
    for size in (3, 30):
        assert rolls[size] == (2, size + 1, 2 if remote else 0), (size, rolls[size])


def _open_poll(hall, *, present=6):
    with association_scope(hall.association):
        poll = _poll_ready(hall, present=present)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
    return poll


def test_a_ballot_is_three_statements_and_a_repeat_two_with_nothing_written(hall):
    poll = _open_poll(hall)
    with association_scope(hall.association):
        with CaptureQueriesContext(connection) as queries:
            receipt = services.ballot_cast(member=hall.members[1], poll_id=poll.pk, choice="for")
        assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]
        with CaptureQueriesContext(connection) as queries, pytest.raises(WaslError) as refused:
            services.ballot_cast(member=hall.members[1], poll_id=poll.pk, choice="against")
        assert refused.value.code == "already_voted" and len(queries) == 2
        # A proxy's vote is the same three statements, for the grantor's roll entry.
        with CaptureQueriesContext(connection) as queries:
            services.ballot_cast(
                member=hall.members[0], poll_id=poll.pk, choice="against", on_behalf_of=hall.members[6].pk
            )
        assert len(queries) == 3
        assert (
            Ballot.objects.filter(poll=poll).count() == Participation.objects.filter(poll=poll).count() == 2
        )
        assert Ballot.objects.get(receipt_code=receipt).choice == "for"
        # Refusals before any write: not on the roll, and a bad choice.
        for member, choice, code in [
            (hall.members[8], "for", "not_on_roll"),
            (hall.members[2], "x", "bad_choice"),
        ]:
            with pytest.raises(WaslError) as refused:
                services.ballot_cast(member=member, poll_id=poll.pk, choice=choice)
            assert refused.value.code == code
        assert Participation.objects.filter(poll=poll).count() == 2


def test_a_refused_ballot_leaves_the_callers_transaction_usable(hall):
    """No savepoint, and the refusal raised after the service's block: a page that catches it
    goes on querying in the same transaction (ATOMIC_REQUESTS)."""
    poll = _open_poll(hall)
    with association_scope(hall.association):
        services.ballot_cast(member=hall.members[1], poll_id=poll.pk, choice="for")
        with pytest.raises(WaslError):
            services.ballot_cast(member=hall.members[1], poll_id=poll.pk, choice="for")
        assert not connection.needs_rollback
        assert Participation.objects.filter(poll=poll).count() == 1


def test_an_election_ballot_adds_only_its_candidate_check_and_selections(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=6, items=(("election", "Elect the treasurer"),))
        poll = services.poll_create(
            actor=hall.president,
            agenda_item_id=AgendaItem.objects.get(assembly=assembly).pk,
            office="treasurer",
            seats=2,
        )
        candidates = [
            services.candidate_add(actor=hall.president, poll_id=poll.pk, member_id=hall.members[i].pk)
            for i in (1, 2, 3)
        ]
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        with CaptureQueriesContext(connection) as queries:
            services.ballot_cast(
                member=hall.members[0], poll_id=poll.pk, candidate_ids=[candidates[0].pk, candidates[2].pk]
            )
        assert len(queries) == 5
        assert BallotSelection.objects.filter(ballot__poll=poll).count() == 2


# The whole request, middleware included: the association (on PostgreSQL the same query sets the
# row-level security scope), the user, the role, the member, the poll for the page, the service's
# three statements, the votes left in hand. Inside the test's transaction the request's atomic
# block is a savepoint pair, and on PostgreSQL the scope's setting is handed back at its end (one
# more query); the API opens its scope with its own savepoint and set_config.
PAGE_QUERIES = {"sqlite": 11, "postgresql": 12}
API_QUERIES = {"sqlite": 11, "postgresql": 13}


def test_the_phone_ballot_and_the_api_ballot_cost_a_fixed_number_of_queries(hall):
    poll = _open_poll(hall)
    page = Client()
    page.force_login(hall.voter_user)
    vote = reverse("governance:vote", kwargs={"association_slug": hall.association.slug, "poll_id": poll.pk})
    page.get(vote)
    with CaptureQueriesContext(connection) as queries:
        response = page.post(vote, {"choice": "for"})
    assert response.status_code == 200 and "alert-success" in response.content.decode()
    assert len(queries) == PAGE_QUERIES[connection.vendor], "\n".join(
        q["sql"][:100] for q in queries.captured_queries
    )
    # The proxy holder's second vote through the API.
    api = f"/api/v1/associations/{hall.association.slug}/governance/polls/{poll.pk}/ballots/"
    payload = {"choice": "against", "on_behalf_of": hall.members[6].pk}
    with CaptureQueriesContext(connection) as queries:
        response = page.post(api, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert len(queries) == API_QUERIES[connection.vendor], "\n".join(
        q["sql"][:100] for q in queries.captured_queries
    )
    with association_scope(hall.association):
        assert (
            Ballot.objects.filter(poll=poll).count() == Participation.objects.filter(poll=poll).count() == 2
        )
