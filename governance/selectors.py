"""Reads for governance: the rules in force, who has a vote, the live quorum, poll results and
the election results the bureau's mandates are built from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from finance.selectors import members_owing_queryset
from governance import arithmetic
from governance.models import (
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    Ballot,
    BallotChoice,
    BallotSelection,
    Candidate,
    CandidateList,
    ConvocationReply,
    ElectionMode,
    Participation,
    Poll,
    PollMethod,
    PollStatus,
    Proxy,
    StatuteRules,
    VoterRollEntry,
)
from members.models import Member, MemberStatus
from members.selectors import board_members

# --- Statute rules -------------------------------------------------------------------------------


def rules_current() -> StatuteRules | None:
    """The latest version of the statute rules, or None before any was recorded."""
    return StatuteRules.objects.order_by("-version").first()


def rules_versions() -> QuerySet[StatuteRules]:
    return StatuteRules.objects.order_by("-version")


def rules_for(assembly: Assembly) -> StatuteRules:
    """The rules of an assembly: those in force at its convocation; a draft follows the latest
    version, or the defaults (an unsaved row) when none was recorded."""
    if assembly.rules_id:
        return assembly.rules
    return rules_current() or StatuteRules(version=0)


# --- Assemblies ----------------------------------------------------------------------------------


def assemblies() -> QuerySet[Assembly]:
    return Assembly.objects.order_by("-first_call_at", "-id")


def assembly_get(*, assembly_id: int) -> Assembly | None:
    return Assembly.objects.select_related("rules").filter(pk=assembly_id).first()


def agenda_of(assembly: Assembly) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(assembly=assembly).order_by("position", "id")


def convened_for_member() -> QuerySet[Assembly]:
    """General assemblies a member is convened to, still to come or in session."""
    return Assembly.objects.filter(
        status__in=(AssemblyStatus.CONVENED, AssemblyStatus.OPEN), kind__in=GENERAL_KINDS
    ).order_by("first_call_at")


GENERAL_KINDS = (AssemblyKind.ORDINARY, AssemblyKind.EXTRAORDINARY, AssemblyKind.CONSTITUTIVE)


def reply_of(*, assembly: Assembly, member: Member) -> ConvocationReply | None:
    return ConvocationReply.objects.filter(assembly=assembly, member=member).first()


def reply_counts(assembly: Assembly) -> dict[str, int]:
    rows = ConvocationReply.objects.filter(assembly=assembly).values("answer").annotate(n=Count("id"))
    return {row["answer"]: row["n"] for row in rows}


# --- Who is convened, who has a vote -------------------------------------------------------------


def convened_members(assembly: Assembly) -> QuerySet[Member]:
    """Everyone the convocation goes to: every admitted, active member (the board for a board
    meeting)."""
    if assembly.kind == AssemblyKind.BOARD:
        return board_members().filter(status=MemberStatus.ACTIVE)
    return Member.objects.filter(status=MemberStatus.ACTIVE, number__isnull=False, anonymised_at=None)


def assembly_date(assembly: Assembly) -> datetime.date:
    return timezone.localdate(assembly.first_call_at)


def voters(assembly: Assembly) -> QuerySet[Member]:
    """Members with a vote at this assembly: the convened members, less those who owe dues on
    the day of the first call when the statutes in force say so (finance's standing)."""
    members = convened_members(assembly)
    if rules_for(assembly).dues_required_to_vote:
        members = members.exclude(pk__in=members_owing_queryset(on_date=assembly_date(assembly)))
    return members


def may_vote(assembly: Assembly, member: Member) -> bool:
    return voters(assembly).filter(pk=member.pk).exists()


# --- Attendance and quorum -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumStatus:
    call: int
    members: int  # members with a vote
    present: int  # of them, checked in
    represented: int  # proxies held by present voters for absent voters
    threshold: str
    needed: int
    reached: bool
    checked_in: int  # everyone checked in, voters or not

    @property
    def present_and_represented(self) -> int:
        return self.present + self.represented


@dataclass(frozen=True)
class Room:
    """Who has a vote and who is in the room, as three plain id sets read in three queries.

    The sets are combined here rather than in SQL: joining the attendance to the voters' subquery
    (itself filtered by the dues owed) left PostgreSQL's plan to the table statistics, and an
    attendance table filled in the last minutes, not yet analysed, made it a nested loop — 2.7 s
    for 2,000 present on an idle machine (docs/notes/2026-11-29/s3-ballotspeed.md). Each query
    here reads one table (members with the hashed dues subplan, the attendance, the proxies), so
    its cost grows with the assembly's size, whatever the statistics say."""

    voters: frozenset[int]  # members with a vote
    checked_in: frozenset[int]  # everyone checked in, voters or not
    proxies: tuple[tuple[int, int], ...]  # (grantor, holder) recorded for the assembly

    @property
    def present(self) -> frozenset[int]:
        """Voters checked in."""
        return self.voters & self.checked_in

    @property
    def represented(self) -> list[tuple[int, int]]:
        """Proxies that carry a vote: an absent voter's, held by a voter in the room."""
        present = self.present
        return [
            (grantor, holder)
            for grantor, holder in self.proxies
            if grantor in self.voters and grantor not in present and holder in present
        ]


def room_of(assembly: Assembly) -> Room:
    return Room(
        voters=frozenset(voters(assembly).values_list("pk", flat=True)),
        checked_in=frozenset(
            Attendance.objects.filter(assembly=assembly).values_list("member_id", flat=True)
        ),
        proxies=tuple(Proxy.objects.filter(assembly=assembly).values_list("grantor_id", "holder_id")),
    )


def quorum_status(assembly: Assembly, *, call: int | None = None, room: Room | None = None) -> QuorumStatus:
    """The live quorum of the current call (three queries, whatever the assembly's size; none
    when the caller already read the `room`)."""
    call = call or assembly.current_call
    rules = rules_for(assembly)
    threshold = rules.quorum_first_call if call == 1 else rules.quorum_second_call
    room = room or room_of(assembly)
    members = len(room.voters)
    present = len(room.present)
    represented = len(room.represented)
    total = present + represented
    return QuorumStatus(
        call=call,
        members=members,
        present=present,
        represented=represented,
        threshold=threshold,
        needed=arithmetic.needed(members, threshold),
        reached=arithmetic.quorum_reached(total, members, threshold),
        checked_in=len(room.checked_in),
    )


def attendance_list(assembly: Assembly) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(assembly=assembly)
        .select_related("member")
        .order_by("-checked_in_at", "-id")
    )


