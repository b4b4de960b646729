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


@dataclass
class Deadline:
    cpu_at: float
    wall_at: float
    cancelled: Callable[[], bool] | None
    #: This thread's CPU time and the clock when the CPU time was last read.
    cpu_seen: float = 0.0
    wall_seen: float = 0.0

    @classmethod
    def after(cls, seconds: float, cancelled: Callable[[], bool] | None = None) -> Deadline:
        """``seconds`` of this thread's CPU time from now (see the module docstring)."""
        cpu, wall = time.thread_time(), time.monotonic()
        return cls(cpu + seconds, wall + WALL_FACTOR * seconds, cancelled, cpu, wall)

    def passed(self) -> bool:
        """Whether the CPU limit or the clock's has passed. A thread's CPU time grows no
        faster than the clock, so the CPU time (a system call, about 2 µs; the checks run
        tens of thousands of times per scan) is read only once the clock says it could be
        over the limit: the answer is the same as reading it every time."""
        wall = time.monotonic()
        if wall > self.wall_at:
            return True
        if self.cpu_seen + (wall - self.wall_seen) <= self.cpu_at:
            return False
        self.cpu_seen, self.wall_seen = time.thread_time(), wall
        return self.cpu_seen > self.cpu_at

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
