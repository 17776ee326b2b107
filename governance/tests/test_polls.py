"""Polls: the frozen roll, secret ballots and their receipts, show of hands, results, elections,
and every bad input refused with nothing recorded."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from associations.errors import NotFound, WaslError
from associations.tenancy import association_scope
from finance.models import Due, FiscalYear
from governance import selectors, services
from governance.models import AgendaItem, Ballot, Participation, Poll, VoterRollEntry
from governance.tests.conftest import build_hall, open_assembly

pytestmark = pytest.mark.django_db


def _resolution_poll(hall, *, present=6, method="secret", **assembly_values):
    assembly = open_assembly(hall, present=present, **assembly_values)
    item = AgendaItem.objects.filter(assembly=assembly, kind="resolution").first()
    poll = services.poll_create(actor=hall.president, agenda_item_id=item.pk, method=method)
    return assembly, poll


def _election(hall, *, present=8, seats=1, candidates=(1, 2, 3), mode="candidates", lists=None):
    assembly = open_assembly(hall, present=present, items=(("election", "Elect the president"),))
    item = AgendaItem.objects.get(assembly=assembly)
    poll = services.poll_create(
        actor=hall.president, agenda_item_id=item.pk, office="president", seats=seats, election_mode=mode
    )
    for index in candidates:
        services.candidate_add(
            actor=hall.president,
            poll_id=poll.pk,
            member_id=hall.members[index].pk,
            list_name=(lists or {}).get(index, ""),
        )
    return assembly, poll


def _owes_dues(member):
    year = FiscalYear.objects.order_by("start_date").first() or FiscalYear.objects.create(
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    Due.objects.create(member=member, fiscal_year=year, amount=Decimal("100.00"), due_date=year.start_date)


def _nothing_recorded(poll, ballots=0):
    assert Ballot.objects.filter(poll=poll).count() == ballots
    assert Participation.objects.filter(poll=poll).count() == ballots


def test_secret_resolution_adopted_with_receipts(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        assert VoterRollEntry.objects.filter(poll=poll).count() == 6
        receipts = [
            services.ballot_cast(member=hall.members[i], poll_id=poll.pk, choice=choice)
            for i, choice in enumerate(["for", "for", "for", "against", "abstain"])
        ]
        assert len(set(receipts)) == 5
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        result = selectors.poll_result(poll)
        assert (result.tally.yes, result.tally.no, result.tally.abstain) == (3, 1, 1)
        assert result.ballots == result.participations == 5
        assert result.base == "valid" and result.base_total == 4 and result.adopted
        assert all(selectors.receipt_counted(poll=poll, code=code.lower()) for code in receipts)
        assert not selectors.receipt_counted(poll=poll, code="NOTACODE22")


def test_voting_twice_is_refused(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        with pytest.raises(WaslError) as error:
            services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="against")
        assert error.value.code == "already_voted"
        _nothing_recorded(poll, ballots=1)


def test_voting_after_closing_is_refused(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        with pytest.raises(WaslError) as error:
            services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        assert error.value.code == "closed"
        _nothing_recorded(poll)


def test_a_member_who_came_after_the_poll_opened_is_not_on_its_roll(hall):
    with association_scope(hall.association):
        assembly, poll = _resolution_poll(hall, present=6)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        services.attendance_check_in(
            actor=hall.president, assembly_id=assembly.pk, member_id=hall.members[7].pk
        )
        with pytest.raises(WaslError) as error:
            services.ballot_cast(member=hall.members[7], poll_id=poll.pk, choice="for")
        assert error.value.code == "not_on_roll"
        _nothing_recorded(poll)


@pytest.mark.parametrize("choice", ["yes", "", "FOR"])
def test_a_bad_choice_is_refused(hall, choice):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        with pytest.raises(WaslError):
            services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice=choice)
        _nothing_recorded(poll)


def test_another_associations_poll_id_is_not_found(hall):
    other = build_hall("other", members=8)
    with association_scope(other.association):
        _assembly, foreign = _resolution_poll(other)
        services.poll_open(actor=other.president, poll_id=foreign.pk)
    with association_scope(hall.association):
        with pytest.raises(NotFound):
            services.ballot_cast(member=hall.members[0], poll_id=foreign.pk, choice="for")
        with pytest.raises(NotFound):
            services.poll_close(actor=hall.president, poll_id=foreign.pk)
    with association_scope(other.association):
        _nothing_recorded(foreign)


def test_a_member_owing_dues_cannot_vote_when_the_statutes_say_so(hall):
    with association_scope(hall.association):
        _owes_dues(hall.members[0])
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        with pytest.raises(WaslError) as error:
            services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        assert error.value.code == "not_on_roll"
        assert poll.__class__.objects.get(pk=poll.pk).members_count == 9
        _nothing_recorded(poll)


def test_a_member_owing_dues_votes_when_the_statutes_do_not_require_them(hall):
    with association_scope(hall.association):
        services.statute_rules_adopt(actor=hall.president, values={"dues_required_to_vote": False})
        _owes_dues(hall.members[0])
        _assembly, poll = _resolution_poll(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        _nothing_recorded(poll, ballots=1)


def test_a_proxy_holder_casts_each_vote_they_hold_once(hall):
    with association_scope(hall.association):
        assembly, poll = _resolution_poll(hall, present=6)
        services.proxy_record(
            actor=hall.president,
            assembly_id=assembly.pk,
            grantor_id=hall.members[8].pk,
            holder_id=hall.members[0].pk,
        )
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        assert poll.present_count == 7
        assert len(selectors.votes_in_hand(poll, hall.members[0])) == 2
        services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        services.ballot_cast(
            member=hall.members[0], poll_id=poll.pk, choice="against", on_behalf_of=hall.members[8].pk
        )
        with pytest.raises(WaslError):
            services.ballot_cast(
                member=hall.members[0], poll_id=poll.pk, choice="for", on_behalf_of=hall.members[8].pk
            )
        with pytest.raises(WaslError):  # the grantor's vote is not theirs to cast any more
            services.ballot_cast(
                member=hall.members[1], poll_id=poll.pk, choice="for", on_behalf_of=hall.members[8].pk
            )
        _nothing_recorded(poll, ballots=2)
        assert selectors.votes_in_hand(poll, hall.members[0]) == []


def test_a_poll_does_not_open_without_quorum(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall, present=5)  # 5 of 10 is not more than half
        with pytest.raises(WaslError) as error:
            services.poll_open(actor=hall.president, poll_id=poll.pk)
        assert error.value.code == "no_quorum"
        assert not VoterRollEntry.objects.filter(poll=poll).exists()


def test_show_of_hands_uses_the_statutes_majority_and_base(hall):
    with association_scope(hall.association):
        assembly = open_assembly(hall, present=9, items=(("resolution", "Amend article 3"),))
        item = AgendaItem.objects.get(assembly=assembly)
        item.decision_kind = "statutes"  # two thirds of those present and represented
        item.save(update_fields=["decision_kind"])
        poll = services.poll_create(actor=hall.president, agenda_item_id=item.pk, method="hands")
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        with pytest.raises(WaslError):
            services.hands_record(
                actor=hall.president, poll_id=poll.pk, yes=8, no=2, abstain=0
            )  # 10 > 9 present
        with pytest.raises(WaslError):
            services.ballot_cast(member=hall.members[0], poll_id=poll.pk, choice="for")
        services.hands_record(actor=hall.president, poll_id=poll.pk, yes=5, no=0, abstain=4)
        poll.refresh_from_db()
        result = selectors.poll_result(poll)
        assert (result.threshold, result.base, result.base_total, result.needed) == ("2/3", "present", 9, 6)
        assert result.adopted is False  # 5 of 9 is short of two thirds, though nobody voted against


def test_election_with_receipts_feeds_the_election_results(hall):
    with association_scope(hall.association):
        _assembly, poll = _election(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        candidates = {c.member_id: c.pk for c in selectors.candidates_of(poll)}
        first, second = candidates[hall.members[1].pk], candidates[hall.members[2].pk]
        for voter, choice in zip(range(6), [first, first, first, second, second, None], strict=True):
            services.ballot_cast(
                member=hall.members[voter], poll_id=poll.pk, candidate_ids=[choice] if choice else []
            )
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        result = selectors.poll_result(poll)
        assert [(c.member_id, c.votes, c.elected) for c in result.candidates][:2] == [
            (hall.members[1].pk, 3, True),
            (hall.members[2].pk, 2, False),
        ]
        assert result.base_total == 5  # the blank ballot is not a valid vote
        elected = selectors.election_results(assembly_id=poll.assembly_id)
        assert [(e.member_id, e.office, e.votes) for e in elected] == [(hall.members[1].pk, "president", 3)]


def test_voting_for_a_non_candidate_or_too_many_is_refused(hall):
    with association_scope(hall.association):
        _assembly, poll = _election(hall)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        candidate = selectors.candidates_of(poll).first().pk
        for bad in ([hall.members[5].pk + 10_000], ["x"], [candidate, candidate + 1]):
            with pytest.raises(WaslError):
                services.ballot_cast(member=hall.members[0], poll_id=poll.pk, candidate_ids=bad)
        _nothing_recorded(poll)


def test_a_tie_goes_to_a_new_round_when_the_statutes_say_so(hall):
    with association_scope(hall.association):
        services.statute_rules_adopt(actor=hall.president, values={"tie_rule": "new_round"})
        _assembly, poll = _election(hall, seats=1)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        ids = [c.pk for c in selectors.candidates_of(poll)]
        for voter, choice in enumerate([ids[0], ids[1], ids[0], ids[1], ids[2]]):
            services.ballot_cast(member=hall.members[voter], poll_id=poll.pk, candidate_ids=[choice])
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        result = selectors.poll_result(poll)
        assert result.needs_new_round and result.seats_in_tie == 1
        assert selectors.election_results(poll_id=poll.pk) == []
        second = services.poll_new_round(actor=hall.president, poll_id=poll.pk)
        assert second.round == 2 and second.seats == 1
        assert sorted(c.member_id for c in selectors.candidates_of(second)) == [
            hall.members[1].pk,
            hall.members[2].pk,
        ]


def test_a_tie_settled_by_age_elects_the_eldest(hall):
    with association_scope(hall.association):
        _assembly, poll = _election(hall, seats=1)  # default rule: the eldest
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        ids = [c.pk for c in selectors.candidates_of(poll)]  # members 1 and 2 born 1971 and 1972
        for voter, choice in enumerate([ids[1], ids[0], ids[1], ids[0]]):
            services.ballot_cast(member=hall.members[voter], poll_id=poll.pk, candidate_ids=[choice])
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        assert [e.member_id for e in selectors.election_results(poll_id=poll.pk)] == [hall.members[1].pk]


def test_list_election_elects_the_winning_list(hall):
    with association_scope(hall.association):
        _assembly, poll = _election(
            hall,
            candidates=(1, 2, 3, 4),
            mode="lists",
            lists={1: "Avenir", 2: "Avenir", 3: "Renouveau", 4: "Renouveau"},
        )
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        lists = {lst.name: lst.pk for lst in selectors.lists_of(poll)}
        for voter, name in enumerate(["Avenir", "Renouveau", "Avenir"]):
            services.ballot_cast(member=hall.members[voter], poll_id=poll.pk, list_id=lists[name])
        with pytest.raises(WaslError):
            services.ballot_cast(member=hall.members[5], poll_id=poll.pk, list_id=lists["Avenir"] + 999)
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        poll.refresh_from_db()
        elected = {e.member_id for e in selectors.election_results(poll_id=poll.pk)}
        assert elected == {hall.members[1].pk, hall.members[2].pk}


def test_remote_voting_within_the_window(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall, present=6, remote_voting=True)
        opened = services.poll_open(actor=hall.president, poll_id=poll.pk, remote_minutes=30)
        assert VoterRollEntry.objects.filter(poll=poll, remote=True).count() == 4
        services.ballot_cast(member=hall.members[8], poll_id=poll.pk, choice="for", now=opened.opened_at)
        late = opened.remote_until + datetime.timedelta(seconds=1)
        with pytest.raises(WaslError) as error:
            services.ballot_cast(member=hall.members[9], poll_id=poll.pk, choice="for", now=late)
        assert error.value.code == "window_closed"
        _nothing_recorded(poll, ballots=1)


def test_closing_shuffles_but_keeps_every_ballot(hall):
    with association_scope(hall.association):
        _assembly, poll = _resolution_poll(hall, present=8)
        services.poll_open(actor=hall.president, poll_id=poll.pk)
        receipts = {
            services.ballot_cast(member=hall.members[i], poll_id=poll.pk, choice="for") for i in range(8)
        }
        before = set(Ballot.objects.filter(poll=poll).values_list("id", "receipt_code", "choice"))
        services.poll_close(actor=hall.president, poll_id=poll.pk)
        after = set(Ballot.objects.filter(poll=poll).values_list("id", "receipt_code", "choice"))
        assert before == after and {r for _i, r, _c in after} == receipts
        assert Poll.objects.get(pk=poll.pk).status == "closed"
