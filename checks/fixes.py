"""Turning a Fix into concrete edits, applying them, and proving the result parses.

Imports a fix needs are added as one more edit, after the module docstring, ``__future__``
imports and the leading import block, and only when the name is not already imported.
"""

from __future__ import annotations

import ast
import bisect
import math
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
        # First among insertions at one point: a statement the fix adds after the imports
        # (``load_dotenv()``) must follow the import it needs.
        edits.insert(0, _import_edit(doc, list(dict.fromkeys(import_lines))))
    return sorted(edits, key=lambda e: (e.range.start, e.range.end))


def _import_edit(doc: SourceDoc, import_lines: list[str]) -> Edit:
    """Insert the import lines after the leading imports (see :func:`import_insert_line`)."""
    line = import_insert_line(doc)
    text = "".join(f"{imp}\n" for imp in import_lines)
    last = doc.lines.line_count - 1
    if line >= last and not doc.text.endswith("\n") and doc.lines.line_text(line):
        # After a last line with no newline: start a new line first.
        end = Position(last, len(doc.lines.line_text(last)))
        return Edit(Range(end, end), "\n" + text.rstrip("\n"))
    return Edit(Range(Position(line, 0), Position(line, 0)), text)


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
        return _parses(new_text)
    return len(parse(new_text).broken_lines) <= len(doc.broken_lines)


def is_sound(doc: SourceDoc, fix: Fix) -> bool:
    """A fix is offered only when it applies cleanly and its result parses.

    Re-parsing the whole file per fix made a 2,000-line file with hundreds of fixable
    findings take a minute, so each edit is checked where it lands: the top-level statement
    it falls in is re-parsed alone with the edit applied (a module is a sequence of
    top-level statements, so if each edited one still parses, the module does), and a
    whole-line insertion between statements (an added import) that parses by itself is fine.
    Anything else (edits across statements, indented lines appended to a block, statements
    that were already broken) falls back to re-parsing the whole text.
    """
    try:
        edits = edits_for(doc, fix)
    except FixConflict:
        return False
    if doc.kind != "python":
        return True
    local = _locally_sound(doc, edits)
    if local is not None:
        return local
    try:
        return parses_as_well(doc, apply_edits(doc.text, doc, edits))
    except FixConflict:
        return False


def _locally_sound(doc: SourceDoc, edits: list[Edit]) -> bool | None:
    """True/False when every edit can be judged inside its own statement; None if not."""
    groups: dict[tuple[int, int], list[Edit]] = {}
    for edit in edits:
        span = _statement_span(doc, edit.range)
        if span is not None:
            groups.setdefault(span, []).append(edit)
        elif not (edit.range.start == edit.range.end and edit.range.start.column == 0 and edit.text.endswith("\n")):
            return None
        elif not _parses(edit.text):
            return None  # e.g. indented lines appended to the class above: judge the whole text
    for (first, last), group in groups.items():
        if any(line in doc.broken_lines for line in range(first, last + 1)):
            return None
        start = doc.lines.offset(Position(first, 0))
        end = doc.lines.offset(Position(last + 1, 0)) if last + 1 < doc.lines.line_count else len(doc.text)
        ordered = sorted(group, key=lambda e: (e.range.start, e.range.end))
        pieces, cursor = [], start
        for edit in ordered:
            a, b = doc.lines.offset(edit.range.start), doc.lines.offset(edit.range.end)
            if a < cursor or b > end:
                return None
            pieces += [doc.text[cursor:a], edit.text]
            cursor = b
        pieces.append(doc.text[cursor:end])
        if not _parses("".join(pieces)):
            return False
    return True


def _statement_span(doc: SourceDoc, rng: Range) -> tuple[int, int] | None:
    """(first, last) 0-based lines of the top-level statement holding all of ``rng``.

    A binary search: every fix of a file asks, and a generated module has thousands of
    statements and of findings (a linear scan made fixing them quadratic)."""
    spans = _top_level_spans(doc)
    index = bisect.bisect_right(spans, (rng.start.line, math.inf)) - 1
    if index < 0:
        return None
    first, last = spans[index]
    if not (first <= rng.start.line and rng.end.line <= last):
        return None
    # An insertion at column 0 of the first line is between statements, not inside.
    if rng.start == rng.end and rng.start.column == 0 and rng.start.line == first:
        return None
    return first, last


def _top_level_spans(doc: SourceDoc) -> list[tuple[int, int]]:
    spans = doc.memo.get("top_level_spans")
    if spans is None:
        spans = []
        for stmt in doc.tree.body if doc.tree else ():
            decorators = getattr(stmt, "decorator_list", ())
            first = min([stmt.lineno, *(d.lineno for d in decorators)]) - 1
            spans.append((first, (stmt.end_lineno or stmt.lineno) - 1))
        doc.memo["top_level_spans"] = spans
    return spans  # type: ignore[return-value]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


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


def import_insert_line(doc: SourceDoc) -> int:
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
