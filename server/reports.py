"""Text and JSON renderings of a scan (SARIF lives in :mod:`sarif`)."""

from __future__ import annotations

import json
from typing import Any

from codeward.checks import __version__
from codeward.checks.model import Applicability, Finding
from codeward.checks.scan import ScanResult


def finding_to_json(finding: Finding) -> dict[str, Any]:
    rng = finding.range
    return {
        "code": finding.code,
        "name": _rule_name(finding.code),
        "message": finding.message,
        "path": finding.path,
        "line": rng.start.line + 1,
        "column": rng.start.column + 1,
        "end_line": rng.end.line + 1,
        "end_column": rng.end.column + 1,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "cwe": list(finding.cwe),
        "fix": {"title": finding.fix.title, "applicability": finding.fix.applicability.value} if finding.fix else None,
        "flow": [
            {"path": step.path or finding.path, "line": step.range.start.line + 1, "column": step.range.start.column + 1, "message": step.message}
            for step in finding.flow
        ],
    }


def _rule_name(code: str) -> str:
    from codeward.checks.registry import all_rules

    rule = all_rules().get(code)
    return rule.name if rule else ""


def to_json(scan: ScanResult) -> str:
    payload = {
        "tool": "codeward",
        "version": __version__,
        "files": scan.files,
        "findings": [finding_to_json(f) for f in scan.findings],
        "not_analysed": [{"path": n.path, "reason": n.reason} for n in scan.not_analysed],
        "rule_failures": [{"code": f.code, "path": f.path, "error": f.error} for f in scan.failures],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def to_text(scan: ScanResult, display_path: Any = lambda p: p) -> str:
    """ruff-like lines: ``path:line:col: CODE message`` and the fix title when there is one."""
    lines: list[str] = []
    safe = 0
    for finding in scan.findings:
        rng = finding.range
        marker = ""
        if finding.fix is not None:
            if finding.fix.applicability is Applicability.SAFE:
                safe += 1
                marker = " [*]"
        lines.append(f"{display_path(finding.path)}:{rng.start.line + 1}:{rng.start.column + 1}: {finding.code}{marker} {finding.message}")
        if finding.fix is not None:
            unsafe = "" if finding.fix.applicability is Applicability.SAFE else " (unsafe)"
            lines.append(f"  fix{unsafe}: {finding.fix.title}")
    for item in scan.not_analysed:
        lines.append(f"{display_path(item.path)}: not analysed: {item.reason}")
    for failure in scan.failures:
        lines.append(f"{display_path(failure.path)}: internal error in {failure.code}: {failure.error}")
    count = len(scan.findings)
    if count:
        summary = f"Found {count} finding{'s' if count != 1 else ''} in {scan.files} file{'s' if scan.files != 1 else ''}."
        if safe:
            summary += f"\n[*] {safe} fixable with `codeward scan --fix`."
        lines.append(summary)
    else:
        lines.append(f"No findings in {scan.files} file{'s' if scan.files != 1 else ''}.")
    return "\n".join(lines) + "\n"
