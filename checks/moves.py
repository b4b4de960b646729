"""Findings of one version of a text, moved to the lines of an edited version.

An editor shows findings on the text it has now, which is often not the text that was
analysed: the user typed after a save in on-save mode, or an incremental analysis carries
the findings of definitions it did not re-check. A finding moves with its lines when every
line it touches (range, fix edits, same-file flow steps) is unchanged in the new text; a
finding on an edited line is dropped, since nothing says where it went. Messages that name
a line of the same file ("(line 12)", "at line 12") name its new number.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable

from .model import Finding, Position, Range

#: How messages refer to a line of the same file: "(line 12)" or "at line 12" (see
#: taint/report.py); a reference to another file reads "(other.py line 12)" and stays.
_SAME_FILE_LINE = re.compile(r"(?:(?<=\()|(?<=\bat ))line (\d+)\b")

#: Where a 0-based line of the old text is in the new text (None: the line was edited).
LineMap = Callable[[int], "int | None"]


def line_map(old: list[str], new: list[str]) -> LineMap:
    """Map the unchanged lines of ``old`` to their place in ``new``.

    The common prefix and suffix are matched first (one edit, the usual case, costs a
    comparison per line); only the lines between them are diffed.
    """
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    delta = len(new) - len(old)
    old_mid_end = len(old) - suffix
    middle: dict[int, int] = {}
    if prefix < old_mid_end and prefix < len(new) - suffix:
        matcher = difflib.SequenceMatcher(None, old[prefix:old_mid_end], new[prefix : len(new) - suffix], autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                middle[prefix + block.a + offset] = prefix + block.b + offset

    def where(line: int) -> int | None:
        if line < prefix:
            return line
        if line >= old_mid_end:
            return line + delta
        return middle.get(line)

    return where


def shift_map(after: int, delta: int) -> LineMap:
    """Lines from ``after`` on move by ``delta``; the lines before stay."""
    return lambda line: line + delta if line >= after else line


def moved(finding: Finding, where: LineMap) -> Finding | None:
    """``finding`` on the new lines, or None when one of its lines was edited."""
    if any(where(line) is None for line in lines_of(finding)):
        return None

    def position(p: Position) -> Position:
        return Position(where(p.line), p.column)  # type: ignore[arg-type]

    def rng(r: Range) -> Range:
        return Range(position(r.start), position(r.end))

    def text(message: str) -> str:
        def renumber(match: re.Match[str]) -> str:
            line = where(int(match.group(1)) - 1)
            return f"line {line + 1}" if line is not None else match.group(0)

        return _SAME_FILE_LINE.sub(renumber, message)

    fix = finding.fix
    if fix is not None:
        fix = dataclasses.replace(fix, edits=tuple(dataclasses.replace(e, range=rng(e.range)) for e in fix.edits))
    flow = tuple(
        dataclasses.replace(step, range=rng(step.range), message=text(step.message))
        if _same_file(step.path, finding) else dataclasses.replace(step, message=text(step.message))
        for step in finding.flow
    )
    return dataclasses.replace(finding, message=text(finding.message), range=rng(finding.range), fix=fix, flow=flow)


def moved_all(findings: list[Finding], old_text: str, new_text: str) -> list[Finding]:
    """The findings of ``old_text`` that survive the edit to ``new_text``, on its lines."""
    where = line_map(old_text.split("\n"), new_text.split("\n"))
    return [m for m in (moved(f, where) for f in findings) if m is not None]


def lines_of(finding: Finding) -> list[int]:
    """Every line of this file a finding points at: its range, same-file flow steps, fix edits."""
    lines = [finding.range.start.line, finding.range.end.line]
    for step in finding.flow:
        if _same_file(step.path, finding):
            lines += [step.range.start.line, step.range.end.line]
    if finding.fix is not None:
        for edit in finding.fix.edits:
            lines += [edit.range.start.line, edit.range.end.line]
    return lines


def _same_file(path: str | None, finding: Finding) -> bool:
    return not path or path == finding.path
