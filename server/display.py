"""Text for people: control characters in file names and messages are shown, never obeyed.

A scanned tree chooses its file names and the code that messages quote. Printed raw, a name
holding a newline forges a finding line, ANSI escape sequences rewrite or erase earlier
lines, bidirectional overrides reorder what the reader sees, and lone surrogates (names that
are not UTF-8, see :func:`os.fsdecode`) cannot even be written to a UTF-8 terminal. Every
human-readable output passes its lines through :func:`printable`.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, zero-width and bidirectional formatting marks, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every unsafe character written as its Python escape (``\\x1b``,
    ``\\n``, ``\\u202e``, ``\\udcff``): visible, and one line stays one line."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable_lines(text: str) -> str:
    """Each line of ``text`` made :func:`printable` (the line breaks themselves kept)."""
    return "\n".join(printable(line) for line in text.split("\n"))
