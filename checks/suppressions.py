"""Inline suppression comments: ``# codeward: ignore[CW101, CW5] -- reason``.

Codes are required (a bare ``# codeward: ignore`` suppresses nothing and is reported by
CW001), may be prefixes (``CW5`` covers CW501..CW509), and a reason after ``--`` is kept for
reports. A comment applies to the line it is on; a finding spanning several lines is
suppressed by a comment on its first or last line.

Projects migrating from bandit or ruff can ask (``external-suppressions = ["nosec",
"noqa"]``) for ``# nosec B608`` and ``# noqa: S608`` to count for the equivalent codeward
rules; the table of equivalents is data (``data/suppression_equivalents.toml``). Bare
``# nosec`` and ``# noqa`` suppress every finding on their line, as they do in those tools.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from . import knowledge
from .tokens import python_tokens

if TYPE_CHECKING:
    from .config import Config
    from .model import Finding
    from .source import SourceDoc

_COMMENT = re.compile(
    r"#\s*codeward:\s*ignore(?P<bracket>\[(?P<codes>[^\]]*)\])?(?:[ \t]*--[ \t]*(?P<reason>[^#\r\n]*))?",
    re.IGNORECASE,
)
_NOSEC = re.compile(r"#\s*nosec\b:?(?P<codes>[ \t]*[A-Za-z]\d+(?:[ \t]*,?[ \t]*[A-Za-z]\d+)*)?", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\b(?::(?P<codes>[ \t]*[A-Za-z]+\d+(?:[ \t]*,?[ \t]*[A-Za-z]+\d+)*))?", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+\d+")
#: A rule code or a prefix of one: ``CW``, ``CW5``, ``CW50``, ``CW502``.
CODE_SHAPE = re.compile(r"^CW\d{0,3}$")

#: Keys under which the engine hands CW003 what it needs (every rule's raw findings, and the
#: codes of the rules that ran), in ``RuleContext.memo``; CW003 runs after all other rules.
RAW_FINDINGS = "suppressions: raw findings"
ACTIVE_CODES = "suppressions: active codes"
LATE_RULES = frozenset({"CW003"})

knowledge.declare_section(
    "suppression_equivalents",
    "bandit test ids and ruff codes that flag what a codeward rule flags: with "
    "external-suppressions, `# nosec B608` / `# noqa: S608` suppress the codeward rule too.",
    required={"code": str},
    optional={"bandit": list, "ruff": list},
)


@dataclass(frozen=True)
class Suppression:
    """One ``# codeward: ignore[...]`` comment; columns are code points on ``line``."""

    line: int
    start: int
    end: int
    codes: tuple[str, ...]
    reason: str
    bare: bool

    def covers(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.codes)

    def rewritten(self, keep: Iterable[str]) -> str:
        """The comment with only ``keep`` of its codes (empty text: remove it)."""
        kept = [c for c in self.codes if c in set(keep)]
        if not kept:
            return ""
        reason = f" -- {self.reason}" if self.reason else ""
        return f"# codeward: ignore[{', '.join(kept)}]{reason}"


def parse(doc: SourceDoc) -> dict[int, Suppression]:
    """0-based line → the codeward suppression comment on it.

    In Python only real comments count (a docstring that shows the syntax is no suppression);
    where the tokenizer stops on a half-typed buffer, the rest is matched as text.
    """
    found: dict[int, Suppression] = {}
    if "odeward" not in doc.text and "ODEWARD" not in doc.text:
        return found
    comments = _comment_columns(doc.text) if doc.kind == "python" else None
    for line_no in range(doc.lines.line_count):
        line = doc.lines.line_text(line_no)
        if "codeward" not in line.lower():
            continue
        if comments is not None and line_no < comments[1]:
            match = next((m for col in comments[0].get(line_no, ()) if (m := _COMMENT.match(line, col))), None)
        else:
            match = _COMMENT.search(line)
        if match is None:
            continue
        codes = tuple(dict.fromkeys(c.strip().upper() for c in (match.group("codes") or "").split(",") if c.strip()))
        reason = (match.group("reason") or "").rstrip()
        found[line_no] = Suppression(line_no, match.start(), match.start() + len(match.group(0).rstrip()), codes, reason, match.group("bracket") is None)
    return found


def _comment_columns(text: str) -> tuple[dict[int, list[int]], int]:
    """0-based line → code-point columns where a comment starts, and the first line the
    tokenizer did not reach (everything from there on is matched as text)."""
    columns: dict[int, list[int]] = {}
    reached = 0
    try:
        for token in python_tokens(text):
            reached = token.end[0]
            if token.type == tokenize.COMMENT:
                columns.setdefault(token.start[0] - 1, []).append(token.start[1])
    except (tokenize.TokenError, SyntaxError):
        return columns, max(0, reached - 1)
    return columns, 1 << 62


def suppressing(doc: SourceDoc, finding: Finding) -> Suppression | None:
    """The codeward comment that suppresses ``finding``, if any."""
    own = doc.suppressions
    for line in {finding.range.start.line, finding.range.end.line}:
        comment = own.get(line)
        if comment is not None and comment.covers(finding.code):
            return comment
    return None


def suppressed_externally(doc: SourceDoc, config: Config, finding: Finding) -> str | None:
    """The ``# nosec`` / ``# noqa`` comment (one the project opted into) covering ``finding``."""
    tools = config.external_suppressions
    if not tools:
        return None
    for line in {finding.range.start.line, finding.range.end.line}:
        if line >= doc.lines.line_count:
            continue
        text = doc.lines.line_text(line)
        for tool, pattern in (("nosec", _NOSEC), ("noqa", _NOQA)):
            if tool not in tools or tool not in text.lower():
                continue
            match = pattern.search(text)
            if match is None:
                continue
            if not match.group("codes") or _covered(tool, _WORD.findall(match.group("codes")), finding.code):
                return match.group(0).strip()  # a bare one covers every finding on the line, as in bandit and ruff
    return None


def _covered(tool: str, foreign: list[str], code: str) -> bool:
    equivalents = _equivalents(tool)
    for name in foreign:
        for row in equivalents.get(name.upper(), ()):
            if row["code"] == code:
                row.hit()
                return True
    return False


@lru_cache(maxsize=2)
def _equivalents(tool: str) -> dict[str, tuple[knowledge.Row, ...]]:
    """Foreign code → the rows naming it (``bandit`` column for nosec, ``ruff`` for noqa)."""
    column = "bandit" if tool == "nosec" else "ruff"
    table: dict[str, list[knowledge.Row]] = {}
    for row in knowledge.load().rows("suppression_equivalents"):
        for foreign in row.get(column, ()):
            table.setdefault(str(foreign).upper(), []).append(row)
    return {name: tuple(rows) for name, rows in table.items()}
