"""Colour and source snippets for the text report (as ruff shows them).

Colour is on only for a terminal, never when ``NO_COLOR`` is set (https://no-color.org),
always with ``FORCE_COLOR`` or ``--color always``. A snippet shows the flagged line with a
gutter and a caret underline. Secrets never appear in it: the ranges of secret findings
(CW2xx) on a shown line are masked, as every other output masks them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TextIO

from codeward.checks.model import Finding, Severity
from codeward.server.display import printable

_RESET = "\033[0m"
_SEVERITY_COLOUR = {Severity.ERROR: "\033[1;31m", Severity.WARNING: "\033[1;33m", Severity.NOTE: "\033[1;36m"}
_BOLD, _DIM, _CYAN, _RED = "\033[1m", "\033[2m", "\033[36m", "\033[31m"
SECRET_FAMILY = "CW2"
_MASK = "•"
#: Lines longer than this are cut around the finding in a snippet.
_MAX_WIDTH = 160


def use_colour(mode: str, stream: TextIO) -> bool:
    """``--color auto|always|never`` with the NO_COLOR / FORCE_COLOR conventions."""
    if mode == "never" or (mode == "auto" and os.environ.get("NO_COLOR")):
        return False
    if mode == "always" or os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class Painter:
    """ANSI styles when colour is on; the plain text otherwise."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _wrap(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if self.colour else text

    def path(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def code(self, text: str, severity: Severity) -> str:
        return self._wrap(_SEVERITY_COLOUR[severity], text)

    def dim(self, text: str) -> str:
        return self._wrap(_DIM, text)

    def gutter(self, text: str) -> str:
        return self._wrap(_CYAN, text)

    def caret(self, text: str) -> str:
        return self._wrap(_RED, text)


def snippet(finding: Finding, lines: list[str], secrets: list[Finding], paint: Painter) -> list[str]:
    """The finding's first line with a gutter and carets under the flagged span."""
    number = finding.range.start.line
    if number >= len(lines):
        return []
    text = _masked(lines[number], number, secrets)
    start = min(finding.range.start.column, len(text))
    end = finding.range.end.column if finding.range.end.line == number else len(text)
    end = max(start + 1, min(end, len(text)))
    offset = 0
    if len(text) > _MAX_WIDTH:  # keep the flagged span in view
        offset = max(0, min(start - 20, len(text) - _MAX_WIDTH))
        text = text[offset : offset + _MAX_WIDTH]
    text = text.replace("\t", " ")
    width = len(str(number + 1))
    bar = paint.gutter(f"{' ' * width} |")
    return [
        bar,
        f"{paint.gutter(f'{number + 1} |')} {printable(text)}",  # the tree's text: escaped
        f"{bar} {' ' * (start - offset)}{paint.caret('^' * max(1, min(end, offset + _MAX_WIDTH) - start))}",
    ]


def _masked(line: str, number: int, secrets: list[Finding]) -> str:
    for secret in secrets:
        rng = secret.range
        if rng.start.line <= number <= rng.end.line:
            start = rng.start.column if rng.start.line == number else 0
            end = rng.end.column if rng.end.line == number else len(line)
            line = line[:start] + _MASK * max(0, end - start) + line[end:]
    return line


def source_reader(read: Callable[[str], str | None]) -> Callable[[str], list[str]]:
    """A cached path → lines reader for snippets (unreadable files give no snippet)."""
    cache: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in cache:
            text = read(path)
            cache[path] = text.splitlines() if text is not None else []
        return cache[path]

    return lines_of
