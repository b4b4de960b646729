"""jedi as a bounded, cached fallback for what the cheap resolver cannot name.

The import-map resolver in :mod:`names` is instant and handles most code. Where it fails (a
cursor returned by a project helper, an object passed through a function), a rule may ask
jedi for the receiver's type. jedi is slow (the first inference in a process costs 0.5–2 s,
each further one 1–40 ms), so every document gets a small budget of lookups and time, results
are cached per document version, and jedi runs on this process's own interpreter environment
(``InterpreterEnvironment``) unless the user named an interpreter (the editor's
``interpreter`` setting): then the user's installed packages are resolved in that
interpreter's environment. jedi never starts an interpreter it found in the analysed
workspace by itself, and it never imports the analysed code.
"""

from __future__ import annotations

import ast
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Lookups and seconds one document version may spend in jedi.
MAX_LOOKUPS = 12
TIME_BUDGET = 0.5

_LOCK = threading.Lock()  # jedi is not thread-safe; the language server analyses in threads
#: jedi environments of user-named interpreters, by path and the executable's mtime (a
#: recreated virtualenv is picked up); None: the path is not a usable interpreter.
_ENVIRONMENTS: dict[tuple[str, int], object | None] = {}


@dataclass
class _Budget:
    lookups: int = 0
    seconds: float = 0.0
    script: object | None = None
    cache: dict[tuple[int, int], str | None] = field(default_factory=dict)


class Inference:
    """Per-document jedi access with a budget; one instance lives on a SourceDoc."""

    def __init__(self, text: str, path: str, root: Path | None = None, interpreter: str | None = None) -> None:
        self.text = text
        self.path = path
        self.root = root
        self.interpreter = interpreter
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
                environment=user_environment(self.interpreter) or jedi.InterpreterEnvironment(),
            )
        return self.budget.script


def user_environment(interpreter: str | None) -> object | None:
    """The jedi environment of the interpreter the user configured (a Python executable or
    a virtualenv folder), or None when none is set or it is not usable.

    jedi runs that interpreter in a subprocess to read its ``sys.path`` and inspect compiled
    modules: that is why it happens only for an interpreter the user named (``safe=False``
    lets it be any path, as the user chose it), never for one found in the workspace.
    """
    if not interpreter:
        return None
    try:
        key = (interpreter, os.stat(interpreter).st_mtime_ns)
    except OSError:
        return None
    if key not in _ENVIRONMENTS:
        import jedi

        try:
            _ENVIRONMENTS[key] = jedi.create_environment(interpreter, safe=False)
        except Exception:  # not a Python, a broken virtualenv, an unsupported version
            _ENVIRONMENTS[key] = None
    return _ENVIRONMENTS[key]


def interpreter_problem(interpreter: str) -> str | None:
    """Why ``interpreter`` cannot be used for lookups, as far as the file system tells (it
    is not started here: only a lookup starts it); None when it looks usable."""
    path = Path(interpreter)
    if path.is_dir():  # a virtualenv folder
        if not any((path / sub).is_file() for sub in ("bin/python", "Scripts/python.exe")):
            return f"{interpreter} is a folder without bin/python"
        return None
    if not path.exists():
        return f"{interpreter} does not exist"
    if not os.access(path, os.X_OK):
        return f"{interpreter} is not executable"
    return None


def warm_up() -> None:
    """Pay jedi's first-inference cost now (the language server calls this at start)."""
    Inference("import sqlite3\nsqlite3.connect\n", "<warm-up>").type_of(
        ast.parse("import sqlite3\nsqlite3.connect\n").body[1].value  # type: ignore[attr-defined]
    )