def proxies_of(assembly: Assembly) -> QuerySet[Proxy]:
    return (
        Proxy.objects.filter(assembly=assembly)
        .select_related("grantor", "holder")
        .order_by("recorded_at", "id")
    )


def checkin_candidates(assembly: Assembly, *, query: str) -> list[Member]:
    """The door's search: names in either script, a phone, a member number (members' search),
    among the convened members; at most 20, with whether each is already in."""
    from members.selectors import member_search

    found = list(
        member_search(query=query)
        .filter(pk__in=convened_members(assembly).values("pk"))
        .order_by("number")[:20]
    )
    present = set(
        Attendance.objects.filter(assembly=assembly, member_id__in=[m.pk for m in found]).values_list(
            "member_id", flat=True
        )
    )
    for member in found:
        member.already_in = member.pk in present
    return found


# --- Polls ---------------------------------------------------------------------------------------


def polls_of(assembly: Assembly) -> QuerySet[Poll]:
    return (
        Poll.objects.filter(assembly=assembly)
        .select_related("agenda_item")
        .annotate(participation_count=Count("participations", distinct=True))
        .order_by("created_at", "id")
    )


def poll_get(*, poll_id: int) -> Poll | None:
    return Poll.objects.select_related("assembly", "agenda_item").filter(pk=poll_id).first()


def candidates_of(poll: Poll) -> QuerySet[Candidate]:
    return (
        Candidate.objects.filter(poll=poll)
        .select_related("member", "candidate_list")
        .order_by("position", "id")
    )


def lists_of(poll: Poll) -> QuerySet[CandidateList]:
    return CandidateList.objects.filter(poll=poll).order_by("name", "id")


