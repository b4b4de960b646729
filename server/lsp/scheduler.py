"""Per-document debounce and off-loop analysis; results for stale versions are dropped.

Each document has at most one timer and one analysis in flight. A change restarts the
document's timer; when it fires, the text and version are snapshot on the event loop (so
they always belong together) and analysed on a worker thread: documents that are slow to
analyse (or large) get a thread of their own, so one slow file never holds back the others'
diagnostics. A change that lands
while an analysis runs marks the document dirty, and it is analysed again as soon as the
running one ends (whose result is then dropped: it may predate a settings change). Results
whose version is no longer the document's are thrown away, unless the document
``keeps_stale`` results (on-save mode: the saved text's result is wanted even when the user
typed since; it is carried to the current lines on delivery).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Generic, TypeVar

from .analysis import DocResult, Snapshot

log = logging.getLogger(__name__)
R = TypeVar("R", bound=DocResult)
#: A document whose last analysis took longer than this is analysed on the slow lane.
SLOW_SECONDS = 0.5
#: A buffer this large (characters) starts on the slow lane before it was ever timed.
SLOW_SIZE = 200_000


class Scheduler(Generic[R]):
    def __init__(
        self,
        snapshot: Callable[[str], Snapshot | None],
        current_version: Callable[[str], int | None | bool],
        analyse: Callable[[Snapshot], R],
        deliver: Callable[[R], None],
        on_error: Callable[[str, BaseException], None],
        executor: Executor,
        keeps_stale: Callable[[str], bool] = lambda uri: False,
        slow_executor: Executor | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._current_version = current_version
        self._analyse = analyse
        self._deliver = deliver
        self._on_error = on_error
        self._executor = executor
        self._keeps_stale = keeps_stale
        self._slow_executor = slow_executor or executor
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._running: dict[str, asyncio.Future] = {}
        self._dirty: set[str] = set()
        self._waiters: dict[str, list[asyncio.Future]] = {}
        #: Per document: seconds its latest analysis of a new version took, and that version
        #: (a re-check of the same version, such as the confirmation of an incremental
        #: result, is a full analysis no keystroke waits for: it does not count).
        self._cost: dict[str, tuple[float, int | None]] = {}

    def schedule(self, uri: str, delay: float) -> None:
        """Analyse ``uri`` after ``delay`` seconds of quiet (0: as soon as possible)."""
        loop = asyncio.get_running_loop()
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay <= 0:
            self._start(uri)
        else:
            self._timers[uri] = loop.call_later(delay, self._start, uri)

    def debounce(self, uri: str, longest: float) -> float:
        """How long to wait after an edit: as long as the document's latest analysis took, at
        most ``longest``. A cheap document is analysed at once (the wait was most of what a user
        saw); an expensive one waits for a pause in typing instead of starting analyses that
        the next keystroke makes stale. Unknown cost: ``longest``."""
        cost = self._cost.get(uri)
        return longest if cost is None else min(longest, cost[0])

    def cancel(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._dirty.discard(uri)
        self._cost.pop(uri, None)
        for waiter in self._waiters.pop(uri, []):
            if not waiter.done():
                waiter.set_result(None)

    def analysing(self) -> bool:
        """Whether any document's analysis is queued or running (read from any thread)."""
        return bool(self._running)

    def busy(self, uri: str) -> bool:
        return uri in self._timers or uri in self._running

    async def wait_for(self, uri: str) -> R | None:
        """The next delivered result for ``uri`` (None if the document is closed first)."""
        waiter: asyncio.Future = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uri, []).append(waiter)
        if not self.busy(uri):
            self._start(uri)
        return await waiter

    def _start(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if uri in self._running:
            self._dirty.add(uri)
            return
        snapshot = self._snapshot(uri)
        if snapshot is None:
            return
        loop = asyncio.get_running_loop()
        cost = self._cost.get(snapshot.uri)
        slow = cost is not None and cost[0] > SLOW_SECONDS or len(snapshot.text) > SLOW_SIZE
        future = loop.run_in_executor(self._slow_executor if slow else self._executor, self._run, snapshot)
        self._running[uri] = future
        future.add_done_callback(lambda done: self._finished(uri, done))

    def _run(self, snapshot: Snapshot) -> R | None:
        if self.stale(snapshot.uri, snapshot.version):
            return None  # a newer version is already queued; skip the wasted work
        started = time.perf_counter()
        result = self._analyse(snapshot)
        previous = self._cost.get(snapshot.uri)
        # (A cancelled analysis says nothing about the cost.)
        if not result.not_analysed and (previous is None or previous[1] != snapshot.version):
            self._cost[snapshot.uri] = (time.perf_counter() - started, snapshot.version)
        return result

    def stale(self, uri: str, version: int | None) -> bool:
        """Whether a result for ``version`` is no longer wanted."""
        current = self._current_version(uri)
        return current != version and (current is False or not self._keeps_stale(uri))  # False: closed

    def _finished(self, uri: str, future: asyncio.Future) -> None:
        self._running.pop(uri, None)
        result: R | None = None
        try:
            result = future.result()
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # an engine bug: report it, keep serving
            self._on_error(uri, exc)
        if uri in self._dirty:
            # Asked again while this ran (an edit, or a re-check after the settings or the
            # index changed): this result may be outdated even for the same version.
            self._dirty.discard(uri)
            self._start(uri)
            return
        if result is None or self.stale(uri, result.version):
            if self._waiters.get(uri) and not self.busy(uri):
                self._start(uri)  # someone waits for the current version: keep going
            return
        self._deliver(result)
        for waiter in self._waiters.pop(uri, []):
            if not waiter.done():
                waiter.set_result(result)
