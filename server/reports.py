"""Text and JSON renderings of a scan (SARIF lives in :mod:`sarif`)."""

from __future__ import annotations

import json
import re
from typing import Any

from codeward.checks import __version__
from codeward.checks.model import Applicability, Finding
from codeward.checks.scan import ScanResult

from .display import printable

_SURROGATE = re.compile("[\ud800-\udfff]")


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
        "suppressed": [finding_to_json(f) | {"reason": str(f.properties.get("suppressed", ""))} for f in scan.suppressed],
        "rule_failures": [{"code": f.code, "path": f.path, "error": f.error} for f in scan.failures],
    }
    return dumps(payload)


def dumps(payload: Any) -> str:
    """JSON text that is valid UTF-8 even when a name is not.

    A file name that is not UTF-8 reaches Python as lone surrogates (``os.fsdecode``), which
    no UTF-8 output can hold: written as the JSON escape ``\\udcff`` instead, the report
    stays writable to stdout and ``-o``, and a JSON reader gets the same name back. Lone
    surrogates only occur inside JSON strings, so the substitution is always well-formed.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"


def to_text(
    scan: ScanResult,
    display_path: Any = lambda p: p,
    paint: Any = None,
    snippet_lines: Any = None,
    quiet: bool = False,
) -> str:
    """ruff-like lines: ``path:line:col: CODE [*] severity: message``, a source snippet when
    ``snippet_lines(finding)`` gives one, and the fix title when there is one. ``quiet``:
    the finding lines only, no snippet, fix line or summary.

    Names, messages and quoted code come from the scanned tree: their control characters
    are escaped (see :mod:`.display`), so they can neither forge nor erase a line."""
    from codeward.server.text_style import Painter

    paint = paint or Painter(False)
    shown = display_path
    display_path = lambda path: printable(shown(path))  # noqa: E731
    lines: list[str] = []
    safe = unsafe = 0
    for finding in scan.findings:
        rng = finding.range
        marker = ""
        if finding.fix is not None:
            if finding.fix.applicability is Applicability.SAFE:
                safe += 1
                marker = " [*]"
            else:
                unsafe += 1
        where = paint.path(f"{display_path(finding.path)}:{rng.start.line + 1}:{rng.start.column + 1}:")
        lines.append(f"{where} {paint.code(finding.code, finding.severity)}{marker} {finding.severity.value}: {printable(finding.message)}")
        if quiet:
            continue
        if snippet_lines is not None:
            lines += snippet_lines(finding)
        if finding.fix is not None:
            kind = "" if finding.fix.applicability is Applicability.SAFE else " (unsafe)"
            lines.append(paint.dim(f"  fix{kind}: {printable(finding.fix.title)}"))
    for item in scan.not_analysed:
        lines.append(f"{display_path(item.path)}: not analysed: {printable(item.reason)}")
    for failure in scan.failures:
        lines.append(f"{display_path(failure.path)}: internal error in {failure.code}: {printable(failure.error)}")
    if quiet:
        return "".join(line + "\n" for line in lines)
    lines.append(summary(len(scan.findings), scan.files, safe, unsafe, len(scan.suppressed)))
    return "\n".join(lines) + "\n"


def summary(count: int, files: int, safe: int, unsafe: int, suppressed: int) -> str:
    """The closing lines: how many findings, and how many fixes each flag would apply."""
    plural = lambda n, word: f"{n} {word}{'s' if n != 1 else ''}"  # noqa: E731
    text = f"Found {plural(count, 'finding')} in {plural(files, 'file')}." if count else f"No findings in {plural(files, 'file')}."
    if suppressed:
        text += f" ({suppressed} suppressed by comments)"
    if safe:
        text += f"\n[*] {safe} fixable with `codeward scan --fix`."
    if unsafe:
        text += f"\n{unsafe} more fix{'es' if unsafe != 1 else ''} with `codeward scan --fix --unsafe-fixes` (unsafe: review them)."
    return text
