"""Job kinds: a module declares what a kind does, who may start and see it, and its label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobResult:
    content: bytes
    filename: str
    content_type: str


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
    handler: Callable[..., JobResult | None]  # handler(job=..., params=..., progress=...)
    # Where the outcome is shown, when it is not (only) a file: e.g. an import's report.
    result_url: Callable[..., str] | None = None
    # A kind whose handler may return JobSteps:
    #   step(job=, state=, index=, progress=) -> dict | None   updates merged into the state;
    #       runs in its own transaction and must be safe to repeat (a failed step rolls back)
    #   finish(job=, state=, progress=) -> JobResult | None     after the last step
    #   cleanup(job=, state=, succeeded=)                        after the job ended either way,
    #       outside its transaction: remove what the steps left aside (intermediate files, rows
    #       that only a finished job makes valid)
    step: Callable[..., dict | None] | None = None
    finish: Callable[..., JobResult | None] | None = None
    cleanup: Callable[..., None] | None = None


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> JobKind:
    _KINDS[kind.key] = kind
    return kind


def job_kind(key: str) -> JobKind:
    return _KINDS[key]
