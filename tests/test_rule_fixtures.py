"""Every annotated fixture: findings match the `# cw:` / `# ok:` annotations line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import FIXTURES, compare, project_fixtures, scan_fixture, single_file_fixtures


def _id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("fixture", single_file_fixtures() + project_fixtures(), ids=_id)
def test_annotations_match_findings(fixture: Path) -> None:
    problems = compare(scan_fixture(fixture), fixture)
    assert not problems, "\n".join(problems)


def test_fixtures_exist_for_every_rule() -> None:
    """Each rule has at least one vulnerable and one safe look-alike annotation."""
    from codeward.checks.registry import all_rules

    from harness import expectations

    seen: dict[str, set[bool]] = {}
    for path in [*single_file_fixtures(), *(p for d in project_fixtures() for p in d.rglob("*") if p.is_file())]:
        try:
            found = expectations(path, path.name)
        except UnicodeDecodeError:
            continue
        for exp in found:
            seen.setdefault(exp.code, set()).add(exp.must_fire)
    missing = [code for code in all_rules() if seen.get(code) != {True, False}]
    assert not missing, f"rules without both `# cw:` and `# ok:` fixtures: {missing}"
