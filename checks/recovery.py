"""Parse Python that may be mid-edit: keep every statement that parses.

Analysis runs on the stdlib ``ast`` (about six times faster than parso). When a buffer does
not parse, parso's error recovery tells which statements are broken; those lines are masked
(replaced by ``pass``, or ``if True:`` when they head an indented block, so the block below
still analyses) and ``ast`` parses the rest. Line numbers never move, so positions from the
masked tree are positions in the real text.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass, field

import parso

from .fstrings import requote_nested

#: How many extra ``ast`` attempts after parso's pass; past this the tail is dropped.
MAX_REPAIR_ROUNDS = 40


class TooComplexError(Exception):
    """The text nests deeper than the parser can handle."""


@dataclass
class ParseResult:
    tree: ast.Module
    #: 0-based line numbers that were masked because they did not parse.
    broken_lines: set[int] = field(default_factory=set)
    #: The first syntax error, for messages ("line 3: '(' was never closed").
    error: str | None = None


def parse(text: str, filename: str = "<buffer>") -> ParseResult:
    """Parse ``text``; never raises SyntaxError, masks broken statements instead."""
    try:
        return ParseResult(_ast_parse(text, filename))
    except SyntaxError as exc:
        first_error = f"line {exc.lineno}: {exc.msg}"
    if sys.version_info < (3, 12):  # 3.12 f-strings reusing their quote (PEP 701)
        requoted = requote_nested(text)
        if requoted is not None:
            try:
                return ParseResult(_ast_parse(requoted, filename))
            except SyntaxError:
                text = requoted  # fewer broken statements to mask below
    lines = text.splitlines(keepends=True)
    broken: set[int] = set()
    for start, end in _parso_error_spans(text):
        broken.update(range(start, end + 1))
    for _ in range(MAX_REPAIR_ROUNDS):
        candidate = _mask(lines, broken)
        try:
            return ParseResult(_ast_parse(candidate, filename), broken, first_error)
        except SyntaxError as exc:
            line = (exc.lineno or 1) - 1
            if line in broken or line >= len(lines):
                # Masking did not help (e.g. an unterminated triple-quoted string): give
                # up on everything from the first unparsable line down.
                break
            broken.update(_statement_span(lines, line))
    first_bad = min(broken) if broken else 0
    broken.update(range(first_bad, len(lines)))
    try:
        return ParseResult(_ast_parse(_mask(lines, broken), filename), broken, first_error)
    except SyntaxError:
        return ParseResult(ast.Module(body=[], type_ignores=[]), set(range(len(lines))), first_error)


def _ast_parse(text: str, filename: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in analysed code
            return ast.parse(text, filename=filename)
    except (RecursionError, MemoryError) as exc:
        raise TooComplexError("nesting too deep for the parser") from exc
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        raise SyntaxError(str(exc)) from exc


def _parso_error_spans(text: str) -> list[tuple[int, int]]:
    """0-based (first, last) line spans of the statements parso could not parse."""
    try:
        module = parso.parse(text)
    except Exception:  # parso is a helper here; its failure must not stop analysis
        return []
    spans: list[tuple[int, int]] = []
    stack: list[tuple[object, bool]] = [(module, False)]
    while stack:
        node, in_error = stack.pop()
        # parso links every node to its parent: a tree is one big reference cycle that only
        # the cyclic GC frees (the language server runs it rarely, see server.tune_gc), so
        # trees of discarded parses piled up. Unlinking every node frees it on return.
        node.parent = None  # type: ignore[attr-defined]
        error = node.type in ("error_node", "error_leaf")  # type: ignore[attr-defined]
        if error and not in_error and node.start_pos != node.end_pos:  # type: ignore[attr-defined]
            # (an empty INDENT/DEDENT error has no text to mask; errors nested in an error
            # lie inside its span)
            spans.append((node.start_pos[0] - 1, node.end_pos[0] - 1))  # type: ignore[attr-defined]
        stack.extend((child, in_error or error) for child in getattr(node, "children", ()))
    return spans


def _statement_span(lines: list[str], line: int) -> range:
    """Lines of the logical statement around ``line``: continuation lines up to a dedent."""
    end = line
    depth = _bracket_delta(lines[line])
    while depth > 0 and end + 1 < len(lines):
        end += 1
        depth += _bracket_delta(lines[end])
    return range(line, end + 1)


def _bracket_delta(line: str) -> int:
    code = line.split("#", 1)[0]
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _mask(lines: list[str], broken: set[int]) -> str:
    out: list[str] = []
    for i, line in enumerate(lines):
        if i not in broken:
            out.append(line)
            continue
        ending = line[len(line.rstrip("\r\n")) :]
        previous_masked = i - 1 in broken
        if previous_masked and _indent(line) != _indent(lines[i - 1]) or not line.strip():
            out.append(ending or "")
            continue
        filler = "if True:" if _heads_block(lines, i, broken) else "pass"
        out.append(_indent(line) + filler + ending)
    return "".join(out)


def _heads_block(lines: list[str], i: int, broken: set[int]) -> bool:
    """True when the next real line after ``i`` is indented deeper (a block body)."""
    for j in range(i + 1, len(lines)):
        if j in broken or not lines[j].strip() or lines[j].lstrip().startswith("#"):
            continue
        return len(_indent(lines[j]).expandtabs()) > len(_indent(lines[i]).expandtabs())
    return False
