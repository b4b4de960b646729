"""The time limit of the analysis running on this thread, checked inside long loops.

The engine checks between rule calls and every few hundred nodes of its shared walk, but a
single rule call can loop over a whole file (the secrets scan of a 45,000-entry dict, the
taint walk of a generated module). Each family calls :func:`check` in its own loops, so the
limit holds inside a rule call too. The limit lives in a context variable: analyses on other
threads (the language server's workers) keep their own.
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


@dataclass(frozen=True)
class Deadline:
    at: float
    cancelled: Callable[[], bool] | None

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise AnalysisCancelled
        if time.monotonic() > self.at:
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
