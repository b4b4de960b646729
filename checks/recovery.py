"""Parse Python that may be mid-edit: keep every statement that parses.

Analysis runs on the stdlib ``ast`` (about six times faster than parso). When a buffer does
not parse, parso's error recovery tells which statements are broken; those lines are masked
(replaced by ``pass``, or ``if True:`` when they head an indented block, so the block below
still analyses) and ``ast`` parses the rest. Line numbers never move, so positions from the
masked tree are positions in the real text.
"""

from __future__ import annotations

import ast
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass, field

import parso

from .fstrings import requote_nested
from .tokens import python_tokens, without_surrogates

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
    #: Valid statements masked only because they nest beyond the parser's limit (the
    #: document is then only partly analysed, which its reports must say).
    too_deep: str | None = None

    def newer_syntax(self, text: str) -> dict[int, str]:
        """Masked lines written in syntax newer than the running Python (0-based line → what),
        so that they are reported as not analysed for that reason, not as typing mistakes."""
        if sys.version_info >= (3, 12) or not self.broken_lines:
            return {}
        lines = text.splitlines()
        found = {}
        for number in sorted(self.broken_lines):
            if number < len(lines):
                for pattern, what in _NEWER_SYNTAX:
                    if pattern.match(lines[number]):
                        found[number] = what
                        break
        return found


#: Statements Python 3.12 added (PEP 695), recognised by how they start. (PEP 701
#: f-strings are re-quoted for older parsers instead, see fstrings.py.)
_NEWER_SYNTAX = (
    (re.compile(r"\s*type\s+[A-Za-z_]\w*\s*[\[=]"), "a `type` alias statement (Python 3.12)"),
    (re.compile(r"\s*(?:async\s+)?def\s+[A-Za-z_]\w*\s*\["), "a function with type parameters (Python 3.12)"),
    (re.compile(r"\s*class\s+[A-Za-z_]\w*\s*\["), "a class with type parameters (Python 3.12)"),
)


def parse(text: str, filename: str = "<buffer>") -> ParseResult:
    """Parse ``text``; never raises SyntaxError, masks broken statements instead."""
    text = without_surrogates(text)
    try:
        return ParseResult(_ast_parse(text, filename))
    except SyntaxError as exc:
        first_error = f"line {exc.lineno}: {exc.msg}"
    except TooComplexError:
        return _without_deep_statements(text, filename)
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
            line = min((exc.lineno or 1) - 1, len(lines) - 1)
            span = set(_statement_span(lines, line))
            if span <= broken:
                # Masking did not help: an open bracket or string reaches further than
                # parso said. Mask the statement it opens, up to the next statement that
                # starts at its indentation or less (later definitions still analyse).
                span = set(_open_statement(lines, candidate, line))
            if span <= broken:
                break
            broken |= span
    first_bad = min(broken) if broken else 0
    broken.update(range(first_bad, len(lines)))
    try:
        return ParseResult(_ast_parse(_mask(lines, broken), filename), broken, first_error)
    except SyntaxError:
        return ParseResult(ast.Module(body=[], type_ignores=[]), set(range(len(lines))), first_error)


def _without_deep_statements(text: str, filename: str) -> ParseResult:
    """Parse with the top-level statements the parser cannot nest masked (generated code
    chains thousands of ``+``): the rest of the module still analyses.

    Python's tokenizer, which does not recurse, finds where each top-level statement starts;
    each is parsed alone to find the ones too deep. Raises TooComplexError when it finds none.
    """
    lines = text.splitlines(keepends=True)
    starts = _top_level_starts(text)
    deep: set[int] = set()
    for start, end in zip(starts, [*starts[1:], len(lines)]):
        try:
            _ast_parse("".join(lines[start:end]), filename)
        except TooComplexError:
            deep.update(range(start, end))
        except SyntaxError:
            pass  # the ordinary recovery below deals with it
    if not deep:
        raise TooComplexError("nesting too deep for the parser")
    first = min(deep)
    result = parse(_mask(lines, deep), filename)
    result.broken_lines |= deep
    result.error = result.error or f"line {first + 1}: nesting too deep for the parser"
    result.too_deep = f"line {first + 1}: nested too deeply for the parser"
    return result


