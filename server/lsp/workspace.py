"""The workspace's ProjectIndex: built in the background, updated when a file is saved.

The index is replaced, never mutated in place (copy-on-write of the file table), so an
analysis running on another thread always sees one consistent index. Updates report which
fact names changed, so the server re-checks only the open documents that read them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from pygls.uris import from_fs_path

from codeward.checks.config import Config
from codeward.checks.files import discover, kind_of, read_source
from codeward.checks.model import NotAnalysed
from codeward.checks.paths import real_path
from codeward.checks.project import FileFacts, ProjectIndex, module_name_for
from codeward.checks.source import SourceDoc


def file_uri(path: Path | str) -> str | None:
    """The ``file:`` URI of ``path``, also for a name that is not UTF-8.

    pygls's ``from_fs_path`` raises on the lone surrogates such a name decodes to, which
    ended the workspace check for every file: its bytes are percent-encoded instead (as
    ``Path.as_uri`` does), so one odd name costs nothing but itself.
    """
    try:
        return from_fs_path(str(path))
    except UnicodeError:
        absolute = Path(path).absolute()
        return "file://" + quote(os.fsencode(str(absolute)), safe="/")


def relative_to(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return real_path(path).relative_to(real_path(root)).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def changed_facts(old: FileFacts | None, new: FileFacts | None) -> set[str]:
    """Fact names whose value differs between two versions of one file."""
    before = old.facts if old else {}
    after = new.facts if new else {}
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    if (old.module if old else None) != (new.module if new else None):
        changed.add("*modules")
    return changed


class WorkspaceIndex:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.index = ProjectIndex(root)
        self.ready = False
        #: Paths the last workspace walk could not read, with the reason.
        self.skipped: list[NotAnalysed] = []

    def _copy(self) -> ProjectIndex:
        return self.index.copy()

    def workspace_files(self, config: Config, kinds: frozenset[str]) -> list[Path]:
        """The files to index and check; folders that cannot be read go to :attr:`skipped`
        (the walk goes on past them)."""
        self.skipped = []
        if self.root is None or not self.root.is_dir():
            return []
        return list(discover([self.root], config, kinds, self.skipped))

    def build(
        self,
        paths: list[Path],
        config: Config,
        cancelled: Callable[[], bool],
        report: Callable[[int, int], None],
        batch: int = 50,
    ) -> bool:
        """Index ``paths`` (runs on a worker thread); False when cancelled part-way."""
        python = [p for p in paths if kind_of(p) == "python"]
        for start in range(0, len(python), batch):
            if cancelled():
                return False
            fresh = self._copy()
            for path in python[start : start + batch]:
                doc = load(path, config, self.root)
                if doc is not None:
                    fresh.update(relative_to(path, self.root), doc)
            self.index = fresh
            report(min(start + batch, len(python)), len(python))
        self.ready = True
        return True

    def update(self, path: Path, doc: SourceDoc) -> set[str]:
        """Re-index one saved file; the names of the facts that changed."""
        rel = relative_to(path, self.root)
        fresh = self._copy()
        before = fresh.files.get(rel)
        fresh.update(rel, doc)
        self.index = fresh
        return changed_facts(before, fresh.files.get(rel))

    def remove(self, path: Path) -> set[str]:
        rel = relative_to(path, self.root)
        fresh = self._copy()
        before = fresh.files.pop(rel, None)
        self.index = fresh
        return changed_facts(before, None)


def load(path: Path, config: Config, root: Path | None, interpreter: str | None = None) -> SourceDoc | None:
    text = read_source(path, config)
    if isinstance(text, NotAnalysed):
        return None
    kind = kind_of(path) or "python"
    try:
        return SourceDoc(text, relative_to(path, root), kind, module_name_for(path, root) if kind == "python" else "", root, interpreter)
    except Exception:  # the parser itself gave up (nesting, memory): no facts from it
        return None
