"""Line-annotated fixtures: `# cw: CODE` above a line that must be flagged, `# ok: CODE` above
one that must not. Every finding in a fixture must be announced; anything else fails.

Single-file fixtures live in ``fixtures/rules/**.py``; multi-file projects in
``fixtures/projects/<name>/`` are scanned as one project (cross-file rules see all files).
A project folder may hold its own ``pyproject.toml``; otherwise defaults apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from codeward.checks.config import Config, load_file
from codeward.checks.files import kind_of
from codeward.checks.model import Finding
from codeward.checks.scan import ScanResult, scan

FIXTURES = Path(__file__).parent / "fixtures"
#: ``# cw: CW101`` in code and config files, ``{# cw: CW410 #}`` in templates.
_ANNOTATION = re.compile(r"^\s*(?:\{)?#\s*(cw|ok):\s*(?P<codes>CW\d{3}(?:\s*,\s*CW\d{3})*)\s*(?:#\})?\s*$")


@dataclass(frozen=True)
class Expectation:
    path: str  # relative to the scanned root
    line: int  # 0-based line the annotation points at
    code: str
    must_fire: bool


def single_file_fixtures() -> list[Path]:
    return sorted(p for p in (FIXTURES / "rules").rglob("*") if p.is_file() and kind_of(p) and ".fixed." not in p.name)


def project_fixtures() -> list[Path]:
    projects = FIXTURES / "projects"
    return sorted(p for p in projects.iterdir() if p.is_dir()) if projects.is_dir() else []


def expectations(path: Path, rel: str) -> list[Expectation]:
    lines = path.read_text("utf-8").splitlines()
    found = []
    for index, line in enumerate(lines):
        match = _ANNOTATION.match(line)
        if not match:
            continue
        target = index + 1
        while target < len(lines) and _ANNOTATION.match(lines[target]):
            target += 1
        for code in re.split(r"\s*,\s*", match.group("codes")):
            found.append(Expectation(rel, target, code, match.group(1) == "cw"))
    return found


GOLDEN_GLOB = "*.fixed.*"


def config_for(root: Path) -> Config:
    """The fixture's own pyproject.toml, else defaults with every confidence level;
    `.fixed` goldens are never scanned."""
    own = root / "pyproject.toml"
    config = load_file(own) if own.is_file() else Config(root=root)
    # Fixtures test every finding, low-confidence ones included.
    overrides = {"exclude": [*config.exclude, GOLDEN_GLOB]}
    if not own.is_file():
        overrides["min_confidence"] = "low"
    return config.with_overrides(**overrides)


def scan_fixture(target: Path) -> ScanResult:
    root = target if target.is_dir() else target.parent
    return scan([target], config_for(root), jobs=1)


def compare(result: ScanResult, target: Path) -> list[str]:
    """Human-readable mismatches between annotations and findings (empty: all good)."""
    files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file() and kind_of(p) and ".fixed." not in p.name)
    expected: list[Expectation] = []
    for file in files:
        expected += expectations(file, _rel(result, file))
    fired: dict[tuple[str, int, str], Finding] = {(f.path, f.range.start.line, f.code): f for f in result.findings}
    problems = []
    announced = set()
    for exp in expected:
        key = (exp.path, exp.line, exp.code)
        announced.add(key)
        if exp.must_fire and key not in fired:
            problems.append(f"{exp.path}:{exp.line + 1}: expected {exp.code}, got none")
        if not exp.must_fire and key in fired:
            problems.append(f"{exp.path}:{exp.line + 1}: {exp.code} fired on a safe line: {fired[key].message}")
    for key, finding in fired.items():
        if key not in announced:
            problems.append(f"{key[0]}:{key[1] + 1}: unannounced {key[2]}: {finding.message}")
    for item in result.not_analysed:
        problems.append(f"{item.path}: not analysed: {item.reason}")
    for failure in result.failures:
        problems.append(f"{failure.path}: {failure.code} crashed: {failure.error}")
    return problems


def _rel(result: ScanResult, file: Path) -> str:
    try:
        return file.resolve().relative_to(result.root).as_posix()
    except ValueError:
        return file.as_posix()
