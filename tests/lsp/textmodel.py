"""The client's side of the text: LSP positions in UTF-8 or UTF-16 units, LSP line ends.

Written independently of the server's conversion code, so a test comparing the two would
catch a mistake in either.
"""

from __future__ import annotations

import re

from lsprotocol import types

_LINE_END = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_END.finditer(text)]


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def offset_of(text: str, position: types.Position, encoding: str) -> int:
    starts = line_starts(text)
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = _LINE_END.sub("", text[start:end], count=1) if end > start else ""
    counted = 0
    for index, char in enumerate(line):
        if counted >= position.character:
            return start + index
        counted += units(char, encoding)
    return start + len(line)


def position_of(text: str, offset: int, encoding: str) -> types.Position:
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line=line, character=units(text[starts[line]:offset], encoding))


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    spans = sorted(((offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
