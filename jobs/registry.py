"""Job kinds: a module declares what a kind does, who may start and see it, and its label.

A handler reports what it did in a `JobOutcome`; the job service, not the handler, derives the
job's final state from it, so that no kind can call a refused effect a success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobResult:
    """A file to download when the job is over."""

    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class JobOutcome:
    """What a job did, as its handler reports it. The job service derives the final state:

    - `refused` > 0: items were refused (rows with errors, conflicts left undecided…), so the
      effect did not happen: the job fails, and everything the handler wrote is rolled back;
    - `check_only`: a check that by design changes nothing (its writes are rolled back): the job
      ends "checked", never "done";
    - otherwise the effect took place: the job is done, in the transaction of its effects.

    `summary` is one translated sentence saying what was done, or why nothing was; the job keeps it.
    `details` is handed, as it is, to the kind's `record` hook (e.g. a per-row report).
    """

    summary: str
    applied: int = 0  # items that took effect (rows imported, cards made…), for the operators' log
    refused: int = 0
    check_only: bool = False
    file: JobResult | None = None
    details: dict = field(default_factory=dict)


class Progress:
    """Handed to a job's handler: `progress.total(n)` then `progress.advance(k)`."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._report = report
        self.done = 0
        self.count = 0

    def total(self, count: int) -> None:
        self.count = count
        self._report(self.done, self.count)

    def advance(self, step: int = 1) -> None:
        self.done += step
        self._report(self.done, self.count)


@dataclass(frozen=True)
class JobSteps:
    """What a handler returns when its work is too big for one task: `count` steps, each run as a
    task of its own after the previous one committed (`JobKind.step`), then `JobKind.finish`.
    Every step must finish well inside the broker's visibility timeout. `state` (JSON) is kept on
    the job and handed to each step."""

    count: int
    state: dict


@dataclass(frozen=True)
class JobKind:
    key: str
    label: Promise
    capability: str  # needed to start the job, follow it and download its result
    handler: Callable[..., JobOutcome]  # handler(job=..., params=..., progress=...) -> JobOutcome
    # Where the outcome is shown, when it is not (only) a file: e.g. an import's report.
    result_url: Callable[..., str] | None = None
    # Whether the result file may hold people's personal data. A result does not record whom it
    # lists, so when a person's data is erased every such file that may hold them is deleted
    # (jobs.services.job_results_erase). Only a kind whose result never holds it says False.
    personal_data: bool = True
    # Keeps the outcome where the module shows it (e.g. an import's per-row report): record(job=...,
    # outcome=...) runs in the transaction that ends the job, whatever the outcome: with the
    # effects when they took place, on its own when they were refused or only checked.
    record: Callable[..., None] | None = None
    # The parameters a person may set when starting the kind from a form posted to jobs:start
    # (`start_params(request.POST)`). None: only the module's own code starts it (with its checks).
    start_params: Callable[[Mapping[str, str]], dict] | None = None
    # A kind whose handler may return JobSteps:
    #   step(job=, state=, index=, progress=) -> dict | None   updates merged into the state;
    #       runs in its own transaction and must be safe to repeat (a failed step rolls back)
    #   finish(job=, state=, progress=) -> JobOutcome           after the last step, in the
    #       transaction that ends the job: the service derives the final state from the outcome
    #       as for any handler (refused -> failed and rolled back, check only -> checked)
    #   cleanup(job=, state=, succeeded=)                        after the job ended either way,
    #       outside its transaction: remove what the steps left aside (intermediate files, rows
    #       that only a finished job makes valid)
    step: Callable[..., dict | None] | None = None
    finish: Callable[..., JobOutcome] | None = None
    cleanup: Callable[..., None] | None = None


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> JobKind:
    _KINDS[kind.key] = kind
    return kind


def job_kind(key: str) -> JobKind:
    return _KINDS[key]


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


def startable_job_kind(key: str) -> JobKind | None:
    """The kind a form may start through jobs:start, or None (unknown, or started only in code)."""
    kind = _KINDS.get(key)
    return kind if kind is not None and kind.start_params is not None else None
