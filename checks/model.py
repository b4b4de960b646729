"""Value types shared by the engine and its adapters.

Positions are (0-based line, 0-based code-point column) everywhere inside the engine;
adapters convert to 1-based lines, UTF-16 or UTF-8 units at the edge, so no rule has to
care which editor asked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How bad a finding is; maps to LSP severities and SARIF levels."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Confidence(str, enum.Enum):
    """How sure the rule is; a proven source-to-sink flow is high, a guess is low."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]


class Applicability(str, enum.Enum):
    """Whether a fix may be applied in bulk.

    SAFE fixes keep behaviour for correct inputs and are part of fix-all; UNSAFE ones change
    behaviour (an added auth guard rejects requests) and are only offered one at a time.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> "Range":
        return cls(Position(line, column), Position(end_line, end_column))


@dataclass(frozen=True)
class Edit:
    """Replace the text in ``range`` (code points) with ``text``."""

    range: Range
    text: str


@dataclass(frozen=True)
class FileEdit:
    """A change to another file than the analysed one (``.env``, ``.gitignore``).

    ``append`` text is added at the end of the file, which is created when missing. Adapters
    only apply these when the client supports resource operations; otherwise they say what
    to do in the message.
    """

    path: str
    append: str
    create: bool = True
    description: str = ""
    #: The text holds a secret (the value moved to ``.env``): adapters apply it but never
    #: log, cache, display or send it anywhere else.
    sensitive: bool = False

    def __repr__(self) -> str:
        shown = f"<{len(self.append)} characters, hidden>" if self.sensitive else repr(self.append)
        return f"FileEdit(path={self.path!r}, append={shown}, create={self.create}, sensitive={self.sensitive})"


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability
    imports: tuple[str, ...] = ()
    file_edits: tuple[FileEdit, ...] = ()
    #: What the user should know once the fix is applied (shown by the editor, printed by
    #: ``--fix``): e.g. where a moved secret went and how the program loads it.
    note: str = ""


@dataclass(frozen=True)
class FlowStep:
    """One step of a data flow, shown as related information / SARIF codeFlow."""

    range: Range
    message: str
    path: str | None = None


@dataclass
class Finding:
    code: str
    message: str
    range: Range
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    fix: Fix | None = None
    flow: tuple[FlowStep, ...] = ()
    path: str = ""
    #: A stable key for the finding that survives unrelated edits (for fingerprints).
    fingerprint_text: str = ""
    #: Extra per-finding facts adapters may show (e.g. route summary); must never hold a secret.
    properties: dict[str, object] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.range.start.line, self.range.start.column, self.code)


@dataclass(frozen=True)
class NotAnalysed:
    """A file the engine could not analyse, with the reason told to the user."""

    path: str
    reason: str


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised on a file: logged by adapters, never fatal."""

    code: str
    path: str
    error: str
