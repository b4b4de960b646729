"""One analysed version of one document, kept for diagnostics, code actions and hover."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from codeward.checks.config import Config
from codeward.checks.engine import analyze, enabled_rules
from codeward.checks.incremental import IncrementalAnalyser
from codeward.checks.lines import LineIndex
from codeward.checks.model import Finding, RuleFailure
from codeward.checks.moves import moved_all
from codeward.checks.project import ProjectIndex
from codeward.checks.source import SourceDoc

from .positions import ClientPositions


@dataclass(frozen=True)
class Snapshot:
    """What an analysis needs, taken on the event loop so text and version always agree."""

    uri: str
    version: int | None
    text: str
    path: Path | None
    kind: str
    relative: str
    module: str
    config: Config
    project: ProjectIndex | None
    codec: PositionCodec
    #: Project root for the engine's bounded jedi lookups into project modules.
    root: Path | None = None
    #: The Python the user named for jedi lookups into installed packages (the setting).
    interpreter: str | None = None

    def parse(self) -> SourceDoc:
        return SourceDoc(self.text, self.relative, self.kind, self.module, self.root, self.interpreter)


class FactUsage:
    """A read-only view of the project index that records which facts a document read.

    When a saved file's facts change, only the open documents that read one of the changed
    facts are checked again.
    """

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        self.used: set[str] = set()

    def facts(self, name: str) -> dict[str, Any]:
        self.used.add(name)
        return self._index.facts(name)

    @property
    def root(self) -> Any:
        """The project root (depends on no fact: secrets fixes need it for ``.env``)."""
        return self._index.root

    def module_path(self, module: str) -> str | None:
        self.used.add("*modules")
        return self._index.module_path(module)

    def import_target(self, importer: str, module: str) -> str | None:
        self.used.add("*modules")
        return self._index.import_target(importer, module)

    def __getattr__(self, name: str) -> Any:  # anything else: depends on every fact
        self.used.add("*")
        return getattr(self._index, name)


@dataclass
class DocResult:
    snapshot: Snapshot
    #: The parsed document; None after an incremental analysis, which never parses the
    #: whole buffer (:attr:`doc` parses it when a code action or lens first needs it).
    parsed: SourceDoc | None
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    not_analysed: str | None = None
    used_facts: set[str] = field(default_factory=set)
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    #: Only the edited definitions were re-checked (see codeward.checks.incremental); the
    #: server confirms such a result with a full analysis once the user pauses.
    incremental: bool = False

    @cached_property
    def doc(self) -> SourceDoc:
        return self.parsed if self.parsed is not None else self.snapshot.parse()

    @cached_property
    def lines(self) -> LineIndex:
        return self.parsed.lines if self.parsed is not None else LineIndex(self.snapshot.text)

    @property
    def uri(self) -> str:
        return self.snapshot.uri

    @property
    def version(self) -> int | None:
        return self.snapshot.version

    @cached_property
    def positions(self) -> ClientPositions:
        return ClientPositions(self.snapshot.text, self.snapshot.codec, self.lines)

    @cached_property
    def decorator_starts(self) -> dict[int, int]:
        """0-based line of each decorated definition's ``def``/``class`` → its first decorator's."""
        starts: dict[int, int] = {}
        for node in ast.walk(self.doc.tree) if self.doc.tree is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
                starts[node.lineno - 1] = min(d.lineno for d in node.decorator_list) - 1
        return starts

    @cached_property
    def lines_ending_in_strings(self) -> frozenset[int]:
        """0-based lines whose end lies inside a string literal or continues with ``\\``.

        A suppression comment appended there would change a string or break the code.
        """
        blocked: set[int] = set()
        if self.doc.tree is not None:
            for node in ast.walk(self.doc.tree):
                if isinstance(node, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(node, "value", ""), (str, bytes, list)):
                    end = getattr(node, "end_lineno", None)
                    if end is not None and end > node.lineno:
                        blocked.update(range(node.lineno - 1, end - 1))
        for number in range(self.doc.lines.line_count):
            if self.doc.lines.line_text(number).endswith("\\"):
                blocked.add(number)
        return frozenset(blocked)


def carried(result: DocResult, text: str, version: int | None) -> DocResult:
    """``result`` moved to an edited text of the same document (see checks.moves): the
    findings on unchanged lines, at their new lines; those on edited lines are dropped.
    Diagnostics are left for the caller to convert."""
    snapshot = replace(result.snapshot, text=text, version=version)
    return DocResult(
        snapshot=snapshot, parsed=None, findings=moved_all(result.findings, result.snapshot.text, text),
        failures=result.failures, not_analysed=result.not_analysed, used_facts=result.used_facts,
    )


def has_rules(config: Config, kind: str, relative: str) -> bool:
    return bool(enabled_rules(config, kind, relative))


def run_analysis(
    snapshot: Snapshot, analyser: IncrementalAnalyser | None = None, cancelled: Callable[[], bool] | None = None,
) -> DocResult:
    """Analyse a snapshot (runs in a worker thread; never raises for bad code).

    With the document's ``analyser``, an edit inside function bodies re-checks only the
    definitions it reaches. ``cancelled`` abandons the analysis once the text is outdated.
    """
    analyser = analyser or IncrementalAnalyser()
    usage = FactUsage(snapshot.project) if snapshot.project is not None else None
    if snapshot.kind == "python":
        outcome = analyser.analyse(
            snapshot.text, snapshot.relative, snapshot.module, snapshot.config, usage,  # type: ignore[arg-type]
            snapshot.relative, snapshot.root, cancelled=cancelled,
            # Saving this very document re-indexes it; that alone must not end the fast path.
            project_state=(id(snapshot.project.lineage), snapshot.project.version_without(snapshot.relative))
            if snapshot.project is not None else None,
            interpreter=snapshot.interpreter,
        )
        analysis, doc, incremental = outcome.analysis, outcome.doc, outcome.incremental
    else:
        doc = snapshot.parse()
        analysis, incremental = analyze(doc, snapshot.config, usage, snapshot.relative, cancelled=cancelled), False  # type: ignore[arg-type]
    return DocResult(
        snapshot=snapshot,
        parsed=doc,
        findings=analysis.findings,
        failures=analysis.failures,
        not_analysed=analysis.not_analysed,
        used_facts=usage.used if usage is not None else set(),
        incremental=incremental,
    )