def votes_in_hand(poll: Poll, member: Member) -> list[VoterRollEntry]:
    """The roll entries a member may still cast in this poll: their own vote and those they hold
    by proxy, less those already used."""
    used = Participation.objects.filter(poll=poll).values("member_id")
    return list(
        VoterRollEntry.objects.filter(poll=poll, holder=member)
        .exclude(member_id__in=used)
        .select_related("member")
        .order_by("id")
    )


def open_polls_for(member: Member) -> list[tuple[Poll, list[VoterRollEntry]]]:
    """Secret polls open now in which the member holds a vote not yet cast."""
    polls = (
        Poll.objects.filter(status=PollStatus.OPEN, method=PollMethod.SECRET, roll__holder=member)
        .distinct()
        .select_related("assembly")
    )
    result = []
    for poll in polls:
        entries = votes_in_hand(poll, member)
        if entries:
            result.append((poll, entries))
    return result


def receipt_counted(*, poll: Poll, code: str) -> bool:
    """Whether a ballot with this receipt code is in the poll's count."""
    return Ballot.objects.filter(poll=poll, receipt_code=code.strip().upper()).exists()


@dataclass(frozen=True)
class CandidateResult:
    candidate_id: int
    member_id: int
    name: str
    office: str
    votes: int
    elected: bool
    tied: bool
    list_id: int | None = None


@dataclass(frozen=True)
class PollResult:
    poll_id: int
    closed: bool
    participations: int
    ballots: int
    present: int
    members: int
    threshold: str
    base: str
    base_total: int
    needed: int
    tally: arithmetic.Tally | None = None
    adopted: bool | None = None
    candidates: tuple[CandidateResult, ...] = ()
    lists: tuple[tuple[int, str, int], ...] = ()  # (list id, name, votes)
    winning_list_id: int | None = None
    needs_new_round: bool = False
    seats_in_tie: int = 0


def _tally(poll: Poll) -> arithmetic.Tally:
    if poll.method == PollMethod.SHOW_OF_HANDS:
        return arithmetic.Tally(
            yes=poll.hands_for or 0, no=poll.hands_against or 0, abstain=poll.hands_abstain or 0
        )
    counts = dict(Ballot.objects.filter(poll=poll).values_list("choice").annotate(n=Count("id")))
    return arithmetic.Tally(
        yes=counts.get(BallotChoice.FOR, 0),
        no=counts.get(BallotChoice.AGAINST, 0),
        abstain=counts.get(BallotChoice.ABSTAIN, 0) + counts.get("", 0),
    )


def poll_result(poll: Poll) -> PollResult:
    """The count of a poll with the statute's majority and base (a handful of queries)."""
    participations = Participation.objects.filter(poll=poll).count()
    ballots = Ballot.objects.filter(poll=poll).count()
    present = poll.present_count or 0
    members = poll.members_count or 0
    closed = poll.status == PollStatus.CLOSED
    common = {
        "poll_id": poll.pk,
        "closed": closed,
        "participations": participations,
        "ballots": ballots,
        "present": present,
        "members": members,
        "threshold": poll.majority,
        "base": poll.base,
    }
    if not poll.is_election:
        tally = _tally(poll)
        outcome = arithmetic.resolution_outcome(
            tally, threshold=poll.majority, base=poll.base, present=present, members=members
        )
        return PollResult(
            **common,
            base_total=outcome.base_total,
            needed=outcome.needed,
            tally=tally,
            adopted=outcome.adopted,
        )
    return _election_result(poll, common)


