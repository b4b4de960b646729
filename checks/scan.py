"""Scanning a tree: discovery, project indexing, analysis in worker processes, caching.

Two phases: every Python file's facts go into the :class:`ProjectIndex` (only when some
family registered a fact extractor), then every file is analysed with that index. Both
phases fan out over ``jobs`` processes; results are sorted, so the output is identical for
any ``jobs``. Results and facts are cached by content digest (plus configuration, tool
version, the engine files' sizes and times and, for findings, the project digest) in the user's cache folder, so re-scanning an
unchanged tree only reads and hashes files.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .config import Config
from .engine import analyze
from .files import discover, kind_of, kinds_to_read, read_source
from .invented.dependencies import environment_stamp
from .invented.installed import installed_stamp
from .model import Finding, NotAnalysed, RuleFailure
from .project import FACT_EXTRACTORS, ProjectIndex, extract_facts, meaning_of, module_name_of
from .reading import read_regular
from .registry import all_rules
from .source import SourceDoc
from .workers import Workers

@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    not_analysed: NotAnalysed | None = None
    suppressed: list[Finding] = field(default_factory=list)


@dataclass
class ScanResult:
    root: Path
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    not_analysed: list[NotAnalysed] = field(default_factory=list)
    #: Findings silenced by a suppression comment (its reason in ``properties["suppressed"]``).
    suppressed: list[Finding] = field(default_factory=list)
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


def _init_worker(config: Config, root: Path, project: ProjectIndex | None, interpreter: str | None = None) -> None:
    _WORKER.update(config=config, root=root, project=project, kept={}, room=_KEPT_CHARACTERS, interpreter=interpreter)


def _init_pool_worker(config: Config, root: Path, project: ProjectIndex | None, interpreter: str | None) -> None:
    batch_gc()  # a worker process only scans (forked workers inherit it; spawned ones do not)
    _init_worker(config, root, project, interpreter)


def _enter_analysis(project: ProjectIndex | None, freeze: bool) -> None:
    """Between the phases: the project index for the analyses; in a worker process, the
    documents kept from indexing are frozen out of garbage collection (they are alive until
    analysed, and every full collection would walk their trees)."""
    _WORKER["project"] = project
    if freeze:
        gc.freeze()


#: Characters of source whose parsed documents a process keeps from indexing to analysis.
#: A document costs about 25 times its text in memory: Django's 7 MB of source is kept whole
#: by two workers; a much larger tree keeps its first files and parses the rest again.
_KEPT_CHARACTERS = 6_000_000


def _keep(doc: SourceDoc) -> None:
    if len(doc.text) <= _WORKER["room"]:
        _WORKER["room"] -= len(doc.text)
        _WORKER["kept"][doc.path] = doc


class _Target(NamedTuple):
    """A file to scan, with the names the parent computed once (``relative`` and
    ``module_name_for`` resolve the path on disk: several system calls each)."""

    path: Path
    relative: str
    module: str


def _targets(files: list[Path], root: Path) -> list[_Target]:
    """``relative(p, root)`` and ``module_name_for(p, root)`` of every file, resolving each
    path once."""
    resolved_root = root.resolve()
    targets = []
    for p in files:
        resolved = p.resolve()
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError:
            rel = p.as_posix()
        module = ""
        if (kind_of(p) or "python") == "python":
            try:
                module = module_name_of(resolved.relative_to(resolved_root))
            except ValueError:
                module = module_name_of(Path(p.name))
        targets.append(_Target(p, rel, module))
    return targets


def _load_doc(target: _Target, config: Config, root: Path) -> SourceDoc | NotAnalysed:
    text = read_source(target.path, config)
    if isinstance(text, NotAnalysed):
        return NotAnalysed(target.relative, text.reason)
    kind = kind_of(target.path) or "python"
    try:
        return SourceDoc(text, target.relative, kind, target.module, root=root, interpreter=_WORKER.get("interpreter"))
    except Exception as exc:  # the parser itself gave up (nesting, memory)
        return NotAnalysed(target.relative, f"cannot parse: {exc}")


def _facts_task(target: _Target) -> tuple[str, str, str, dict[str, Any], bool] | None:
    doc = _load_doc(target, _WORKER["config"], _WORKER["root"])
    if isinstance(doc, NotAnalysed):
        return None
    failed: set[str] = set()
    facts = extract_facts(doc, failed)
    _keep(doc)  # the analysis reuses its tree, structure, names and access facts
    return doc.path, doc.digest, doc.module_name, facts, not failed


def _analyse_task(target: _Target) -> FileResult:
    config: Config = _WORKER["config"]
    doc = _WORKER["kept"].pop(target.relative, None) or _load_doc(target, config, _WORKER["root"])
    if isinstance(doc, NotAnalysed):
        return FileResult(doc.path, not_analysed=doc)
    analysis = analyze(doc, config, _WORKER["project"], doc.path)
    missed = NotAnalysed(doc.path, analysis.not_analysed) if analysis.not_analysed else None
    return FileResult(doc.path, analysis.findings, analysis.failures, missed, suppressed=analysis.suppressed)


class _Runner:
    """Runs the scan's tasks in this process, or in ``jobs`` fixed worker processes (started
    on first need: a warm re-scan analyses a few files and starts none), each file going back
    to the worker that indexed it and still holds its parsed document."""

    def __init__(self, jobs: int, config: Config, root: Path, interpreter: str | None = None) -> None:
        self.jobs, self.config, self.root, self.interpreter = jobs, config, root, interpreter
        self.workers: Workers | None = None
        self.holder: dict[str, int] = {}  # relative path → worker that loaded it
        _init_worker(config, root, None, interpreter)

    def run(
        self, task: Callable[[_Target], Any], targets: list[_Target], project: ProjectIndex | None = None,
        on_result: Callable[[], None] | None = None,
    ) -> list[Any]:
        """``task`` of every target, in the targets' order; ``project``: the index the
        analyses use (None while indexing)."""
        if self.workers is None and (self.jobs <= 1 or len(targets) < 8):
            _enter_analysis(project, freeze=False)
            found = []
            for target in targets:
                found.append(task(target))
                if on_result:
                    on_result()
            return found
        if self.workers is None:
            self.workers = Workers(self.jobs, _init_pool_worker, (self.config, self.root, None, self.interpreter))
        shares = self._shares(targets)
        done = self.workers.run(task, shares, (_enter_analysis, project, True), on_result and (lambda i, r: on_result()))
        _enter_analysis(project, freeze=False)
        results = []
        for index, target in enumerate(targets):
            if index not in done:  # its worker died: do it here
                done[index] = task(target)
                if on_result:
                    on_result()
            results.append(done[index])
        return results

    def _shares(self, targets: list[_Target]) -> list[list[tuple[int, _Target]]]:
        """Which worker does which target: the one that holds its document, else the least
        loaded, largest files first, so the workers finish at about the same time."""
        count = self.workers.count if self.workers else 1
        shares: list[list[tuple[int, _Target]]] = [[] for _ in range(count)]
        load = [0] * count
        sizes = [_size(t.path) for t in targets]
        for i in sorted(range(len(targets)), key=lambda i: -sizes[i]):
            worker = self.holder.get(targets[i].relative)
            if worker is None or worker >= count:
                worker = min(range(count), key=load.__getitem__)
                self.holder[targets[i].relative] = worker
            shares[worker].append((i, targets[i]))
            load[worker] += sizes[i]
        return shares

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()
        _WORKER.clear()  # kept documents of this scan


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# -- cache ----------------------------------------------------------------------------
def cache_home() -> Path:
    """The user's own cache folder (``$CODEWARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/codeward``
    or ``~/.cache/codeward``).

    Never inside the scanned tree: a repository must not be able to plant a cache file that
    the scanner would unpickle.
    """
    chosen = os.environ.get("CODEWARD_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codeward"


@functools.lru_cache(maxsize=1)
def _engine_stamp() -> str:
    """The size and modification time of every engine source and data file.

    The version alone does not change when a checkout or an editable install is updated, and
    results cached by older rules would then be served as if the new rules had made them.
    """
    engine = Path(__file__).parent
    stamp = hashlib.blake2b(digest_size=12)
    for path in sorted(engine.rglob("*")):
        if path.suffix in {".py", ".toml", ".json", ".txt"} and path.is_file():
            stat = path.stat()
            stamp.update(f"{path.relative_to(engine)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return stamp.hexdigest()


class _Cache:
    """Pickled results in the user's cache folder; any problem just means a miss.

    Only files this user owns and nobody else can write are loaded. Results whose fixes
    carry a secret (the value a fix moves to ``.env``) are never stored.
    """

    def __init__(self, root: Path, config: Config, enabled: bool, folder: Path | None = None, interpreter: str | None = None) -> None:
        self.enabled = enabled
        installed = f"{interpreter}|{installed_stamp(interpreter)}" if interpreter else ""
        key = f"{__version__}|{_engine_stamp()}|{installed}|{root}|{config.fingerprint}|{sorted(all_rules())}"
        self.file = (folder or cache_home()) / f"scan-{hashlib.blake2b(key.encode('utf-8', 'surrogateescape'), digest_size=12).hexdigest()}.pickle"
        self.facts: dict[str, tuple[Any, ...]] = {}  # path → (digest, module, facts, complete, meaning)
        #: path → (key, other files its findings show with their digests, result)
        self.results: dict[str, tuple[str, tuple[tuple[str, str], ...], FileResult]] = {}
        if enabled and _trusted(self.file):
            try:
                self.facts, self.results = _checked(pickle.loads(self.file.read_bytes()))
            except Exception:  # unreadable, another version's classes, or the wrong shape
                self.facts, self.results = {}, {}

    def store(self, key: str, result: FileResult, digests: dict[str, str]) -> None:
        if not any(e.sensitive for f in result.findings if f.fix for e in f.fix.file_edits):
            shown = tuple((path, digests.get(path, "")) for path in sorted(_files_shown(result)))
            self.results[result.path] = (key, shown, result)

    def result(self, path: str, key: str, digests: dict[str, str]) -> FileResult | None:
        """The stored result of ``path`` if it was made under ``key`` and every other file
        its findings show (flow steps into them) still has the same content."""
        hit = self.results.get(path)
        if hit is None or hit[0] != key or any(digests.get(other, "") != digest for other, digest in hit[1]):
            return None
        return hit[2]

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


def _environment(targets: list[_Target], root: Path) -> str:
    """The dependency files and virtualenvs of every folder from a scanned file up to ``root``."""
    folders: set[Path] = set()
    for target in targets:
        for folder in target.path.parents:
            if folder in folders:
                break
            folders.add(folder)
            if folder == root:
                break
    return environment_stamp(folders)


def _files_shown(result: FileResult) -> set[str]:
    """Other files whose positions the result shows through a flow step (a message naming a
    position in another file, "app/db.py line 12", comes with a step into it). Such a result
    depends on where things sit in that file, which the position-free project digest does
    not see."""
    shown = {step.path for f in result.findings + result.suppressed for step in f.flow if step.path}
    shown.discard(result.path)
    return shown


def _checked(payload: Any) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[str, tuple[tuple[str, str], ...], FileResult]]]:
    """``payload`` when it has the shape :meth:`_Cache.save` writes, else ValueError.

    A valid pickle of another shape (an older layout, a file someone else wrote there before
    it was owned by this user) crashed the scan when its entries were used.
    """
    facts, results = payload
    if not isinstance(facts, dict) or not isinstance(results, dict):
        raise ValueError("not a codeward cache")
    for path, entry in facts.items():
        if not (isinstance(path, str) and isinstance(entry, tuple) and len(entry) == 5 and isinstance(entry[1], str)
                and isinstance(entry[2], dict) and isinstance(entry[4], str)):
            raise ValueError("not a codeward cache")
    for path, entry in results.items():
        if not (isinstance(path, str) and isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], str)
                and isinstance(entry[1], tuple) and all(isinstance(p, str) and isinstance(d, str) for p, d in entry[1])
                and isinstance(entry[2], FileResult)):
            raise ValueError("not a codeward cache")
    return facts, results


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by nobody else (so nobody else chose its content)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


#: Files larger than this are not analysed anyway; their digest is only a cache key.
_MAX_DIGESTED = 64 * 1024 * 1024


def _digest_file(path: Path) -> str:
    try:
        return hashlib.blake2b(read_regular(path, _MAX_DIGESTED), digest_size=16).hexdigest()
    except OSError:
        return ""


def scan(
    paths: Iterable[Path],
    config: Config,
    jobs: int = 1,
    use_cache: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    interpreter: str | None = None,
) -> ScanResult:
    """Scan files and folders; never raises for a problem in a scanned file. ``cache_dir``:
    where the results cache lives instead of :func:`cache_home` (``--cache-dir``);
    ``interpreter``: the project's Python the user named (``--interpreter``), whose installed
    packages CW610–CW612 and type lookups read."""
    path_list = list(paths) or [Path(".")]
    root = scan_root(path_list)
    kinds = kinds_to_read(frozenset(k for r in all_rules().values() for k in r.kinds if config.is_enabled(r.code)))
    skipped: list[NotAnalysed] = []
    files = list(discover(path_list, config, kinds, skipped))
    result = ScanResult(root=root, files=len(files))
    cache = _Cache(root, config, use_cache, cache_dir, interpreter)
    digests = {p: _digest_file(p) for p in files} if use_cache else {}

    project = ProjectIndex(root)
    targets = _targets(files, root)
    runner = _Runner(jobs, config, root, interpreter)
    try:
        results = _index_and_analyse(targets, project, runner, cache, digests, use_cache, on_progress)
    finally:
        runner.close()
    cache.save()
    results += [FileResult(relative(Path(n.path), root), not_analysed=NotAnalysed(relative(Path(n.path), root), n.reason)) for n in skipped]
    for file_result in sorted(results, key=lambda r: r.path):
        result.findings.extend(file_result.findings)
        result.failures.extend(file_result.failures)
        result.suppressed.extend(file_result.suppressed)
        if file_result.not_analysed:
            result.not_analysed.append(file_result.not_analysed)
    result.findings.sort(key=lambda f: f.sort_key)
    result.suppressed.sort(key=lambda f: f.sort_key)
    result.project = project
    return result


def _index_and_analyse(
    targets: list[_Target], project: ProjectIndex, runner: _Runner, cache: _Cache, digests: dict[Path, str],
    use_cache: bool, on_progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    """Both phases: facts of every Python file into ``project`` (cached facts for unchanged
    files), then the result of every file whose cached result does not hold."""
    if FACT_EXTRACTORS:
        todo = []
        for target in targets:
            if kind_of(target.path) != "python":
                continue
            cached = cache.facts.get(target.relative)
            if cached and cached[0] == digests.get(target.path):
                project.set_facts(target.relative, cached[0], cached[1], cached[2], complete=cached[3] is True)
                project.files[target.relative].meaning = cached[4]
            else:
                todo.append(target)
        for source, item in zip(todo, runner.run(_facts_task, todo)):
            if item is not None:
                path, digest, module, facts, complete = item
                project.set_facts(path, digest, module, facts, complete)
                if use_cache:
                    cache.facts[path] = (digests.get(source.path, ""), module, facts, complete, meaning_of(project.files[path]))

    # Findings depend on the other files' facts for what they say, not where they sit, and
    # on the dependencies declared or installed beside them (CW610, CW611).
    project_digest = f"{project.meaning_digest}|{_environment(targets, project.root)}" if use_cache else ""
    by_relative = {t.relative: digests.get(t.path, "") for t in targets}
    todo_targets: list[_Target] = []
    results: list[FileResult] = []
    for target in targets:
        hit = cache.result(target.relative, f"{digests.get(target.path)}|{project_digest}", by_relative) if use_cache else None
        if hit is not None:
            results.append(hit)
        else:
            todo_targets.append(target)
    done = 0

    def progress() -> None:
        nonlocal done
        done += 1
        if on_progress:
            on_progress(done, len(todo_targets))

    for file_result, target in zip(runner.run(_analyse_task, todo_targets, project, progress), todo_targets):
        results.append(file_result)
        if use_cache and file_result.not_analysed is None:
            cache.store(f"{digests.get(target.path)}|{project_digest}", file_result, by_relative)
    return results