def _top_level_starts(text: str) -> list[int]:
    """0-based first lines of the module's top-level statements (decorators included)."""
    starts = [0]
    level = 0
    at_line_start = True
    decorated = False  # the statement above is a decorator: what follows belongs to it
    try:
        for token in python_tokens(text):
            if token.type == tokenize.INDENT:
                level += 1
            elif token.type == tokenize.DEDENT:
                level -= 1
            elif token.type == tokenize.NEWLINE:
                at_line_start = True
            elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER) and at_line_start:
                at_line_start = False
                if level == 0:
                    if token.start[0] - 1 > starts[-1] and not decorated and not _continues_block(token.string):
                        starts.append(token.start[0] - 1)
                    decorated = token.string == "@"
    except (tokenize.TokenError, SyntaxError):
        pass  # an open bracket or string at the end: the rest is one statement
    return starts


def _continues_block(word: str) -> bool:
    """Clauses that continue the statement above (``else``, ``except``...), not new ones."""
    return word in ("else", "elif", "except", "finally", "case")


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
    """Lines of the logical statement at ``line``: continuation lines while a bracket it
    opened is open, but never into a line that starts a new statement (see :func:`_ends`)."""
    end = line
    depth = _bracket_delta(lines[line])
    while depth > 0 and end + 1 < len(lines) and not _ends(lines, line, end + 1):
        end += 1
        depth += _bracket_delta(lines[end])
    return range(line, end + 1)


def _open_statement(lines: list[str], masked: str, line: int) -> range:
    """The statement an unclosed bracket or string opened, as seen in the ``masked`` text.

    Python's tokenizer tells where the last complete logical line ended; the open statement
    starts after it (at or before ``line``) and runs to the next line that starts a new
    statement, or to the end of the text.
    """
    start = 0
    try:
        for token in python_tokens(masked):
            if token.type == tokenize.NEWLINE and token.end[0] - 1 <= line:
                start = token.end[0]
    except (tokenize.TokenError, SyntaxError):
        pass
    while start < line and not lines[start].strip():
        start += 1
    end = start + 1
    while end < len(lines) and not _ends(lines, start, end):
        end += 1
    return range(start, end)


def _ends(lines: list[str], start: int, line: int) -> bool:
    """Whether ``line`` starts a new statement rather than continuing the one at ``start``:
    code at the first line's indentation or less that does not close a bracket. Code in
    brackets is indented deeper (or closes them), so a half-typed call stops at the next
    definition instead of swallowing the rest of the file."""
    text = lines[line]
    code = text.strip()
    if not code or code.startswith("#") or code[0] in ")]}":
        return False
    return len(_indent(text).expandtabs()) <= len(_indent(lines[start]).expandtabs())


def _bracket_delta(line: str) -> int:
    code = line.split("#", 1)[0]
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _mask(lines: list[str], broken: set[int]) -> str:
    """The text with each run of broken lines replaced, line for line: a statement's first
    line becomes ``pass`` (``if True:`` when it heads a block), its continuation lines
    (inside its brackets, or indented deeper than a masked line that heads no block) blank."""
    out: list[str] = []
    depth = 0  # brackets left open by the masked lines above
    statement: int | None = None  # indentation of the masked statement above, if it heads no block
    for i, line in enumerate(lines):
        if i not in broken:
            out.append(line)
            depth, statement = 0, None
            continue
        ending = line[len(line.rstrip("\r\n")) :]
        width = len(_indent(line).expandtabs())
        continuation = depth > 0 or (statement is not None and width > statement)
        depth = max(depth + _bracket_delta(line), 0)
        if continuation or not line.strip() or line.lstrip().startswith("#"):
            out.append(ending)
            continue
        heads = _heads_block(lines, i, broken)
        statement = None if heads else width
        out.append(_indent(line) + ("if True:" if heads else "pass") + ending)
    return "".join(out)


def _heads_block(lines: list[str], i: int, broken: set[int]) -> bool:
    """True when the next real line after ``i`` is indented deeper (a block body)."""
    for j in range(i + 1, len(lines)):
        if j in broken or not lines[j].strip() or lines[j].lstrip().startswith("#"):
            continue
        return len(_indent(lines[j]).expandtabs()) > len(_indent(lines[i]).expandtabs())
    return False
