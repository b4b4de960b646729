"""``--stdin-filename NAME``: analyse source read from stdin as if it were the file NAME.

Editors and pre-commit style tools pipe a buffer that is not saved yet. The name decides the
document kind, the per-file configuration (per-file-ignores, excludes do not apply: naming a
file is intent) and the paths in the report; nothing is read from or written to that path.
With ``--fix`` the fixed source is written to stdout, as ruff does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from codeward.checks.autofix import fix_document
from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.files import kind_of
from codeward.checks.project import module_name_for
from codeward.checks.scan import ScanResult, scan_root
from codeward.checks.source import SourceDoc


def read_stdin() -> str:
    """stdin as text: UTF-8 (a BOM dropped), undecodable bytes kept as surrogates."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8", "surrogateescape")
    return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")


def scan_text(text: str, name: Path, config: Config, interpreter: str | None = None) -> ScanResult:
    root = scan_root([name])
    doc = _document(text, name, root, interpreter)
    analysis = analyze(doc, config, None, doc.path)
    result = ScanResult(root=root, files=1, findings=analysis.findings, failures=analysis.failures, suppressed=analysis.suppressed)
    if analysis.not_analysed:
        from codeward.checks.model import NotAnalysed

        result.not_analysed.append(NotAnalysed(doc.path, analysis.not_analysed))
    return result


def fixed_text(text: str, name: Path, config: Config, include_unsafe: bool, interpreter: str | None = None) -> tuple[str, int]:
    root = scan_root([name])
    doc = _document(text, name, root, interpreter)
    outcome = fix_document(doc, config, None, include_unsafe, doc.path)
    return outcome.text, outcome.applied


def _document(text: str, name: Path, root: Path, interpreter: str | None) -> SourceDoc:
    try:
        relative = name.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        relative = name.as_posix()
    return SourceDoc(text, relative, kind_of(name) or "python", module_name_for(name.absolute(), root), interpreter=interpreter)
