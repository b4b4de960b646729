"""Every fix on every fixture: re-parses, removes its finding, adds none, is idempotent, and
applying all fixes gives the `.fixed` golden (set CODEWARD_UPDATE_GOLDENS=1 to rewrite them)."""

from __future__ import annotations

import ast
import os
from collections import Counter
from pathlib import Path

import pytest

from codeward.checks.autofix import fix_document
from codeward.checks.engine import analyze
from codeward.checks.files import kind_of
from codeward.checks.fixes import apply_fix
from codeward.checks.model import Finding
from codeward.checks.source import SourceDoc
from harness import FIXTURES, config_for, project_fixtures, scan_fixture, single_file_fixtures

UPDATE = os.environ.get("CODEWARD_UPDATE_GOLDENS") == "1"


def _cases() -> list[tuple[Path, Path]]:
    """(scan target, file) for every fixture file that has at least one fixable finding."""
    cases = []
    for target in single_file_fixtures() + project_fixtures():
        result = scan_fixture(target)
        for rel in sorted({f.path for f in result.findings if f.fix is not None}):
            cases.append((target, result.root / rel))
    return cases


CASES = _cases()


def _golden_path(file: Path) -> Path:
    return file.with_name(f"{file.stem}.fixed{file.suffix}")


def _analyse(target: Path, file: Path, text: str) -> tuple[SourceDoc, list[Finding]]:
    result = scan_fixture(target)
    rel = file.resolve().relative_to(result.root).as_posix()
    doc = SourceDoc(text, rel, kind_of(file) or "python", _module(result, rel))
    config = config_for(target if target.is_dir() else target.parent)
    return doc, analyze(doc, config, result.project, rel).findings


def _module(result, rel: str) -> str:
    facts = result.project.files.get(rel) if result.project else None
    return facts.module if facts else ""


def _parses(doc: SourceDoc, text: str) -> bool:
    if doc.kind != "python":
        return True
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


@pytest.mark.parametrize(("target", "file"), CASES, ids=[f"{f.relative_to(FIXTURES).as_posix()}" for _, f in CASES])
def test_each_fix_is_sound(target: Path, file: Path) -> None:
    doc, findings = _analyse(target, file, file.read_text("utf-8"))
    before = Counter(f.code for f in findings)
    for finding in [f for f in findings if f.fix is not None]:
        where = f"{finding.code} at line {finding.range.start.line + 1} ({finding.fix.title})"
        fixed = apply_fix(doc, finding.fix)
        assert _parses(doc, fixed), f"{where}: result does not parse"
        after_doc, after = _analyse(target, file, fixed)
        after_counts = Counter(f.code for f in after)
        assert after_counts[finding.code] < before[finding.code], f"{where}: finding not removed"
        grown = {c: n for c, n in after_counts.items() if n > before[c]}
        assert not grown, f"{where}: fix added findings {grown}"
        again = [f for f in after if f.fix is not None and apply_fix(after_doc, f.fix) == fixed]
        assert not again, f"{where}: fix is offered again on its own result"


@pytest.mark.parametrize(("target", "file"), CASES, ids=[f"{f.relative_to(FIXTURES).as_posix()}" for _, f in CASES])
def test_fix_all_matches_golden_and_is_idempotent(target: Path, file: Path) -> None:
    doc, _ = _analyse(target, file, file.read_text("utf-8"))
    config = config_for(target if target.is_dir() else target.parent)
    result = scan_fixture(target)
    outcome = fix_document(doc, config, result.project, include_unsafe=True, relative_path=doc.path)
    assert outcome.applied > 0
    second = fix_document(SourceDoc(outcome.text, doc.path, doc.kind, doc.module_name), config, result.project, include_unsafe=True, relative_path=doc.path)
    assert second.applied == 0 and second.text == outcome.text, "fix-all is not idempotent"
    golden = _golden_path(file)
    if UPDATE:
        golden.write_text(outcome.text, "utf-8")
    assert golden.is_file(), f"missing golden {golden.name}: run CODEWARD_UPDATE_GOLDENS=1 pytest tests/test_fixes.py and review it"
    assert outcome.text == golden.read_text("utf-8")
