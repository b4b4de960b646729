"""``--fix`` and ``--diff``: fixes planned once, then written to disk or shown as a unified diff.

Planning re-reads each file with fixable findings and runs the engine's fix loop on it, so the
preview and the write are the same edits. Writes keep the file's declared encoding and line
endings and go through :mod:`codeward.server.writes`, the one safe-write path.
"""

from __future__ import annotations

import difflib
import io
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from codeward.checks.autofix import fix_document, fixable
from codeward.checks.config import Config
from codeward.checks.files import kind_of, read_source
from codeward.checks.model import FileEdit, NotAnalysed
from codeward.checks.project import module_name_for
from codeward.checks.scan import ScanResult
from codeward.checks.source import SourceDoc
from codeward.server import writes


@dataclass
class FilePlan:
    relative: str
    before: str
    after: str
    applied: int
    file_edits: list[FileEdit] = field(default_factory=list)
    #: What the user should know about the applied fixes (where a moved secret went).
    notes: list[str] = field(default_factory=list)


def plan_fixes(result: ScanResult, config: Config, include_unsafe: bool) -> list[FilePlan]:
    """What fixing every fixable finding would change, file by file."""
    targets = sorted({f.path for f in result.findings if fixable(f, include_unsafe)})
    plans = []
    for rel in targets:
        path = result.root / rel
        text = read_source(path, config)
        if isinstance(text, NotAnalysed):
            continue
        doc = SourceDoc(text, rel, kind_of(path) or "python", module_name_for(path, result.root))
        outcome = fix_document(doc, config, result.project, include_unsafe, rel)
        if outcome.applied and (outcome.text != text or outcome.file_edits):
            plans.append(FilePlan(rel, text, outcome.text, outcome.applied, list(outcome.file_edits), list(outcome.notes)))
    return plans


def apply_plans(root: Path, plans: list[FilePlan]) -> int:
    """Write the planned changes; returns how many findings they fix.

    Each file's other-file edits (``.gitignore``, then ``.env``) are written first, and the
    source is rewritten only when every secret it moves out has reached ``.env``: a refused
    or failed write never leaves a value that exists nowhere. When the source then cannot be
    rewritten, the other files are put back as they were (the value stays in the source
    only, not also in a ``.env`` nothing reads). All writes go through
    :mod:`codeward.server.writes` (no symlinks, nothing outside the project, atomic)."""
    total = 0
    for plan in plans:
        before = writes.file_states(root, [e.path for e in plan.file_edits])
        written = writes.apply_file_edits(root, plan.file_edits)
        for failure in (w for w in written if not w.ok):
            print(f"codeward: {failure.message}", file=sys.stderr)
        secrets_kept = sum(e.sensitive for e in plan.file_edits) == sum(e.sensitive and w.ok for e, w in zip(plan.file_edits, written))
        if not secrets_kept:
            print(f"codeward: left {plan.relative} unchanged, so no secret is lost", file=sys.stderr)
            continue
        if plan.after != plan.before:
            try:
                writes.write_text(root, plan.relative, plan.after, source_encoding(root, plan.relative))
            except writes.WriteRefused as refused:
                print(f"codeward: {plan.relative} not fixed: {refused}", file=sys.stderr)
                for undone in writes.restore(root, before):
                    print(f"codeward: {undone.message}", file=sys.stderr)
                continue
        total += plan.applied
        for note in plan.notes:
            print(f"codeward: {plan.relative}: {note}", file=sys.stderr)
    return total


def unified_diff(plans: list[FilePlan]) -> str:
    """The planned changes as a unified diff (``a/`` and ``b/`` prefixes, as git shows them).

    Lines a fix would append to another file are described, never shown: they can hold the
    secret value a fix moves out of the code.
    """
    parts = []
    for plan in plans:
        parts += difflib.unified_diff(
            plan.before.splitlines(keepends=True), plan.after.splitlines(keepends=True), f"a/{plan.relative}", f"b/{plan.relative}"
        )
        if parts and not parts[-1].endswith("\n"):
            parts[-1] += "\n\\ No newline at end of file\n"
        for edit in plan.file_edits:
            parts.append(f"# and {edit.description or 'a line appended'} in {edit.path}\n")
    return "".join(parts)


def source_encoding(root: Path, relative: str) -> str:
    """The encoding a Python source declares (PEP 263), so a rewrite keeps it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(writes.read_bytes(root, relative) or b"").readline)
    except (writes.WriteRefused, SyntaxError):
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding
