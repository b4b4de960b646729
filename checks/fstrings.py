"""Let Python 3.10/3.11 parse f-strings written for 3.12 (PEP 701).

Since 3.12 an f-string's replacement field may reuse the f-string's own quote:
``f'{data.decode('utf-8')}'``. Older parsers reject the whole statement, so a scan on 3.10 or
3.11 lost every flow through such a line (on the OWASP BenchmarkPython tests, 461 of 1,243
files). :func:`requote_nested` swaps the quotes of such nested string literals for the other
quote character (``"utf-8"``): the same length, so every line and column stays where it was,
and the same meaning. Text it cannot rewrite safely (the other quote character inside the
nested literal, triple quotes nesting the same quote) is left alone.
"""

from __future__ import annotations

_PREFIX_CHARS = frozenset("rRbBuUfF")
_OTHER = {"'": '"', '"': "'"}


def requote_nested(text: str) -> str | None:
    """``text`` with nested same-quote literals inside f-strings re-quoted; None if none."""
    chars = list(text)
    scanner = _Scanner(text, chars)
    scanner.run()
    return "".join(chars) if scanner.changed else None


class _Scanner:
    def __init__(self, text: str, chars: list[str]) -> None:
        self.text = text
        self.chars = chars
        self.changed = False

    def run(self) -> None:
        text, pos = self.text, 0
        while pos < len(text):
            char = text[pos]
            if char == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            elif char in _OTHER:
                pos = self._string(pos)
            else:
                pos += 1

    def _prefix(self, quote_pos: int) -> str:
        start = quote_pos
        while start > 0 and self.text[start - 1] in _PREFIX_CHARS and quote_pos - start < 2:
            start -= 1
        if start > 0 and (self.text[start - 1].isalnum() or self.text[start - 1] == "_"):
            return ""
        return self.text[start:quote_pos].lower()

    def _string(self, pos: int) -> int:
        """Skip the literal starting at ``pos`` (its opening quote); the position after it."""
        text = self.text
        quote = text[pos : pos + 3] if text[pos : pos + 3] in ('"""', "'''") else text[pos]
        prefix = self._prefix(pos)
        raw = "r" in prefix
        pos += len(quote)
        while pos < len(text):
            if text.startswith(quote, pos):
                return pos + len(quote)
            char = text[pos]
            if char == "\\" and not raw:
                pos += 2
            elif char == "\n" and len(quote) == 1:
                return pos  # unterminated: let the parser report it
            elif char == "{" and "f" in prefix:
                if text.startswith("{{", pos):
                    pos += 2
                else:
                    pos = self._field(pos + 1, quote)
            else:
                pos += 1
        return pos

    def _field(self, pos: int, outer: str) -> int:
        """Skip a replacement field (after its ``{``), re-quoting nested ``outer`` literals."""
        text, depth = self.text, 0
        while pos < len(text):
            char = text[pos]
            if char in "([{":
                depth += 1
            elif char in ")]":
                depth -= 1
            elif char == "}":
                if depth == 0:
                    return pos + 1
                depth -= 1
            elif char == "\n" and len(outer) == 1:
                return pos
            elif char in _OTHER:
                if len(outer) == 1 and text.startswith(outer, pos) and not text.startswith(outer * 3, pos):
                    end = self._nested_same_quote(pos, outer)
                    if end is None:
                        return pos + 1  # the outer literal really ends here
                    pos = end
                    continue
                pos = self._string(pos)
                continue
            pos += 1
        return pos

    def _nested_same_quote(self, pos: int, quote: str) -> int | None:
        """Re-quote the literal opening at ``pos`` with the outer f-string's quote, if it is one
        (a closing quote follows on the line before the field ends) and holds no other quote."""
        text = self.text
        close = text.find(quote, pos + 1)
        newline = text.find("\n", pos + 1)
        if close < 0 or (0 <= newline < close):
            return None
        body = text[pos + 1 : close]
        other = _OTHER[quote]
        if other in body or "\\" in body or "{" in body and "f" in self._prefix(pos):
            return None
        self.chars[pos] = other
        self.chars[close] = other
        self.changed = True
        return close + 1
