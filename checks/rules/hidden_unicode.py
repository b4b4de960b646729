"""CW601: invisible Unicode that hides code from a reviewer or smuggles instructions to an assistant."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Edit, Finding, Fix, Position, Range, Severity
from ..registry import rule

#: Bidirectional controls: reorder what a reviewer sees ("Trojan Source", CVE-2021-42574).
#: The embeddings, overrides and isolates only, as rustc's lint has them: the marks (LRM,
#: RLM, ALM) start no reordering and are legitimate in right-to-left text, e.g. Django's
#: Arabic date format "d<RLM>/m<RLM>/Y", whose value a removal would change.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Zero-width characters: split or join words invisibly.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u180e\ufeff")
#: Unicode tag characters: invisible copies of ASCII ("ASCII smuggling" of instructions).
_TAG_START, _TAG_END = 0xE0000, 0xE007F
_BLACK_FLAG, _CANCEL_TAG = "\U0001f3f4", "\U000e007f"
_KINDS = ("python", "toml", "yaml", "json", "ini", "env", "dockerfile", "instructions")


def _is_tag(char: str) -> bool:
    return _TAG_START <= ord(char) <= _TAG_END


def _hidden(char: str) -> bool:
    return char in _BIDI or char in _ZERO_WIDTH or _is_tag(char)


@rule(
    "CW601",
    "hidden-unicode",
    cwe=(1007, 451),
    severity=Severity.ERROR,
    kinds=_KINDS,
    fix_title="Remove the hidden characters",
    fix_applicability=Applicability.SAFE,
)
def hidden_unicode(ctx: RuleContext) -> Iterator[Finding]:
    """Invisible Unicode characters can hide code from a reviewer or smuggle instructions to an AI assistant.

    What it does:
        Flags bidirectional controls (the embeddings, overrides and isolates U+202A-U+202E
        and U+2066-U+2069; the marks LRM, RLM and ALM reorder nothing and are left alone),
        zero-width characters (U+200B-U+200D, U+2060, U+180E, a U+FEFF that is not the
        first character) and Unicode tag characters (U+E0000-U+E007F) in source files,
        configuration and assistant rules files (`AGENTS.md`, `CLAUDE.md`,
        `.github/copilot-instructions.md`, `.cursor/rules/*.mdc`, `.cursorrules`...).
        Joiners between emoji or letters of scripts that need them, and the tags of a
        flag emoji, are left alone.

    Why is this bad:
        Bidirectional controls make code display in a different order than it runs, so a
        reviewer approves something else than what executes ("Trojan Source"). Tag
        characters carry text no editor shows but every language model reads: a rules file
        or a pasted snippet can tell an assistant to weaken auth or leak secrets, and
        nobody sees the instruction in review.

    Example:
        ```python
        access_level = "user\\u202e \\u2066# admin only\\u2069 \\u2066"  # escapes shown: the real ones are invisible
        ```

    Use instead:
        ```python
        access_level = "user"
        ```

    Fix safety:
        Safe: the characters are invisible, so removing them changes nothing a person
        meant; text that really needs them (right-to-left prose in a string) is rare in code.
    """
    text = ctx.doc.text
    if text.isascii():
        return
    lines = ctx.doc.lines
    for number in range(lines.line_count):
        line = lines.line_text(number)
        if line.isascii():
            continue
        for start, end in _runs(line, first_line=number == 0):
            chars = line[start:end]
            names = sorted({_name(c) for c in chars if not _is_tag(c)})
            hidden_text = "".join(chr(ord(c) - _TAG_START) for c in chars if _is_tag(c) and 0x20 <= ord(c) - _TAG_START < 0x7F)
            what = ", ".join(names)
            if hidden_text:
                what = (what + "; " if what else "") + f"tag characters spelling {hidden_text[:60]!r}"
            rng = Range(Position(number, start), Position(number, end))
            yield ctx.finding(
                rng,
                f"{end - start} hidden Unicode character{'s' if end - start != 1 else ''} ({what}): "
                "what a reviewer sees is not what runs or what an AI assistant reads",
                fix=Fix("Remove the hidden characters", (Edit(rng, ""),), Applicability.SAFE),
            )


def _runs(line: str, first_line: bool) -> Iterator[tuple[int, int]]:
    """Spans of consecutive hidden characters that are not part of legitimate text."""
    index = 0
    while index < len(line):
        if not _hidden(line[index]) or _legitimate(line, index, first_line):
            index += 1
            continue
        end = index
        while end < len(line) and _hidden(line[end]) and not _legitimate(line, end, first_line):
            end += 1
        yield index, end
        index = end


def _legitimate(line: str, index: int, first_line: bool) -> bool:
    char = line[index]
    if char == "\ufeff":
        return first_line and index == 0  # a byte-order mark
    if char in ("\u200c", "\u200d"):  # joiners inside emoji sequences and scripts that need them
        before, after = line[index - 1 : index], line[index + 1 : index + 2]
        return bool(before and after) and not before.isascii() and not after.isascii()
    if _is_tag(char):  # a subdivision flag: black flag, tag letters, cancel tag
        start = index
        while start > 0 and _is_tag(line[start - 1]):
            start -= 1
        end = index
        while end < len(line) and _is_tag(line[end]) and line[end] != _CANCEL_TAG:
            end += 1
        return start > 0 and line[start - 1] == _BLACK_FLAG and end < len(line) and line[end] == _CANCEL_TAG
    return False


def _name(char: str) -> str:
    return f"{unicodedata.name(char, 'U+%04X' % ord(char)).lower()} U+{ord(char):04X}"