def _election_result(poll: Poll, common: dict) -> PollResult:
    candidates = list(candidates_of(poll))
    hands = poll.method == PollMethod.SHOW_OF_HANDS
    if hands:
        cast = poll.hands_for or sum(c.hands or 0 for c in candidates)
        blank = poll.hands_abstain or 0
        valid = max(cast - blank, 0)
    else:
        cast = common["ballots"]
        blank = Ballot.objects.filter(poll=poll, selections__isnull=True).count()
        valid = cast - blank
    total = arithmetic.base_total(
        poll.base, valid=valid, cast=cast, present=common["present"], members=common["members"]
    )
    if poll.election_mode == ElectionMode.LISTS:
        list_votes = dict(
            BallotSelection.objects.filter(ballot__poll=poll, candidate_list__isnull=False)
            .values_list("candidate_list_id")
            .annotate(n=Count("id"))
        )
        lists = list(lists_of(poll))
        heads = {c.candidate_list_id: c for c in sorted(candidates, key=lambda c: -c.position)}
        outcome = arithmetic.election_outcome(
            [
                arithmetic.Contender(
                    key=lst.pk,
                    votes=list_votes.get(lst.pk, 0),
                    birth_date=heads[lst.pk].member.birth_date if lst.pk in heads else None,
                )
                for lst in lists
            ],
            seats=1,
            threshold=poll.majority,
            base_total=total,
            tie_rule=poll.tie_rule,
        )
        winner = outcome.elected[0] if outcome.elected else None
        return PollResult(
            **common,
            base_total=total,
            needed=outcome.needed,
            lists=tuple((lst.pk, lst.name, list_votes.get(lst.pk, 0)) for lst in lists),
            winning_list_id=winner,
            candidates=tuple(
                CandidateResult(
                    candidate_id=c.pk,
                    member_id=c.member_id,
                    name=c.member.display_name,
                    office=c.office or poll.office,
                    votes=list_votes.get(c.candidate_list_id, 0),
                    elected=winner is not None and c.candidate_list_id == winner,
                    tied=c.candidate_list_id in outcome.tied,
                    list_id=c.candidate_list_id,
                )
                for c in candidates
            ),
            needs_new_round=outcome.needs_new_round,
            seats_in_tie=outcome.seats_in_tie,
        )
    if hands:
        votes = {c.pk: c.hands or 0 for c in candidates}
    else:
        votes = dict(
            BallotSelection.objects.filter(ballot__poll=poll, candidate__isnull=False)
            .values_list("candidate_id")
            .annotate(n=Count("id"))
        )
    outcome = arithmetic.election_outcome(
        [
            arithmetic.Contender(key=c.pk, votes=votes.get(c.pk, 0), birth_date=c.member.birth_date)
            for c in candidates
        ],
        seats=poll.seats,
        threshold=poll.majority,
        base_total=total,
        tie_rule=poll.tie_rule,
    )
    return PollResult(
        **common,
        base_total=total,
        needed=outcome.needed,
        candidates=tuple(
            CandidateResult(
                candidate_id=c.pk,
                member_id=c.member_id,
                name=c.member.display_name,
                office=c.office or poll.office,
                votes=votes.get(c.pk, 0),
                elected=c.pk in outcome.elected,
                tied=c.pk in outcome.tied,
            )
            for c in sorted(candidates, key=lambda c: -votes.get(c.pk, 0))
        ),
        needs_new_round=outcome.needs_new_round,
        seats_in_tie=outcome.seats_in_tie,
    )


@dataclass(frozen=True)
class ElectedOfficer:
    """One seat won in an election: what the bureau's mandates are built from."""

    member_id: int
    office: str  # a RoleKind value (or "" for a seat with no office)
    votes: int
    poll_id: int
    assembly_id: int
    elected_on: datetime.date


def election_results(*, assembly_id: int | None = None, poll_id: int | None = None) -> list[ElectedOfficer]:
    """The seats won in the closed election polls of an assembly (or in one poll), in the order
    of the polls and of the votes. A poll whose tie awaits a new round gives only the seats it
    settled. This is the interface the bureau's mandates are built from."""
    polls = Poll.objects.filter(status=PollStatus.CLOSED, decision_kind="election").select_related("assembly")
    if assembly_id is not None:
        polls = polls.filter(assembly_id=assembly_id)
    if poll_id is not None:
        polls = polls.filter(pk=poll_id)
    elected = []
    for poll in polls.order_by("closed_at", "id"):
        result = poll_result(poll)
        for candidate in result.candidates:
            if candidate.elected:
                elected.append(
                    ElectedOfficer(
                        member_id=candidate.member_id,
                        office=candidate.office,
                        votes=candidate.votes,
                        poll_id=poll.pk,
                        assembly_id=poll.assembly_id,
                        elected_on=timezone.localdate(poll.closed_at),
                    )
                )
    return elected


# The compliance reads live in governance/compliance.py (allowed to read across associations for
# the ministry's aggregates); re-exported here with the module's other reads.
from governance.compliance import compliance_of, compliance_summary  # noqa: E402, F401
