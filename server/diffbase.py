"""``--diff-base REF``: keep only findings on lines changed since a git ref (a new-code gate).

Changed lines come from git itself: ``git diff --unified=0`` between the merge base of REF
and HEAD and the working tree (so commits that landed on REF after the branch was cut do not
count as this branch's changes), plus every line of untracked files that are not ignored. A
finding counts when any line of its range, or of its data flow's last step, is changed.

git runs through :mod:`codeward.checks.gitrun` (no pager, no external diff or textconv
programs, no fsmonitor, a scrubbed environment): the repository's own configuration is
hostile input.
"""

from __future__ import annotations

import re
from pathlib import Path

from codeward.checks.gitrun import LOG_SAFETY, run_git
from codeward.checks.model import Finding

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
#: Generous: a diff of a large repository against an old ref takes a while.
TIMEOUT = 60.0


class DiffBaseError(RuntimeError):
    """git is missing, the folder is not a repository, or the ref does not exist."""


def changed_lines(root: Path, ref: str) -> dict[str, set[int] | None]:
    """Path (relative to ``root``) → changed 0-based lines; None: the whole file is new."""
    if ref.startswith("-"):
        raise DiffBaseError(f"--diff-base {ref!r}: a git ref cannot start with '-'")
    top = _git(root, ["rev-parse", "--show-toplevel"]).decode("utf-8", "surrogateescape").strip()
    base = _merge_base(root, ref)
    diff = _git(root, ["diff", *LOG_SAFETY, "--unified=0", "--no-renames", "--diff-filter=AM", base, "--"])
    changed: dict[str, set[int] | None] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith(b"+++ "):
            name = line[4:]
            current = None
            if name != b"/dev/null" and name.startswith(b"b/"):
                path = _relative(Path(top) / name[2:].decode("utf-8", "surrogateescape"), root)
                current = changed.setdefault(path, set())  # type: ignore[assignment]
        elif current is not None and (hunk := _HUNK.match(line)):
            start, count = int(hunk["start"]), int(hunk["count"] or 1)
            current.update(range(start - 1, start - 1 + count))
    untracked = _git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--full-name", ":/"])
    for name in filter(None, untracked.split(b"\0")):
        changed[_relative(Path(top) / name.decode("utf-8", "surrogateescape"), root)] = None
    return changed


def only_changed(findings: list[Finding], changed: dict[str, set[int] | None]) -> list[Finding]:
    kept = []
    for finding in findings:
        if finding.path not in changed:
            continue
        lines = changed[finding.path]
        spans = [(finding.range.start.line, finding.range.end.line)]
        if finding.flow and (finding.flow[-1].path or finding.path) == finding.path:
            last = finding.flow[-1].range
            spans.append((last.start.line, last.end.line))
        if lines is None or any(line in lines for start, end in spans for line in range(start, end + 1)):
            kept.append(finding)
    return kept


def _merge_base(root: Path, ref: str) -> str:
    _git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], f"no commit {ref!r} in this repository")
    found = run_git(root, ["merge-base", "--end-of-options", ref, "HEAD"], timeout=TIMEOUT)
    if found is not None and found.returncode == 0 and found.stdout.strip():
        return found.stdout.decode("ascii").strip()
    return _git(root, ["rev-parse", "--end-of-options", f"{ref}^{{commit}}"]).decode("ascii").strip()


def _git(root: Path, args: list[str], problem: str | None = None) -> bytes:
    result = run_git(root, args, timeout=TIMEOUT)
    if result is None:
        raise DiffBaseError("--diff-base needs git, which could not be run")
    if result.returncode != 0:
        detail = problem or result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["git failed"]
        raise DiffBaseError(f"--diff-base: {detail if isinstance(detail, str) else detail[0]}")
    return result.stdout


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
