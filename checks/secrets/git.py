"""Read-only, time-bounded questions to git: is a path ignored, is a literal in history.

The engine stays side-effect free: only ``git check-ignore``, ``git ls-files`` and ``git log``
run, always through :func:`codeward.checks.gitrun.run_git` (a repository's config must not make
the scanner run its programs), with a timeout and a short-lived cache. Secret values never appear on a command line (other users can read those): history is
searched in Python over ``git log -p`` output of the one file. No repository → no questions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pathspec

from ..context import RuleContext
from ..gitrun import LOG_SAFETY, run_git

#: Seconds an answer is reused (the language server asks on every keystroke).
CACHE_SECONDS = 30.0
#: Largest ``git log -p`` output searched for a literal, and commits of the file read.
MAX_HISTORY_BYTES = 32 * 1024 * 1024
MAX_COMMITS = 500
#: Histories kept at once (each can be large; other answers are small).
MAX_HISTORIES = 8

T = TypeVar("T")
_lock = threading.Lock()
_cache: dict[tuple, tuple[float, object]] = {}


@dataclass(frozen=True)
class Location:
    """Where a document lives: its file, the project root fixes write to, and its git repo."""

    absolute: Path
    root: Path
    repo: Path | None


def locate(ctx: RuleContext) -> Location | None:
    """The document's location on disk, or None for an unsaved buffer without a root."""
    path = Path(ctx.doc.path)
    base = ctx.project.root if ctx.project is not None and ctx.project.root is not None else ctx.config.root
    if not path.is_absolute():
        if base is None:
            return None
        path = Path(base) / path
    root = Path(base) if base is not None else path.parent
    return Location(path, root, find_repo(str(path.parent)))


def find_repo(directory: str) -> Path | None:
    """The work tree root above ``directory`` (a ``.git`` folder or file), else None."""

    def walk() -> Path | None:
        current = Path(directory)
        for candidate in [current, *current.parents]:
            if (candidate / ".git").exists():
                return candidate
        return None

    return _cached(("repo", directory), walk)


def _cached(key: tuple[str, ...], compute: Callable[[], T]) -> T:
    """``compute()``, reused for ``CACHE_SECONDS`` under ``key``."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if len(_cache) > 512:
            _cache.clear()
        histories = [k for k in _cache if k[0] == "history"]
        if key[0] == "history" and len(histories) >= MAX_HISTORIES:
            del _cache[min(histories, key=lambda k: _cache[k][0])]
        _cache[key] = (now, value)
    return value


def _relative(repo: Path, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def is_ignored(repo: Path | None, path: Path, fresh: bool = False) -> bool:
    """True only when git positively says ``path`` is ignored and does not track it.

    ``fresh`` skips the cache: a write decides on the repository as it is now.
    """
    if repo is None:
        return False
    rel = _relative(repo, path)
    if rel is None:
        return False

    def ask() -> bool:
        done = run_git(repo, ["check-ignore", "-q", "--", rel])
        if done is None or done.returncode not in (0, 1):
            # git is missing or cannot read the repository: read the rules as git would.
            return _ignored_by_rule_files(repo, rel)
        return done.returncode == 0 and not _tracked(repo, rel)

    return ask() if fresh else _cached(("ignored", str(repo), rel), ask)


def _ignored_by_rule_files(repo: Path, rel: str) -> bool:
    """``rel`` is ignored by the ``.gitignore`` files from the work tree root down to its
    folder, with git's precedence: the last matching rule of the deepest file decides."""
    ignored = False
    parts = rel.split("/")
    for depth in range(len(parts)):
        rules = repo.joinpath(*parts[:depth]) / ".gitignore"
        try:
            if rules.is_symlink() or not rules.is_file():
                continue
            lines = rules.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            continue
        verdict = pathspec.GitIgnoreSpec.from_lines(lines).check_file("/".join(parts[depth:])).include
        if verdict is not None:
            ignored = verdict
    return ignored


def is_tracked(repo: Path | None, path: Path, fresh: bool = False) -> bool:
    """True when git tracks ``path`` (it is in the index), so anything written to it is shared."""
    if repo is None:
        return False
    rel = _relative(repo, path)
    if rel is None:
        return False
    return _tracked(repo, rel) if fresh else _cached(("tracked", str(repo), rel), lambda: _tracked(repo, rel))


def _tracked(repo: Path, rel: str) -> bool:
    done = run_git(repo, ["ls-files", "--error-unmatch", "--", rel])
    return done is not None and done.returncode == 0


def _history(repo: Path, rel: str) -> str:
    done = run_git(repo, ["log", "-p", "--all", f"--max-count={MAX_COMMITS}", *LOG_SAFETY, "--format=", "--", rel])
    if done is None or done.returncode != 0:
        return ""
    return done.stdout[:MAX_HISTORY_BYTES].decode("utf-8", "replace")


def in_history(location: Location | None, value: str) -> bool:
    """The literal was committed at some point in the file's history (so it has leaked)."""
    if location is None or location.repo is None or len(value) < 6:
        return False
    rel = _relative(location.repo, location.absolute)
    if rel is None:
        return False
    repo = location.repo
    return value in _cached(("history", str(repo), rel), lambda: _history(repo, rel))
