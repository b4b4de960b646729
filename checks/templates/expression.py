"""What a print tag prints: its value expression and the filters applied to it.

``{{ post.body|striptags|safe }}`` is the value ``post.body`` (rooted at the context
variable ``post``) with the filters ``striptags`` and ``safe``. Both languages write filters
after ``|`` outside strings and brackets; Jinja passes arguments in parentheses, Django
after a colon. A value that is a literal (or a translation of one) is the template author's
own text, never the user's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_LITERAL = re.compile(r"""^\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false|True|False|none|None)\s*$""")
#: Calls whose result is the developer's own text: translations of a literal.
_TRANSLATIONS = re.compile(r"""^\s*(?:_|gettext|ngettext|pgettext|trans|translate)\s*\(\s*(?:"[^"]*"|'[^']*')""")
_KEYWORDS = frozenset({"not", "and", "or", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"})


@dataclass(frozen=True)
class Printed:
    """A print tag's parts: ``value`` text, its ``root`` context name, ``filters`` in order
    (with the offset of each ``|`` in the template, for fixes)."""

    value: str
    root: str | None
    filters: tuple[str, ...]
    bars: tuple[int, ...]
    constant: bool

    def filtered(self, *names: str) -> bool:
        return any(f in names for f in self.filters)


def split_top_level(text: str, separator: str) -> list[tuple[int, str]]:
    """(offset, part) of ``text`` split at ``separator`` outside strings and brackets."""
    parts: list[tuple[int, str]] = []
    depth = 0
    quote = ""
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0 and not text.startswith(separator * 2, index):
            parts.append((start, text[start:index]))
            start = index + 1
        index += 1
    parts.append((start, text[start:]))
    return parts


def parse_printed(inner: str, offset: int) -> Printed:
    """The parts of a print tag whose content ``inner`` starts at ``offset``."""
    pieces = split_top_level(inner, "|")
    value = pieces[0][1].strip()
    filters = []
    bars = []
    for start, piece in pieces[1:]:
        match = _IDENTIFIER.match(piece.strip())
        filters.append(match.group(0) if match else "")
        bars.append(offset + start - 1)
    return Printed(value, root_name(value), tuple(filters), tuple(bars), is_constant(value))


def root_name(value: str) -> str | None:
    """The context variable an expression starts from (``post`` of ``post.body[0]``)."""
    match = _IDENTIFIER.match(value.strip())
    if match is None or match.group(0) in _KEYWORDS:
        return None
    return match.group(0)


def is_constant(value: str) -> bool:
    """A literal, or a translation of one: text the template's author wrote."""
    return bool(_LITERAL.match(value) or _TRANSLATIONS.match(value)) or not value.strip()
