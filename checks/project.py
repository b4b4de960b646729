"""ProjectIndex: per-file facts that rules need from other files of the same project.

A rule family registers a fact extractor (``@fact_extractor("routes")``): a function from a
SourceDoc to a small picklable value (where the auth decorators are defined, which blueprint
has a ``before_request`` hook, Django settings...). The index keeps those facts per file,
keyed by content digest, so re-indexing an unchanged file costs nothing, and tells callers
when a file's facts changed (so the language server re-checks the files that depend on them).
The CLI and the language server share this one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .model import Position, Range
from .paths import real_path
from .source import SourceDoc

FactExtractor = Callable[[SourceDoc], Any]
FACT_EXTRACTORS: dict[str, FactExtractor] = {}


def fact_extractor(name: str) -> Callable[[FactExtractor], FactExtractor]:
    """Register a per-file fact extractor under ``name``."""

    def register(func: FactExtractor) -> FactExtractor:
        FACT_EXTRACTORS[name] = func
        return func

    return register


def module_name_for(path: Path, root: Path | None) -> str:
    """Dotted module name of ``path`` relative to ``root`` (``pkg/mod.py`` → ``pkg.mod``)."""
    try:
        rel = real_path(path).relative_to(real_path(root)) if root else Path(path.name)
    except ValueError:
        rel = Path(path.name)
    return module_name_of(rel)


def module_name_of(rel: Path) -> str:
    """Dotted module name of a path relative to the project root."""
    parts = list(rel.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if parts and parts[0] == "src" and len(parts) > 1:
        parts.pop(0)
    return ".".join(parts)


@dataclass
class FileFacts:
    digest: str
    module: str
    facts: dict[str, Any] = field(default_factory=dict)
    #: Every extractor ran on this text without raising, so an absent fact means "nothing
    #: to say" (False when unknown): an analysis of the same text can then use the facts
    #: instead of extracting them again.
    complete: bool = False
    #: ``canonical`` text of the facts without positions (see :func:`meaning_of`), once known.
    meaning: str | None = field(default=None, compare=False)


def extract_facts(doc: SourceDoc, failed: set[str] | None = None) -> dict[str, Any]:
    """Run every registered extractor on ``doc``; a failing extractor yields no fact (and
    its name is added to ``failed``, when given)."""
    from . import rules  # noqa: F401  (registers extractors)

    facts: dict[str, Any] = {}
    if doc.tree is None:
        return facts
    for name, extractor in FACT_EXTRACTORS.items():
        try:
            value = extractor(doc)
        except Exception:  # one broken extractor must not blind the others
            if failed is not None:
                failed.add(name)
            continue
        if value:
            facts[name] = value
    return facts


class ProjectIndex:
    """Facts of every Python file of one project root."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.files: dict[str, FileFacts] = {}
        #: Bumped on every change, so views derived from the facts know when to rebuild.
        self.version = 0
        #: Derived data (merged views...) rules cache on the index; keyed by ``version``.
        self.memo: dict[str, Any] = {}
        #: (version, path) of the latest changes to the last two different paths: enough to
        #: tell the latest change of any file but a given one (see :meth:`version_without`).
        self._latest: list[tuple[int, str]] = []
        #: Shared by an index and its copies (:meth:`copy`): "the same project, a later version".
        self.lineage = object()

    def copy(self) -> "ProjectIndex":
        """The same files, version and history in a new index: an editor updates a copy and
        swaps it in, so analyses still running on the old one see consistent facts."""
        fresh = ProjectIndex(self.root)
        fresh.files = dict(self.files)
        fresh.version = self.version
        fresh._latest = list(self._latest)
        fresh.lineage = self.lineage
        return fresh

    def _changed(self, path: str) -> None:
        self.version += 1
        self._latest = [(self.version, path), *(entry for entry in self._latest if entry[1] != path)][:2]

    def version_without(self, path: str) -> int:
        """The index version as seen from ``path``: changes to that file itself (saving the
        document being edited) do not count, so an editor's state for it stays valid."""
        return next((version for version, changed in self._latest if changed != path), 0)

    def update(self, path: str, doc: SourceDoc) -> bool:
        """Index ``doc`` under ``path``; True when its facts changed."""
        known = self.files.get(path)
        if known is not None and known.digest == doc.digest:
            return False
        failed: set[str] = set()
        facts = extract_facts(doc, failed)
        self.files[path] = FileFacts(doc.digest, doc.module_name, facts, complete=not failed)
        self._changed(path)
        return known is None or known.facts != facts

    def set_facts(self, path: str, digest: str, module: str, facts: dict[str, Any], complete: bool = False) -> None:
        """Store facts computed elsewhere (a worker process); ``complete``: see FileFacts."""
        self.files[path] = FileFacts(digest, module, facts, complete)
        self._changed(path)

    def remove(self, path: str) -> bool:
        self._changed(path)
        return self.files.pop(path, None) is not None

    def facts(self, name: str) -> dict[str, Any]:
        """``path → fact`` for every file that has a fact called ``name``."""
        return {path: f.facts[name] for path, f in self.files.items() if name in f.facts}

    def module_path(self, module: str) -> str | None:
        """The first indexed file of that dotted module name."""
        return self.derived("modules", self._first_file_of_modules).get(module)

    def _first_file_of_modules(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for path, f in self.files.items():
            found.setdefault(f.module, path)
        return found

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per index version and kept on the index: for tables
        derived from every file's facts (rules ask for every call they see; a scan over every
        file for each question was quadratic)."""
        cache = self.memo.setdefault(f"project.{name}", {})
        value = cache.get(self.version)
        if value is None:
            value = build()
            cache.clear()  # only the current index version is worth keeping
            cache[self.version] = value
        return value

    def import_target(self, importer: str, module: str) -> str | None:
        """The indexed file that ``import module`` in the file ``importer`` loads.

        A module of that dotted name if the index has one; otherwise the nearest
        ``module.py`` (or package) in the importer's folder or a folder above it: an app run
        as a script imports its neighbours by bare name (``import storage`` beside
        ``app.py``), which the dotted names from the project root do not show.
        """
        exact = self.module_path(module)
        if exact is not None:
            return exact
        memo: dict[tuple[str, str], str | None] = self.derived("import_targets", dict)
        key = (importer, module)
        if key not in memo:
            memo[key] = self._neighbour(PurePosixPath(importer).parent, module)
        return memo[key]

    def _neighbour(self, folder: PurePosixPath, module: str) -> str | None:
        relative = module.replace(".", "/")
        for base in (folder, *folder.parents):
            for candidate in (base / f"{relative}.py", base / relative / "__init__.py"):
                path = candidate.as_posix()
                if path in self.files:
                    return path
        return None

    @property
    def digest(self) -> str:
        """Changes whenever any file's facts change, positions included."""
        return _digest((path, canonical(self.files[path].facts)) for path in sorted(self.files))

    @property
    def meaning_digest(self) -> str:
        """Changes whenever any file's facts change in meaning: names, signatures, summaries,
        guards, but not where they sit (the scan's cache key).

        Inserting a line at the top of one file moves every position in its facts; what
        the other files' verdicts depend on stays the same, so they stay cached. A finding
        that shows a position of another file (a flow step into it) is checked against that
        file's digest separately (see ``checks.scan``).
        """
        return _digest((path, meaning_of(self.files[path])) for path in sorted(self.files))


def meaning_of(file: FileFacts) -> str:
    """``canonical`` text of the file's facts without positions, computed once per FileFacts."""
    if file.meaning is None:
        file.meaning = canonical(without_positions(file.facts))
    return file.meaning


def _digest(items: Iterable[tuple[str, str]]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path, text in items:
        h.update(path.encode("utf-8", "surrogatepass"))
        h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def without_positions(value: Any) -> Any:
    """``value`` with every Range and Position dropped (facts compared for meaning)."""
    if isinstance(value, (Range, Position)):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(without_positions(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return {k: without_positions(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(without_positions(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(without_positions(v) for v in value)
    return value


def canonical(value: Any) -> str:
    """A text for ``value`` that is the same in every process: sets and dicts are sorted
    (their iteration order depends on the per-process hash seed), dataclasses by field."""
    if isinstance(value, dict):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(f"{f.name}={canonical(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{type(value).__name__}({fields})"
    return repr(value)
