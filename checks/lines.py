"""Line index: converts between offsets, (line, column) positions and ast's UTF-8 columns."""

from __future__ import annotations

import bisect
import re

from .model import Position, Range

#: Line ends as Python's parser sees them (``\r\n``, ``\r``, ``\n``; not form feeds or U+2028).
_LINE_END = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps code-point offsets to (line, column) and back for one text.

    ``ast`` reports columns as UTF-8 byte offsets; :meth:`from_utf8` turns them into code
    points so non-ASCII lines get the same positions in every editor.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            # Python ends a line at a lone carriage return too, and ast numbers lines so:
            # counted here as well, or every position after one would land lines too high.
            self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
        else:
            self.starts = [0]
            find = text.find
            at = find("\n")
            while at != -1:
                self.starts.append(at + 1)
                at = find("\n", at + 1)
        self._ascii = text.isascii()

    def line_text(self, line: int) -> str:
        if line < 0 or line >= len(self.starts):
            return ""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def offset(self, pos: Position) -> int:
        line = min(max(pos.line, 0), len(self.starts) - 1)
        return min(self.starts[line] + pos.column, len(self.text))

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])

    def from_utf8(self, line_1based: int, utf8_col: int) -> Position:
        """Convert an ``ast`` (1-based line, UTF-8 byte column) to a code-point position."""
        line = line_1based - 1
        if self._ascii:
            return Position(line, utf8_col)
        # A lone surrogate (parsed as U+FFFD, see recovery.without_surrogates) is 3 UTF-8
        # bytes either way: "surrogatepass" keeps the columns after it right.
        prefix = self.line_text(line).encode("utf-8", "surrogatepass")[:utf8_col]
        return Position(line, len(prefix.decode("utf-8", "surrogatepass" if len(prefix) == utf8_col else "replace")))

    def node_range(self, node: object) -> Range:
        """The code-point range of an ``ast`` node (which must carry positions)."""
        start = self.from_utf8(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.from_utf8(end_line, end_col if end_col is not None else node.col_offset)  # type: ignore[attr-defined]
        return Range(start, end)

    def slice(self, rng: Range) -> str:
        return self.text[self.offset(rng.start) : self.offset(rng.end)]
