"""jedi as a bounded, cached fallback for what the cheap resolver cannot name.

The import-map resolver in :mod:`names` is instant and handles most code. Where it fails (a
cursor returned by a project helper, an object passed through a function), a rule may ask
jedi for the receiver's type. jedi is slow (the first inference in a process costs 0.5–2 s,
each further one 1–40 ms), so every document gets a small budget of lookups and time, results
are cached per document version, and jedi only ever runs on this process's own interpreter
environment (``InterpreterEnvironment``): it never starts or executes an interpreter found in
the analysed workspace, and it never imports the analysed code.
"""

from __future__ import annotations

import ast
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Lookups and seconds one document version may spend in jedi.
MAX_LOOKUPS = 12
TIME_BUDGET = 0.5

_LOCK = threading.Lock()  # jedi is not thread-safe; the language server analyses in threads


@dataclass
class _Budget:
    lookups: int = 0
    seconds: float = 0.0
    script: object | None = None
    cache: dict[tuple[int, int], str | None] = field(default_factory=dict)


class Inference:
    """Per-document jedi access with a budget; one instance lives on a SourceDoc."""

    def __init__(self, text: str, path: str, root: Path | None = None) -> None:
        self.text = text
        self.path = path
        self.root = root
        self.budget = _Budget()

    def type_of(self, node: ast.expr) -> str | None:
        """Full dotted name of the type or definition jedi infers for ``node``, or None."""
        line, column = node.end_lineno or node.lineno, node.end_col_offset or node.col_offset
        key = (line, column)
        if key in self.budget.cache:
            return self.budget.cache[key]
        if self.budget.lookups >= MAX_LOOKUPS or self.budget.seconds >= TIME_BUDGET:
            return None
        started = time.perf_counter()
        try:
            with _LOCK:
                names = self._script().infer(line, max(column - 1, 0))  # type: ignore[attr-defined]
            inferred = names[0].full_name if len(names) == 1 else None
        except Exception:  # jedi raises on odd code; the fallback then just knows nothing
            inferred = None
        finally:
            self.budget.lookups += 1
            self.budget.seconds += time.perf_counter() - started
        self.budget.cache[key] = inferred
        return inferred

    def _script(self) -> object:
        if self.budget.script is None:
            import jedi

            project = jedi.Project(str(self.root)) if self.root else None
            path = Path(self.path)
            if not path.is_absolute():
                path = self.root / path if self.root else None  # type: ignore[assignment]
            self.budget.script = jedi.Script(
                self.text,
                path=str(path) if path else None,
                project=project,
                environment=jedi.InterpreterEnvironment(),
            )
        return self.budget.script


def warm_up() -> None:
    """Pay jedi's first-inference cost now (the language server calls this at start)."""
    Inference("import sqlite3\nsqlite3.connect\n", "<warm-up>").type_of(
        ast.parse("import sqlite3\nsqlite3.connect\n").body[1].value  # type: ignore[attr-defined]
    )
