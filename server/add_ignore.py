"""``codeward scan --add-ignore [REASON]``: suppress every current finding in place (as ruff's
``--add-noqa``), so a legacy project can switch the gate on today and fix later.

Each finding's line gets ``# codeward: ignore[CODE] -- REASON`` (codes merge into a
comment already there, keeping its reason). A comment is only added where one can go:
at the end of a Python or TOML line that does not end inside a string or after a line
continuation; the finding's last line is tried when its first cannot take it. Findings in
other kinds of files (an inline ``#`` would become part of an INI or ``.env`` value) are
counted and left for a person.
"""

from __future__ import annotations

import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from codeward.checks.files import kind_of
from codeward.checks.model import Finding
from codeward.checks.source import SourceDoc
from codeward.checks.suppressions import Suppression
from codeward.checks.suppressions import parse as parse_suppressions
from codeward.server import writes
from codeward.server.fixing import source_encoding
from codeward.checks.tokens import python_tokens

DEFAULT_REASON = "TODO: say why this is safe"
#: Rules about suppression comments (bare, unknown code, unused): fixed, never suppressed.
SUPPRESSION_RULES = "CW00"


@dataclass
class Added:
    comments: int = 0
    files: int = 0
    skipped: int = 0
    refused: list[str] = field(default_factory=list)


def add_ignores(root: Path, findings: list[Finding], reason: str) -> Added:
    """Suppress ``findings`` in place; findings about suppression comments themselves
    (CW001-CW003) are left to their fixes: a comment suppressing them would hide nothing real."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    added = Added()
    for finding in findings:
        if finding.code.startswith(SUPPRESSION_RULES):
            added.skipped += 1
        else:
            by_file[finding.path].append(finding)
    for rel, found in sorted(by_file.items()):
        kind = kind_of(rel)
        if kind not in ("python", "toml"):
            added.skipped += len(found)
            continue
        try:
            encoding = source_encoding(root, rel) if kind == "python" else "utf-8"
            text = (writes.read_bytes(root, rel) or b"").decode(encoding)
        except (writes.WriteRefused, UnicodeDecodeError, LookupError):
            added.skipped += len(found)
            continue
        new_text, comments, skipped = with_ignores(text, rel, kind, found, reason)
        added.skipped += skipped
        if comments:
            try:
                writes.write_text(root, rel, new_text, encoding)
            except writes.WriteRefused as refused:
                added.refused.append(f"{rel}: {refused}")
                added.skipped += len(found)
                continue
            added.comments += comments
            added.files += 1
    return added


def with_ignores(text: str, rel: str, kind: str, findings: list[Finding], reason: str) -> tuple[str, int, int]:
    """``text`` with the suppressions added; how many comments were written and findings skipped."""
    lines = text.splitlines(keepends=True)
    open_ends = _lines_ending_inside_a_string(text) if kind == "python" else set()
    codes_by_line: dict[int, list[str]] = defaultdict(list)
    skipped = 0
    for finding in findings:
        for line in dict.fromkeys((finding.range.start.line, finding.range.end.line)):
            if line < len(lines) and line not in open_ends and not lines[line].rstrip("\r\n").endswith("\\"):
                codes_by_line[line].append(finding.code)
                break
        else:
            skipped += 1
    existing = parse_suppressions(SourceDoc(text, rel, kind))
    for line, codes in codes_by_line.items():
        lines[line] = _commented(lines[line], existing.get(line), codes, reason)
    return "".join(lines), len(codes_by_line), skipped


def _commented(line: str, comment: Suppression | None, codes: list[str], reason: str) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    if comment is not None:
        merged = list(dict.fromkeys([*comment.codes, *codes]))
        why = comment.reason or reason
        return f"{body[: comment.start]}# codeward: ignore[{', '.join(merged)}] -- {why}{body[comment.end :]}{ending}"
    return f"{body}  # codeward: ignore[{', '.join(dict.fromkeys(codes))}] -- {reason}{ending}"


def _lines_ending_inside_a_string(text: str) -> set[int]:
    """0-based lines whose end is inside a multi-line string (a comment there would be text)."""
    inside: set[int] = set()
    try:
        for piece in python_tokens(text):
            if piece.start[0] != piece.end[0]:
                inside.update(range(piece.start[0] - 1, piece.end[0] - 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return set(range(text.count("\n") + 1))  # cannot tell: add nothing
    return inside
