"""The baseline in the editor: findings ``codeward scan --write-baseline`` recorded are shown
as hints (or hidden), so new code stands out the same way it does in CI.

The file is the same one the CLI reads (setting ``baseline``, relative to the workspace
root), re-read when it changes on disk; a missing or broken file is logged once and ignored.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from codeward.checks.model import Finding
from codeward.server import baseline


class BaselineView:
    def __init__(self) -> None:
        self._loaded: tuple[Path, float, baseline.Baseline] | None = None

    def known(self, findings: list[Finding], setting: str | None, root: Path | None) -> set[int]:
        """``id()`` of the findings the baseline records (the rest are new)."""
        recorded = self._load(setting, root)
        if recorded is None or not findings:
            return set()
        new = {id(f) for f in recorded.new_findings(findings)}
        return {id(f) for f in findings if id(f) not in new}

    def _load(self, setting: str | None, root: Path | None) -> baseline.Baseline | None:
        if not setting:
            return None
        path = Path(setting).expanduser()
        if not path.is_absolute() and root is not None:
            path = root / path
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise baseline.BaselineError(f"{path}: cannot read the baseline ({exc.strerror})") from None
        if self._loaded is None or self._loaded[:2] != (path, mtime):
            self._loaded = (path, mtime, baseline.load(path))
        return self._loaded[2]


def mark_baselined(diagnostic: types.Diagnostic, recorded: bool) -> types.Diagnostic:
    """A recorded finding as a hint (editors show it faintly, without a squiggle)."""
    if recorded:
        diagnostic.severity = types.DiagnosticSeverity.Hint
        diagnostic.message += " (recorded in the baseline)"
    return diagnostic
