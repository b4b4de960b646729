"""Finding the template tags of a Jinja2 or Django template, without ever raising.

Both languages share the delimiters ``{{ }}`` (print), ``{% %}`` (statement) and ``{# #}``
(comment); Jinja adds whitespace control (``{{-``, ``-%}``, ``+%}``). A tag that is not closed
before the next tag opens (or the file ends) is a half-typed tag: it is reported as not
closed and scanning resumes at the next opener, so the rest of the file keeps its findings.
Raw regions (``{% raw %}``, ``{% verbatim %}``, ``{% comment %}``) print their content as
text: tags inside them are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{": "}}", "%": "%}", "#": "#}"}
_KIND = {"{": "output", "%": "statement", "#": "comment"}
_RAW_END = {"raw": "endraw", "verbatim": "endverbatim", "comment": "endcomment"}
_STATEMENT_NAME = re.compile(r"\s*([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Tag:
    """One tag: ``start``/``end`` are offsets of the delimiters, ``inner`` the text between."""

    kind: str  # "output", "statement" or "comment"
    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool

    def inner(self, text: str) -> str:
        return text[self.inner_start:self.inner_end]

    def statement(self, text: str) -> str:
        """The statement keyword (``if``, ``autoescape``...), empty for other kinds."""
        if self.kind != "statement":
            return ""
        match = _STATEMENT_NAME.match(text, self.inner_start, self.inner_end)
        return match.group(1) if match else ""


def tags(text: str) -> list[Tag]:
    """Every tag of ``text`` in order; unclosed tags end where the next tag starts."""
    found: list[Tag] = []
    position = 0
    raw_until: str | None = None
    while True:
        match = _OPENER.search(text, position)
        if match is None:
            break
        start = match.start()
        mark = text[start + 1]
        inner_start = start + 2
        if text.startswith(("-", "+"), inner_start):
            inner_start += 1
        close = text.find(_CLOSER[mark], inner_start)
        reopen = _OPENER.search(text, inner_start)
        if close == -1 or (reopen is not None and reopen.start() < close and mark != "#"):
            # Not closed before the next tag: a tag being typed. Comments may hold tags.
            end = reopen.start() if reopen is not None else len(text)
            line_end = text.find("\n", inner_start)
            end = min(end, line_end) if line_end != -1 else end
            tag = Tag(_KIND[mark], start, end, inner_start, end, closed=False)
            position = max(end, inner_start)
        else:
            inner_end = close - 1 if text[close - 1:close] in ("-", "+") and close - 1 >= inner_start else close
            tag = Tag(_KIND[mark], start, close + 2, inner_start, inner_end, closed=True)
            position = close + 2
        name = tag.statement(text)
        if raw_until is not None:
            if name == raw_until:
                raw_until = None
                found.append(tag)
            continue
        found.append(tag)
        if name in _RAW_END:
            raw_until = _RAW_END[name]
    return found


def masked(text: str, found: list[Tag]) -> str:
    """``text`` with every tag replaced by underscores (newlines kept), so an HTML scanner
    sees attribute values and elements without template syntax inside them."""
    pieces: list[str] = []
    cursor = 0
    for tag in found:
        pieces.append(text[cursor:tag.start])
        pieces.append(re.sub(r"[^\n]", "_", text[tag.start:tag.end]))
        cursor = tag.end
    pieces.append(text[cursor:])
    return "".join(pieces)
