"""Scanning a tree: discovery, project indexing, analysis in worker processes, caching.

Two phases: every Python file's facts go into the :class:`ProjectIndex` (only when some
family registered a fact extractor), then every file is analysed with that index. Both
phases fan out over ``jobs`` processes; results are sorted, so the output is identical for
any ``jobs``. Results and facts are cached by content digest (plus configuration, tool
version and, for findings, the project digest) in the user's cache folder, so re-scanning an
unchanged tree only reads and hashes files.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .engine import analyze
from .files import discover, kind_of, read_source
from .model import Finding, NotAnalysed, RuleFailure
from .project import FACT_EXTRACTORS, ProjectIndex, extract_facts, module_name_for
from .registry import all_rules
from .source import SourceDoc

@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    not_analysed: NotAnalysed | None = None


@dataclass
class ScanResult:
    root: Path
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    not_analysed: list[NotAnalysed] = field(default_factory=list)
    #: The project index the analysis used (fixes and follow-up analyses reuse it).
    project: ProjectIndex | None = None


def scan_root(paths: list[Path]) -> Path:
    """Where relative paths start: the git root above the first path, else its folder."""
    first = paths[0].resolve() if paths else Path.cwd()
    base = first if first.is_dir() else first.parent
    for directory in [base, *base.parents]:
        if (directory / ".git").exists():
            return directory
    return base


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# -- worker side ----------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def batch_gc() -> None:
    """Garbage-collector settings for a process that scans many files and then exits.

    Syntax trees are hundreds of thousands of small objects without reference cycles: with
    the default thresholds the collector ran about 3,000 times per Django scan (7-8 % of its
    CPU) and found a few hundred garbage objects in all, since every tree is released by
    reference counting when its file is done. A first-generation threshold of 100,000 (as
    mypy uses) still collects real cycles; objects alive now (modules, rules, knowledge) are
    frozen out of every later collection.
    """
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()


def _init_worker(config: Config, root: Path, project: ProjectIndex | None) -> None:
    _WORKER.update(config=config, root=root, project=project)


def _init_pool_worker(config: Config, root: Path, project: ProjectIndex | None) -> None:
    batch_gc()  # a worker process only scans (forked workers inherit it; spawned ones do not)
    _init_worker(config, root, project)


def _load_doc(path: Path, config: Config, root: Path) -> SourceDoc | NotAnalysed:
    text = read_source(path, config)
    if isinstance(text, NotAnalysed):
        return NotAnalysed(relative(path, root), text.reason)
    kind = kind_of(path) or "python"
    try:
        return SourceDoc(text, relative(path, root), kind, module_name_for(path, root) if kind == "python" else "", root=root)
    except Exception as exc:  # the parser itself gave up (nesting, memory)
        return NotAnalysed(relative(path, root), f"cannot parse: {exc}")


def _facts_task(path: Path) -> tuple[str, str, str, dict[str, Any]] | None:
    doc = _load_doc(path, _WORKER["config"], _WORKER["root"])
    if isinstance(doc, NotAnalysed):
        return None
    return doc.path, doc.digest, doc.module_name, extract_facts(doc)


def _analyse_task(path: Path) -> FileResult:
    config: Config = _WORKER["config"]
    doc = _load_doc(path, config, _WORKER["root"])
    if isinstance(doc, NotAnalysed):
        return FileResult(doc.path, not_analysed=doc)
    analysis = analyze(doc, config, _WORKER["project"], doc.path)
    if analysis.not_analysed:
        return FileResult(doc.path, failures=analysis.failures, not_analysed=NotAnalysed(doc.path, analysis.not_analysed))
    return FileResult(doc.path, analysis.findings, analysis.failures)


def _run(task: Callable[[Path], Any], paths: list[Path], jobs: int, init_args: tuple) -> list[Any]:
    if jobs <= 1 or len(paths) < 8:
        _init_worker(*init_args)
        return [task(p) for p in paths]
    chunk = max(1, min(64, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_pool_worker, initargs=init_args) as pool:
        return list(pool.map(task, paths, chunksize=chunk))


# -- cache ----------------------------------------------------------------------------
def cache_home() -> Path:
    """The user's own cache folder (``$XDG_CACHE_HOME/codeward`` or ``~/.cache/codeward``).

    Never inside the scanned tree: a repository must not be able to plant a cache file that
    the scanner would unpickle.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codeward"


