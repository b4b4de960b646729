"""Finding → LSP Diagnostic, and the hover shown on it.

The message is the rule's own sentence (what is wrong, where the data came from), without
the rule's name or CWE, which the Problems panel shows as the code. The rule's full
documentation is one click away, never inlined: ``codeDescription.href`` points at the
rule's section of ``docs/rules.md`` (the checkout's file, else the package's documentation
URL), and the hover shows per finding the message, the data flow in one line and the
fix. The steps of a data flow also become ``relatedInformation`` when the client can show it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lsprotocol import types

from codeward.checks.model import Applicability, Finding, Severity
from codeward.checks.registry import Rule

from .positions import ClientPositions
from .workspace import file_uri

SOURCE = "codeward"
#: The generated rule documentation (``codeward rules --format markdown``), when the server
#: runs from a source checkout; a wheel has no docs folder.
RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


@functools.cache
def rules_doc_base() -> str | None:
    """Where the rule documentation is: the checkout's ``docs/rules.md`` (the installed
    version's, offline), else the package's ``Documentation`` URL when it names that file."""
    if RULES_DOC.is_file():
        return RULES_DOC.as_uri()
    # Imported here: importlib.metadata (and the email package it reads metadata with) is
    # 20-30 ms of the server's start-up, and a source checkout never needs it.
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("codeward").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip().endswith("rules.md"):
            return url.strip()
    return None

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
    href = rule_doc_url(rule)
    return types.Diagnostic(
        range=positions.range_to_client(finding.range),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related,
        data={"fixable": finding.fix is not None, "confidence": finding.confidence.value},
    )


def rule_doc_url(rule: Rule | None) -> str | None:
    """``.../docs/rules.md#cw101-sql-injection`` (the rule heading's anchor), if known."""
    base = rules_doc_base()
    if rule is None or base is None:
        return None
    return f"{base}#{rule.code.lower()}-{rule.name.lower()}"


def _flow_uri(path: str | None, uri: str, root: Path | None) -> str:
    if not path:
        return uri
    target = Path(path)
    if not target.is_absolute() and root is not None:
        target = root / target
    return file_uri(target) or uri


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
    """Per finding under the cursor: the message, its data flow in one line, the fix and
    a link to the rule's documentation (a few lines, however long the documentation)."""
    parts = []
    for finding in findings:
        rule = rules.get(finding.code)
        lines = [f"**{finding.code}** {finding.message}"]
        if finding.flow:
            lines.append("Flow: " + " → ".join(step.message for step in finding.flow))
        if finding.fix is not None:
            unsafe = " (unsafe: changes behaviour)" if finding.fix.applicability is Applicability.UNSAFE else ""
            lines.append(f"Fix: {finding.fix.title}{unsafe}")
        about = ", ".join(f"CWE-{c}" for c in finding.cwe)
        href = rule_doc_url(rule)
        name = rule.name if rule else finding.code
        docs = f"[{finding.code} {name}]({href})" if href else f"`codeward rules {finding.code}`"
        lines.append(f"Documentation: {docs}" + (f" · {about}" if about else ""))
        parts.append("  \n".join(lines))
    return "\n\n---\n\n".join(parts) if parts else None


#: The code of the line-1 diagnostic of a document that was not (fully) analysed.
NOT_ANALYSED = "not-analysed"


def not_analysed_diagnostic(reason: str) -> types.Diagnostic:
    """A warning on line 1 saying the document was not (fully) analysed, and why.

    Without it a file that defeats the analysis (deep nesting, a slow pattern) would look
    clean in the editor: the log line alone is easy to miss.
    """
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)),
        message=f"codeward: not analysed: {reason}",
        severity=types.DiagnosticSeverity.Warning,
        code=NOT_ANALYSED,
        source=SOURCE,
    )
