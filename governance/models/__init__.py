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
    "ElectionMode",
    "MajorityBase",
    "Participation",
    "Poll",
    "PollMethod",
    "PollStatus",
    "Proxy",
    "ReplyAnswer",
    "StatuteRules",
    "Threshold",
    "TieRule",
    "VoterRollEntry",
]
