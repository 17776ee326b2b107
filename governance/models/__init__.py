"""Governance models. Every model subclasses associations.tenancy.TenantModel.

rules.py (statute rules), assemblies.py (assemblies, agenda, attendance, proxies), polls.py
(polls, ballots, participations). The bureau's models (mandates, declarations, minutes) live in
their own modules, re-exported here too.
"""

from governance.models.assemblies import (
    AgendaItem,
    AgendaItemKind,
    Assembly,
    AssemblyDocument,
    AssemblyStatus,
    Attendance,
    CheckInMethod,
    ConvocationReply,
    Proxy,
    ReplyAnswer,
)
from governance.models.bureau import Mandate, Office
from governance.models.declarations import Declaration, DeclarationKind, DeclarationStatus
from governance.models.minutes import AnnualReport, Minutes, MinutesSignature, MinutesStatus, Signatory
from governance.models.polls import (
    Ballot,
    BallotChoice,
    BallotSelection,
    Candidate,
    CandidateList,
    ElectionMode,
    Participation,
    Poll,
    PollMethod,
    PollStatus,
    VoterRollEntry,
)
from governance.models.rules import (
    AssemblyKind,
    DecisionKind,
    MajorityBase,
    StatuteRules,
    Threshold,
    TieRule,
)

__all__ = [
    "AgendaItem",
    "AgendaItemKind",
    "AnnualReport",
    "Assembly",
    "AssemblyDocument",
    "AssemblyKind",
    "AssemblyStatus",
    "Attendance",
    "Ballot",
    "BallotChoice",
    "BallotSelection",
    "Candidate",
    "CandidateList",
    "CheckInMethod",
    "ConvocationReply",
    "DecisionKind",
    "Declaration",
    "DeclarationKind",
    "DeclarationStatus",
    "ElectionMode",
    "MajorityBase",
    "Mandate",
    "Minutes",
    "MinutesSignature",
    "MinutesStatus",
    "Office",
    "Participation",
    "Poll",
    "PollMethod",
    "PollStatus",
    "Proxy",
    "ReplyAnswer",
    "Signatory",
    "StatuteRules",
    "Threshold",
    "TieRule",
    "VoterRollEntry",
]
