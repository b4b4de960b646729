"""The rule registry: stable codes, metadata and documentation for every rule.

A rule is a function decorated with :func:`rule`. Node rules (``nodes=(ast.Call, ...)``) are
called once per matching node during a single shared walk of the tree; module rules
(``nodes=()``) are called once per document. Text rules (``kinds`` without ``"python"``) see
documents of other kinds (TOML, YAML, ...). The docstring must have the sections *What it
does*, *Why is this bad*, *Example*, *Use instead* and *Fix safety*; the same text feeds hover,
SARIF and ``codeward rules CODE``.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Applicability, Confidence, Severity

if TYPE_CHECKING:
    from .model import Finding

DOC_SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead", "Fix safety")
_CODE = re.compile(r"^CW\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

RuleFunc = Callable[..., Iterable["Finding"]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    cwe: tuple[int, ...]
    severity: Severity
    confidence: Confidence
    func: RuleFunc
    docs: dict[str, str]
    nodes: tuple[type[ast.AST], ...] = ()
    kinds: frozenset[str] = frozenset({"python"})
    fix_title: str | None = None
    fix_applicability: Applicability | None = None

    @property
    def family(self) -> str:
        return _FAMILIES.get(self.code[:3], "other")

    @property
    def documentation(self) -> str:
        """The docstring sections as Markdown."""
        parts = [f"# {self.code} {self.name}", "", self.summary, ""]
        for section in DOC_SECTIONS:
            parts += [f"## {section}", self.docs[section], ""]
        return "\n".join(parts).rstrip() + "\n"


_FAMILIES = {
    "CW0": "meta",
    "CW1": "injection",
    "CW2": "secrets",
    "CW3": "access-control",
    "CW4": "output-encoding",
    "CW5": "configuration",
    "CW6": "invented-code",
}

RULES: dict[str, Rule] = {}


class RuleDefinitionError(ValueError):
    """A rule's metadata or docstring does not follow the conventions."""


def rule(
    code: str,
    name: str,
    cwe: Iterable[int],
    severity: Severity,
    confidence: Confidence = Confidence.HIGH,
    nodes: Iterable[type[ast.AST]] = (),
    kinds: Iterable[str] = ("python",),
    fix_title: str | None = None,
    fix_applicability: Applicability | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a stable ``code``."""

    def register(func: RuleFunc) -> RuleFunc:
        if not _CODE.match(code):
            raise RuleDefinitionError(f"{func.__qualname__}: bad code {code!r}")
        if code in RULES:
            raise RuleDefinitionError(f"{code} is registered twice ({RULES[code].func.__qualname__})")
        if not _NAME.match(name):
            raise RuleDefinitionError(f"{code}: name {name!r} must be kebab-case")
        if (fix_title is None) != (fix_applicability is None):
            raise RuleDefinitionError(f"{code}: fix_title and fix_applicability go together")
        summary, docs = parse_docstring(code, inspect.getdoc(func) or "")
        RULES[code] = Rule(
            code=code,
            name=name,
            summary=summary,
            cwe=tuple(cwe),
            severity=severity,
            confidence=confidence,
            func=func,
            docs=docs,
            nodes=tuple(nodes),
            kinds=frozenset(kinds),
            fix_title=fix_title,
            fix_applicability=fix_applicability,
        )
        return func

    return register


def parse_docstring(code: str, doc: str) -> tuple[str, dict[str, str]]:
    """Split a rule docstring into its summary line and the fixed sections."""
    lines = doc.splitlines()
    if not lines or not lines[0].strip():
        raise RuleDefinitionError(f"{code}: docstring needs a one-line summary")
    summary = lines[0].strip()
    docs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[1:]:
        header = line.strip().rstrip(":")
        if header in DOC_SECTIONS and line.strip().endswith(":"):
            current = docs.setdefault(header, [])
            continue
        if current is not None:
            current.append(line)
    missing = [s for s in DOC_SECTIONS if s not in docs]
    if missing:
        raise RuleDefinitionError(f"{code}: docstring lacks section(s) {', '.join(missing)}")
    return summary, {k: textwrap.dedent("\n".join(v)).strip() for k, v in docs.items()}


def all_rules() -> dict[str, Rule]:
    """Every registered rule, importing the rule modules first."""
    from . import rules  # noqa: F401

    return RULES
