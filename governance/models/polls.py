"""Polls: resolutions and elections, by show of hands or secret ballot.

Secrecy (DESIGN.md, "Invariants"): a `Participation` says that a member voted in a poll, a
`Ballot` says what was voted. They are written in the same transaction and nothing ties one to
the other: the ballot has a random UUID key, no voter, no time of its own (the poll's times are
the only ones) and no serial column; its receipt code is shown once to the voter and is not
stored with the participation. The physical order of rows is reshuffled when the poll closes
(services.poll_close); see docs/notes/2026-11-29/s2-assembly.md for what remains.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel
from governance.models.assemblies import AgendaItem, Assembly
from governance.models.rules import DecisionKind, MajorityBase, Threshold, TieRule


class PollMethod(models.TextChoices):
    SHOW_OF_HANDS = "hands", _("Show of hands")
    SECRET = "secret", _("Secret ballot")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ElectionMode(models.TextChoices):
    CANDIDATES = "candidates", _("Individual candidates")
    LISTS = "lists", _("Lists")


class Poll(TenantModel):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="polls")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    method = models.CharField(
        _("method"), max_length=6, choices=PollMethod.choices, default=PollMethod.SECRET
    )
    status = models.CharField(max_length=6, choices=PollStatus.choices, default=PollStatus.DRAFT)
    decision_kind = models.CharField(
        max_length=12, choices=DecisionKind.choices, default=DecisionKind.ORDINARY
    )
    # The statute's majority and base for this decision, copied from the rules in force at opening.
    majority = models.CharField(max_length=5, choices=Threshold.choices, default=Threshold.MORE_THAN_HALF)
    base = models.CharField(max_length=8, choices=MajorityBase.choices, default=MajorityBase.VALID)
    tie_rule = models.CharField(max_length=10, choices=TieRule.choices, default=TieRule.ELDEST)
    # Elections: the office and the number of seats; candidates or lists.
    office = models.CharField(_("office"), max_length=30, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    election_mode = models.CharField(
        max_length=10, choices=ElectionMode.choices, default=ElectionMode.CANDIDATES
    )
    round = models.PositiveSmallIntegerField(default=1)
    previous_round = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_rounds"
    )
    # Remote voting window (secret ballots of an assembly that allows it).
    remote_until = models.DateTimeField(_("remote voting until"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen at opening: voting power in the room (present + represented) and members with a vote.
    present_count = models.PositiveIntegerField(null=True, blank=True)
    members_count = models.PositiveIntegerField(null=True, blank=True)
    # Show of hands: recorded by the officers.
    hands_for = models.PositiveIntegerField(null=True, blank=True)
    hands_against = models.PositiveIntegerField(null=True, blank=True)
    hands_abstain = models.PositiveIntegerField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["assembly", "created_at", "id"]
        indexes = [models.Index(fields=["association", "assembly", "status"], name="poll_assembly_status")]

    def __str__(self) -> str:
        return self.question

    @property
    def is_election(self) -> bool:
        return self.decision_kind == DecisionKind.ELECTION


class VoterRollEntry(TenantModel):
    """The voter list frozen when the poll opens: one row per vote (a member's own, or one they
    hold by proxy, in which case `holder` casts it)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    remote = models.BooleanField(default=False)  # may vote from outside the room

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "poll", "member"], name="voter_roll_unique")
        ]
        indexes = [models.Index(fields=["association", "poll", "holder"], name="voter_roll_holder")]


class CandidateList(TenantModel):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="lists")
    name = models.CharField(_("name of the list"), max_length=200)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "poll", "name"], name="candidate_list_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Candidate(TenantModel):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    candidate_list = models.ForeignKey(
        CandidateList, on_delete=models.CASCADE, null=True, blank=True, related_name="candidates"
    )
    office = models.CharField(max_length=30, blank=True)  # on a list: the office its winner takes
    position = models.PositiveSmallIntegerField(default=1)
    hands = models.PositiveIntegerField(null=True, blank=True)  # show of hands

    class Meta(TenantModel.Meta):
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "poll", "member"], name="candidate_unique")
        ]


class Participation(TenantModel):
    """That a member's vote was used in a poll (theirs, or held by proxy): at most one."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    remote = models.BooleanField(default=False)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "poll", "member"], name="participation_one_per_voter"
            )
        ]


class BallotChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


def new_receipt_code() -> str:
    # 10 characters of an unambiguous alphabet: read aloud or typed on a phone.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Ballot(TenantModel):
    """What one vote said. No voter, no time, no serial key (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=7, choices=BallotChoice.choices, blank=True)  # resolutions
    receipt_code = models.CharField(max_length=16, default=new_receipt_code, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "poll", "receipt_code"], name="ballot_receipt_unique"
            )
        ]


class BallotSelection(TenantModel):
    """An election ballot's marks: a candidate, or a list (blank ballot: no row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="selections")
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    candidate_list = models.ForeignKey(
        CandidateList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["association", "ballot", "candidate"], name="ballot_selection_unique"
            ),
        ]
