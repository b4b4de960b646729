"""What a rule sees while it runs: the document, config, project index and a reporter."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .config import Config
from .knowledge import Knowledge
from .model import Applicability, Confidence, Edit, FileEdit, Finding, Fix, FlowStep, Range, Severity
from .source import SourceDoc

if TYPE_CHECKING:
    from .project import ProjectIndex
    from .registry import Rule


class RuleContext:
    """Shared by all rules for one document; ``rule`` is set to the rule being run."""

    def __init__(self, doc: SourceDoc, config: Config, knowledge: Knowledge, project: "ProjectIndex | None") -> None:
        self.doc = doc
        self.config = config
        self.knowledge = knowledge
        self.project = project
        self.rule: Rule | None = None
        #: Per-document memo for analyses several rules share (e.g. taint results).
        self.memo: dict[str, object] = {}

    def finding(
        self,
        where: ast.AST | Range,
        message: str,
        *,
        fix: Fix | None = None,
        confidence: Confidence | None = None,
        severity: Severity | None = None,
        flow: Iterable[FlowStep] = (),
        fingerprint: str | None = None,
        properties: dict[str, object] | None = None,
        code: str | None = None,
        cwe: tuple[int, ...] | None = None,
    ) -> Finding:
        """A finding of the current rule at ``where`` (a node or a range)."""
        assert self.rule is not None
        rng = where if isinstance(where, Range) else self.doc.range_of(where)
        return Finding(
            code=code or self.rule.code,
            message=message,
            range=rng,
            severity=severity or self.rule.severity,
            confidence=confidence or self.rule.confidence,
            cwe=cwe or self.rule.cwe,
            fix=fix,
            flow=tuple(flow),
            path=self.doc.path,
            fingerprint_text=fingerprint if fingerprint is not None else " ".join(self.doc.lines.slice(rng).split()),
            properties=properties or {},
        )

    def fix(
        self,
        edits: Iterable[Edit],
        *,
        title: str | None = None,
        imports: Iterable[str] = (),
        applicability: Applicability | None = None,
        file_edits: Iterable[FileEdit] = (),
        note: str = "",
    ) -> Fix:
        """A fix with the current rule's title and applicability unless given."""
        assert self.rule is not None
        return Fix(
            title=title or self.rule.fix_title or "Fix",
            edits=tuple(edits),
            applicability=applicability or self.rule.fix_applicability or Applicability.UNSAFE,
            imports=tuple(imports),
            file_edits=tuple(file_edits),
            note=note,
        )

    def replace(self, node: ast.AST, text: str) -> Edit:
        return Edit(self.doc.range_of(node), text)
