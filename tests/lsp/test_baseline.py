"""The language server reads the CLI's baseline: recorded findings are hints, or hidden."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from codeward.server.cli import main

from .session import VULNERABLE, start_session, stop_session

NEW = VULNERABLE + '\n\ndef more(u):\n    return requests.post(u, verify=False)\n'


def _baseline(root: Path) -> None:
    (root / ".git").mkdir()
    (root / "app.py").write_text(VULNERABLE)
    assert main(["scan", "--no-cache", "--write-baseline", str(root / "baseline.json"), str(root)]) == 0


@pytest.mark.parametrize(("mode", "expected"), [("hint", [types.DiagnosticSeverity.Hint, types.DiagnosticSeverity.Error]), ("hide", [types.DiagnosticSeverity.Error])])
async def test_baselined_findings_are_hints_or_hidden(mode: str, expected: list, tmp_path: Path) -> None:
    _baseline(tmp_path)
    session = await start_session("visual_studio_code", tmp_path, init_options={"baseline": "baseline.json", "baselineFindings": mode})
    try:
        uri = session.open("app.py", NEW)
        diagnostics = await session.settled(uri, lambda d: len(d) == len(expected))
        assert [d.severity for d in sorted(diagnostics, key=lambda d: d.range.start.line)] == expected
        assert all(("recorded in the baseline" in d.message) == (d.severity == types.DiagnosticSeverity.Hint) for d in diagnostics)
    finally:
        await stop_session(session)


async def test_a_missing_baseline_is_logged_and_everything_shown(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    session = await start_session("neovim", tmp_path, init_options={"baseline": "nope.json"})
    try:
        uri = session.open("app.py", VULNERABLE)
        [diagnostic] = await session.diagnostics(uri)
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        await session.log_containing("nope.json")
    finally:
        await stop_session(session)
