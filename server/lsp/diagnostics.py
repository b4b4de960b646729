"""Finding → LSP Diagnostic.

The message says what is wrong and why in one sentence (the rule's own message); the
documentation of the rule is served as hover text (there is no public docs site to link
to, and a ``codeDescription.href`` must be a URL the editor can open); the steps of a data
flow become ``relatedInformation`` when the client can show it.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from codeward.checks.model import Finding, Severity
from codeward.checks.registry import Rule

from .positions import ClientPositions

SOURCE = "codeward"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}


def to_diagnostic(
    finding: Finding,
    positions: ClientPositions,
    uri: str,
    rules: dict[str, Rule],
    related_support: bool,
    root: Path | None,
) -> types.Diagnostic:
    rule = rules.get(finding.code)
    cwe = ", ".join(f"CWE-{c}" for c in finding.cwe)
    related = None
    if related_support and finding.flow:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=_flow_uri(step.path, uri, root), range=_flow_range(step, positions, uri, root)),
                message=step.message,
            )
            for step in finding.flow
        ]
    name = f" ({rule.name})" if rule else ""
    return types.Diagnostic(
        range=positions.range_to_client(finding.range),
        message=f"{finding.message}{name}" + (f" [{cwe}]" if cwe else ""),
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        source=SOURCE,
        related_information=related,
        data={"fixable": finding.fix is not None, "confidence": finding.confidence.value},
    )


def _flow_uri(path: str | None, uri: str, root: Path | None) -> str:
    if not path:
        return uri
    target = Path(path)
    if not target.is_absolute() and root is not None:
        target = root / target
    return from_fs_path(str(target)) or uri


def _flow_range(step, positions: ClientPositions, uri: str, root: Path | None) -> types.Range:
    # A step in another file cannot be converted with this buffer's lines: its line is
    # exact and the column is kept in code points (only non-ASCII text there would differ).
    if _flow_uri(step.path, uri, root) == uri:
        return positions.range_to_client(step.range)
    return types.Range(
        start=types.Position(line=step.range.start.line, character=step.range.start.column),
        end=types.Position(line=step.range.end.line, character=step.range.end.column),
    )


def hover_text(findings: list[Finding], rules: dict[str, Rule]) -> str | None:
    """Markdown documentation for the rules of the findings under the cursor."""
    parts = []
    for code in dict.fromkeys(f.code for f in findings):
        rule = rules.get(code)
        if rule is not None:
            parts.append(rule.documentation)
    return "\n---\n".join(parts) if parts else None
