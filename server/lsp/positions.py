"""Engine positions (line, code point) ↔ client positions in the negotiated encoding.

The engine counts code points; LSP counts UTF-16 (VS Code) or UTF-8 (Neovim) units. Both end
lines at ``\\n``, ``\\r\\n`` and ``\\r`` (the engine's :class:`LineIndex` follows Python's
parser, which agrees with the LSP specification there). The unit conversion is left to
pygls's :class:`PositionCodec` (the helper the server negotiated with the client), so no code
here counts bytes itself.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from codeward.checks.lines import LineIndex
from codeward.checks.model import Position, Range

_LSP_LINE_END = re.compile(r"\r\n|\r|\n")


def lsp_lines(text: str) -> list[str]:
    """Lines of ``text`` with their endings, split the way the LSP specification says."""
    lines: list[str] = []
    start = 0
    for match in _LSP_LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class ClientPositions:
    """Converts positions for one exact text (the one the findings were computed on)."""

    def __init__(self, text: str, codec: PositionCodec, engine_lines: LineIndex | None = None) -> None:
        self.text = text
        self.codec = codec
        self.engine = engine_lines or LineIndex(text)
        self.lines = lsp_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.starts.pop()

    # -- engine → client ----------------------------------------------------------------
    def offset_to_client(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        if not self.lines:
            return types.Position(line=0, character=0)
        line = bisect.bisect_right(self.starts, offset) - 1
        column = offset - self.starts[line]
        content = self.lines[line].rstrip("\r\n")
        if column > len(content):  # inside a line ending: pin to the line's end
            if offset >= len(self.text) and self.lines[line] != content:
                return types.Position(line=line + 1, character=0)
            column = len(content)
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(line, column))

    def position_to_client(self, position: Position) -> types.Position:
        return self.offset_to_client(self.engine.offset(position))

    def range_to_client(self, rng: Range) -> types.Range:
        return types.Range(start=self.position_to_client(rng.start), end=self.position_to_client(rng.end))

    def full_range(self) -> types.Range:
        return types.Range(start=types.Position(line=0, character=0), end=self.offset_to_client(len(self.text)))

    # -- client → engine ----------------------------------------------------------------
    def client_to_offset(self, position: types.Position) -> int:
        if not self.lines or position.line < 0:
            return 0
        if position.line >= len(self.lines):
            return len(self.text)
        content = self.lines[position.line].rstrip("\r\n")
        column = 0
        units = 0
        for char in content:  # the inverse of the codec's unit count, one character at a time
            if units >= position.character:
                break
            units += self.codec.client_num_units(char)
            column += 1
        return self.starts[position.line] + column

    def position_from_client(self, position: types.Position) -> Position:
        return self.engine.position(self.client_to_offset(position))

    def range_from_client(self, rng: types.Range) -> Range:
        return Range(self.position_from_client(rng.start), self.position_from_client(rng.end))
