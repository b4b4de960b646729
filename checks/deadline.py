"""The time limit of the analysis running on this thread, checked inside long loops.

The engine checks between rule calls and every few hundred nodes of its shared walk, but a
single rule call can loop over a whole file (the secrets scan of a 45,000-entry dict, the
taint walk of a generated module). Each family calls :func:`check` in its own loops, so the
limit holds inside a rule call too. The limit lives in a context variable: analyses on other
threads (the language server's workers) keep their own.

The limit counts this thread's CPU time, not the clock: on a busy machine (a CI runner, a
laptop compiling) a file must not lose its findings because other processes had the CPU, so
a scan gives the same results under any load. The clock only backs it up, at
:data:`WALL_FACTOR` times the limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class AnalysisTimeout(Exception):
    pass


class AnalysisCancelled(AnalysisTimeout):
    pass


#: How many times the CPU limit the wall clock may run before an analysis stops anyway.
WALL_FACTOR = 6


@dataclass(frozen=True)
class Deadline:
    cpu_at: float
    wall_at: float
    cancelled: Callable[[], bool] | None

    @classmethod
    def after(cls, seconds: float, cancelled: Callable[[], bool] | None = None) -> Deadline:
        """``seconds`` of this thread's CPU time from now (see the module docstring)."""
        return cls(time.thread_time() + seconds, time.monotonic() + WALL_FACTOR * seconds, cancelled)

    def passed(self) -> bool:
        return time.thread_time() > self.cpu_at or time.monotonic() > self.wall_at

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise AnalysisCancelled
        if self.passed():
            raise AnalysisTimeout


_CURRENT: ContextVar[Deadline | None] = ContextVar("codeward_deadline", default=None)


@contextmanager
def bounded(deadline: Deadline) -> Iterator[Deadline]:
    """Run the block under ``deadline`` (restored afterwards: analyses may nest)."""
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def check() -> None:
    """Raise :class:`AnalysisTimeout` (or ``AnalysisCancelled``) when the analysis running
    on this thread is over its limit; nothing outside an analysis."""
    deadline = _CURRENT.get()
    if deadline is not None:
        deadline.check()