class _Cache:
    """Pickled results in the user's cache folder; any problem just means a miss.

    Only files this user owns and nobody else can write are loaded. Results whose fixes
    carry a secret (the value a fix moves to ``.env``) are never stored.
    """

    def __init__(self, root: Path, config: Config, enabled: bool) -> None:
        self.enabled = enabled
        key = f"{__version__}|{root}|{config.fingerprint}|{sorted(all_rules())}"
        self.file = cache_home() / f"scan-{hashlib.blake2b(key.encode(), digest_size=12).hexdigest()}.pickle"
        self.facts: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self.results: dict[str, tuple[str, FileResult]] = {}
        if enabled and _trusted(self.file):
            try:
                self.facts, self.results = pickle.loads(self.file.read_bytes())
            except Exception:
                self.facts, self.results = {}, {}

    def store(self, key: str, result: FileResult) -> None:
        if not any(e.sensitive for f in result.findings if f.fix for e in f.fix.file_edits):
            self.results[result.path] = (key, result)

    def save(self) -> None:
        if not self.enabled:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.file.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps((self.facts, self.results), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, self.file)
        except OSError:
            pass


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by nobody else (so nobody else chose its content)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _digest_file(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return ""


def scan(
    paths: Iterable[Path],
    config: Config,
    jobs: int = 1,
    use_cache: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan files and folders; never raises for a problem in a scanned file."""
    path_list = list(paths) or [Path(".")]
    root = scan_root(path_list)
    kinds = frozenset(k for r in all_rules().values() for k in r.kinds if config.is_enabled(r.code))
    files = list(discover(path_list, config, kinds))
    result = ScanResult(root=root, files=len(files))
    cache = _Cache(root, config, use_cache)
    digests = {p: _digest_file(p) for p in files} if use_cache else {}

    project = ProjectIndex(root)
    if FACT_EXTRACTORS:
        python_files = [p for p in files if kind_of(p) == "python"]
        todo = []
        for p in python_files:
            cached = cache.facts.get(relative(p, root))
            if cached and cached[0] == digests.get(p):
                project.set_facts(relative(p, root), cached[0], cached[1], cached[2])
            else:
                todo.append(p)
        for source, item in zip(todo, _run(_facts_task, todo, jobs, (config, root, None))):
            if item is not None:
                path, digest, module, facts = item
                project.set_facts(path, digest, module, facts)
                if use_cache:
                    cache.facts[path] = (digests.get(source, ""), module, facts)

    project_digest = project.digest
    todo_files: list[Path] = []
    results: list[FileResult] = []
    for p in files:
        hit = cache.results.get(relative(p, root))
        if hit and use_cache and hit[0] == f"{digests.get(p)}|{project_digest}":
            results.append(hit[1])
        else:
            todo_files.append(p)
    done = 0
    for file_result, p in zip(_run(_analyse_task, todo_files, jobs, (config, root, project)), todo_files):
        results.append(file_result)
        if use_cache and file_result.not_analysed is None:
            cache.store(f"{digests.get(p)}|{project_digest}", file_result)
        done += 1
        if on_progress:
            on_progress(done, len(todo_files))
    cache.save()

    for file_result in sorted(results, key=lambda r: r.path):
        result.findings.extend(file_result.findings)
        result.failures.extend(file_result.failures)
        if file_result.not_analysed:
            result.not_analysed.append(file_result.not_analysed)
    result.findings.sort(key=lambda f: f.sort_key)
    result.project = project
    return result
