"""Worker processes that keep their own state from one phase of a scan to the next.

A process pool hands each task to whichever worker is free, so a file indexed by one worker
was analysed by another, which read and parsed it again: about a fifth of a cold scan was
repeated work. These workers are fixed instead: the caller says which worker gets which
items, so a file can be analysed by the worker that indexed it, which still holds its parsed
document. Results stream back as they are done (progress stays live). A worker that dies
leaves its unfinished items to the caller, which runs them itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

Task = Callable[[Any], Any]


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple) -> None:
    """A worker's loop: ``(setup, task, items)`` in, one ``(index, result)`` per item out,
    then None; a None message ends it."""
    initializer(*initargs)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        setup, task, items = message
        if setup is not None:
            setup[0](*setup[1:])
        for index, item in items:
            conn.send((index, task(item)))
        conn.send(None)


class Workers:
    """``count`` processes, each started with ``initializer(*initargs)``."""

    def __init__(self, count: int, initializer: Callable[..., None], initargs: tuple) -> None:
        context = multiprocessing.get_context()
        self._conns: list[Connection] = []
        self._procs = []
        for _ in range(count):
            parent, child = context.Pipe()
            proc = context.Process(target=_serve, args=(child, initializer, initargs), daemon=True)
            proc.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(proc)

    @property
    def count(self) -> int:
        return len(self._conns)

    def run(
        self,
        task: Task,
        shares: Sequence[Sequence[tuple[int, Any]]],
        setup: tuple | None = None,
        on_result: Callable[[int, Any], None] | None = None,
    ) -> dict[int, Any]:
        """``task(item)`` of every ``(index, item)``, worker ``i`` doing ``shares[i]``;
        ``setup`` (a function and its arguments) runs first in every worker. Returns index →
        result; items of a worker that died are missing."""
        results: dict[int, Any] = {}
        busy: list[Connection] = []
        for conn, share in zip(self._conns, shares):
            try:
                conn.send((setup, task, list(share)))
                busy.append(conn)
            except (OSError, ValueError):
                continue
        while busy:
            for conn in wait(busy):
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    busy.remove(conn)  # type: ignore[arg-type]
                    self._conns.remove(conn)  # type: ignore[arg-type]
                    continue
                if message is None:
                    busy.remove(conn)  # type: ignore[arg-type]
                    continue
                index, result = message
                results[index] = result
                if on_result is not None:
                    on_result(index, result)
        return results

    def close(self) -> None:
        for conn in self._conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
        for conn in self._conns:
            conn.close()
