"""Name the code a finding sits in, so a triage verdict survives edits that move lines.

A verdict is keyed by (repo, path, rule, handler) where the handler is the innermost function
around the finding, qualified by its classes (``NoteView.get``), its decorators counted as part
of it (route decorators are often the flagged line); a class-level finding (a view set's
``queryset``) is keyed by its class. Findings outside any class or function are keyed
``<module>``; findings in files that are not Python (templates, settings files) ``<file>``.
The ``snippet`` (the flagged source text) is what a discriminator is matched against when one
handler has several findings of the same rule.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODULE = "<module>"
NOT_PYTHON = "<file>"
SNIPPET_CHARS = 80


@dataclass(frozen=True)
class Span:
    """A function's qualified name and the lines it covers, decorators included."""

    name: str
    first: int
    last: int


@lru_cache(maxsize=256)
def _spans(path: str) -> tuple[Span, ...] | None:
    """Every function and class of a Python file with its qualified name; None when it does not parse."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, OSError):
        return None
    spans: list[Span] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                spans.append(Span(name, first, child.end_lineno or child.lineno))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return tuple(spans)


def handler_at(path: Path, line: int) -> str:
    """The qualified name of the innermost function (or class, for class-level findings such as a
    view set's ``queryset``) covering ``line`` of ``path``."""
    if path.suffix != ".py":
        return NOT_PYTHON
    spans = _spans(str(path))
    if spans is None:
        return NOT_PYTHON
    covering = [s for s in spans if s.first <= line <= s.last]
    if not covering:
        return MODULE
    return min(covering, key=lambda s: s.last - s.first).name


def snippet(path: Path, line: int, column: int | None, end_line: int | None, end_column: int | None) -> str:
    """The flagged text on its first line, whitespace collapsed, for discriminators."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    start = max((column or 1) - 1, 0)
    stop = (end_column or 0) - 1 if end_line == line and end_column and end_column - 1 > start else len(text)
    return " ".join(text[start:stop].split())[:SNIPPET_CHARS]
