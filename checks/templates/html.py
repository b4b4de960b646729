"""Where in the HTML a printed value lands: element text, an attribute value, a script.

HTML escaping makes a value safe as element text and inside a quoted attribute. It does not
make it safe as the start of a URL (``javascript:alert(1)`` has nothing to escape), inside a
``<script>`` element (the browser does not decode entities there, and an unquoted value is
code), or inside an event-handler attribute (the browser decodes the entities before it runs
the handler). The scanner works on the template text with its tags masked (see
:func:`.lexer.masked`), so template syntax inside attributes does not confuse it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_SCRIPT_OPEN = re.compile(r"<script\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script", re.IGNORECASE)
_START_TAG = re.compile(r"<([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>?")
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/`]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+)""")
_TYPE = re.compile(r"""\btype\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = frozenset({
    "", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript",
    "text/jsx", "text/babel",
})
#: Attributes whose URL the browser navigates to or loads as a document, by element: a
#: ``javascript:`` URL runs there (not in ``<img src>`` or ``<link href>``, which never run it).
URL_ATTRIBUTES = {
    "href": frozenset({"a", "area"}),
    "xlink:href": frozenset({"a"}),
    "action": frozenset({"form"}),
    "formaction": frozenset({"button", "input"}),
    "src": frozenset({"iframe", "frame", "embed"}),
    "data": frozenset({"object"}),
}


@dataclass(frozen=True)
class Attribute:
    element: str  # lower case
    name: str  # lower case
    value_start: int  # offset of the value's first character (after the quote)
    value_end: int
    quoted: bool


@dataclass(frozen=True)
class Context:
    """Where the text at one offset lands."""

    script: bool = False  # inside a <script> element run as JavaScript
    attribute: Attribute | None = None

    @property
    def event_handler(self) -> bool:
        return self.attribute is not None and self.attribute.name.startswith("on")

    @property
    def url(self) -> bool:
        return self.attribute is not None and self.attribute.element in URL_ATTRIBUTES.get(self.attribute.name, ())


class HtmlMap:
    """Script elements and attribute values of one (masked) template text."""

    def __init__(self, masked_text: str) -> None:
        self.text = masked_text
        self.scripts: list[tuple[int, int]] = []
        for opening in _SCRIPT_OPEN.finditer(masked_text):
            kind = _TYPE.search(opening.group(1))
            closing = _SCRIPT_CLOSE.search(masked_text, opening.end())
            end = closing.start() if closing else len(masked_text)
            if (kind.group(1).lower() if kind else "") in _JS_TYPES:
                self.scripts.append((opening.end(), end))
        self.attributes: list[Attribute] = []
        for tag in _START_TAG.finditer(masked_text):
            if self._in_script(tag.start()):
                continue
            base = tag.start(2)
            for attr in _ATTRIBUTE.finditer(tag.group(2)):
                value = attr.group(2)
                quoted = value[:1] in "\"'"
                start = base + attr.start(2) + (1 if quoted else 0)
                end = base + attr.end(2) - (1 if quoted else 0)
                self.attributes.append(Attribute(tag.group(1).lower(), attr.group(1).lower(), start, end, quoted))
        self._attribute_starts = [a.value_start for a in self.attributes]

    def _in_script(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.scripts)

    def context(self, offset: int) -> Context:
        index = bisect.bisect_right(self._attribute_starts, offset) - 1
        attribute = None
        if index >= 0:
            candidate = self.attributes[index]
            if candidate.value_start <= offset < candidate.value_end:
                attribute = candidate
        return Context(script=self._in_script(offset), attribute=attribute)

    def starts_value(self, attribute: Attribute, offset: int) -> bool:
        """Nothing but spaces (or tags, masked) before ``offset`` in the attribute value: the
        printed value decides the URL's scheme."""
        return not self.text[attribute.value_start:offset].replace("_", "").strip()

    def quoted_in_script(self, start: int, end: int) -> str:
        """The JavaScript quote around ``start..end`` on its line (``'``, ``"`` or a backtick),
        or empty when the value stands as code."""
        line_start = self.text.rfind("\n", 0, start) + 1
        before = self.text[line_start:start]
        quote = ""
        for char in before:
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'`":
                quote = char
        return quote
