"""Turning a Fix into concrete edits, applying them, and proving the result parses.

Imports a fix needs are added as one more edit, after the module docstring, ``__future__``
imports and the leading import block, and only when the name is not already imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .model import Edit, Fix, Position, Range
from .recovery import parse
from .source import SourceDoc


class FixConflict(ValueError):
    """Two edits overlap; the fix cannot be applied as one change."""


def edits_for(doc: SourceDoc, fix: Fix) -> list[Edit]:
    """The fix's own edits plus the import edits it needs, in text order."""
    edits = list(fix.edits)
    import_lines = [line for line in fix.imports if not _already_imported(doc, line)]
    if import_lines:
        line = _import_insert_line(doc)
        text = "".join(f"{imp}\n" for imp in dict.fromkeys(import_lines))
        if line >= doc.lines.line_count - 1 and not doc.text.endswith("\n") and doc.lines.line_text(line):
            line, text = doc.lines.line_count - 1, "\n" + text.rstrip("\n")
            end = Position(line, len(doc.lines.line_text(line)))
            edits.append(Edit(Range(end, end), text))
            return sorted(edits, key=lambda e: (e.range.start, e.range.end))
        edits.append(Edit(Range(Position(line, 0), Position(line, 0)), text))
    return sorted(edits, key=lambda e: (e.range.start, e.range.end))


def apply_edits(text: str, doc: SourceDoc, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (code-point ranges on ``doc``) to ``text``."""
    ordered = sorted(edits, key=lambda e: (e.range.start, e.range.end))
    out: list[str] = []
    cursor = 0
    for edit in ordered:
        start = doc.lines.offset(edit.range.start)
        end = doc.lines.offset(edit.range.end)
        if start < cursor:
            raise FixConflict("overlapping edits")
        out.append(text[cursor:start])
        out.append(edit.text)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def apply_fix(doc: SourceDoc, fix: Fix) -> str:
    return apply_edits(doc.text, doc, edits_for(doc, fix))


def parses_as_well(doc: SourceDoc, new_text: str) -> bool:
    """The fixed text parses at least as well as the original did."""
    if doc.kind != "python":
        return True
    if not doc.broken_lines:
        try:
            ast.parse(new_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return True
    return len(parse(new_text).broken_lines) <= len(doc.broken_lines)


def is_sound(doc: SourceDoc, fix: Fix) -> bool:
    """A fix is offered only when it applies cleanly and its result parses."""
    try:
        return parses_as_well(doc, apply_fix(doc, fix))
    except FixConflict:
        return False


def _already_imported(doc: SourceDoc, line: str) -> bool:
    if doc.tree is None:
        return False
    try:
        stmt = ast.parse(line).body[0]
    except (SyntaxError, IndexError):
        return False
    imports = doc.names.imports
    if isinstance(stmt, ast.Import):
        return all(imports.get(a.asname or a.name.split(".")[0]) == (a.name if a.asname else a.name.split(".")[0]) for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        return all(imports.get(a.asname or a.name) == f"{stmt.module}.{a.name}" for a in stmt.names)
    return False


def _import_insert_line(doc: SourceDoc) -> int:
    """0-based line before which new imports go: after docstring, __future__ and imports."""
    assert doc.tree is not None
    line = 0
    for index, stmt in enumerate(doc.tree.body):
        is_docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        if is_docstring or isinstance(stmt, (ast.Import, ast.ImportFrom)):
            line = stmt.end_lineno or stmt.lineno
            continue
        break
    return line
