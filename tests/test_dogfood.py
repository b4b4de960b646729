"""codeward's own code is real-world Python: scanning it must find nothing (false positives
on it are bugs; a deliberate exception carries an inline `# codeward: ignore[...]` reason)."""

from __future__ import annotations

from pathlib import Path

from codeward.checks.config import discover
from codeward.checks.scan import scan

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_scans_clean_apart_from_the_demo() -> None:
    targets = [ROOT / "checks", ROOT / "server", ROOT / "tests", ROOT / "benchmarks"]
    result = scan([t for t in targets if t.exists()], discover(ROOT), jobs=1)
    assert not result.failures, result.failures
    found = [f"{f.path}:{f.range.start.line + 1}: {f.code} {f.message}" for f in result.findings]
    assert not found, "\n".join(found)
