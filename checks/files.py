"""Finding files to scan and reading them safely.

Discovery honours ``.gitignore`` files (each applies below its own folder), the configured
``exclude`` patterns, and skips virtual environments and tool caches. Reading never raises:
an oversized, binary or undecodable file becomes a :class:`NotAnalysed` with the reason.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path, PurePath

import pathspec

from .config import Config
from .model import NotAnalysed

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs", "build", "dist",
})

#: Rules files AI assistants read (checked for hidden characters that smuggle instructions).
_INSTRUCTION_FILES = frozenset({
    "agents.md", "claude.md", "gemini.md", "copilot-instructions.md", ".cursorrules", ".windsurfrules", ".clinerules",
})
_EXTENSION_KINDS = {
    ".py": "python", ".pyw": "python",
    ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json",
    ".ini": "ini", ".cfg": "ini",
    ".html": "template", ".htm": "template", ".jinja": "template", ".jinja2": "template", ".j2": "template",
    ".djhtml": "template",
}
#: Extensions that are templates only inside a ``templates`` folder (elsewhere too generic).
_TEMPLATE_FOLDER_EXTENSIONS = frozenset({".tpl", ".tmpl"})


def kind_of(path: Path | str) -> str | None:
    """The document kind of a file name (``python``, ``toml``, ``env``, ``template``...), or None."""
    pure = path if isinstance(path, PurePath) else PurePath(path)
    kind = _kind_of_name(pure.name)
    if kind is None and "templates" in pure.parts[:-1] and pure.suffix.lower() in _TEMPLATE_FOLDER_EXTENSIONS:
        return "template"
    return kind


@lru_cache(maxsize=4096)
def _kind_of_name(name: str) -> str | None:
    """Cached: a scan asks about every file several times, and names repeat."""
    lower = name.lower()
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "env"
    if lower in _INSTRUCTION_FILES or lower.endswith((".mdc", ".instructions.md", ".prompt.md")):
        return "instructions"
    return _EXTENSION_KINDS.get(Path(lower).suffix)


class _IgnoreRules:
    """Accumulated .gitignore specs, each anchored at the folder that holds it."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.specs: list[tuple[Path, pathspec.PathSpec]] = []
        base = config.root or root
        self.exclude = (base, pathspec.GitIgnoreSpec.from_lines(config.exclude)) if config.exclude else None

    def load_dir(self, directory: Path) -> None:
        gitignore = directory / ".gitignore"
        if gitignore.is_file():
            try:
                lines = gitignore.read_text("utf-8", errors="replace").splitlines()
            except OSError:
                return
            self.specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for anchor, spec in ([*self.specs, self.exclude] if self.exclude else self.specs):
            try:
                rel = path.relative_to(anchor).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False


def discover(paths: list[Path], config: Config, kinds: frozenset[str]) -> Iterator[Path]:
    """Files of the given kinds under ``paths``, sorted, without ignored ones.

    A file named explicitly is always yielded (like ruff and git, naming it is intent).
    """
    seen: set[Path] = set()
    for start in paths:
        if start.is_file():
            if start not in seen:
                seen.add(start)
                yield start
            continue
        start = start.absolute()  # ignore rules are anchored at absolute folders
        rules = _IgnoreRules(start, config)
        for parent in reversed([start, *start.resolve().parents][: _repo_depth(start)]):
            rules.load_dir(parent)
        if rules.ignored(start, True):
            # Naming an ignored folder is intent (like naming a file): scan it, honouring only
            # the .gitignore files inside it.
            rules = _IgnoreRules(start, Config())
            rules.load_dir(start)
        for found in _walk(start, rules, kinds):
            if found not in seen:
                seen.add(found)
                yield found


def _repo_depth(start: Path) -> int:
    """How many folders from ``start`` upwards to the git root (to read their .gitignore)."""
    for depth, directory in enumerate([start.resolve(), *start.resolve().parents], 1):
        if (directory / ".git").exists():
            return depth
    return 1


def _walk(directory: Path, rules: _IgnoreRules, kinds: frozenset[str]) -> Iterator[Path]:
    if directory != rules.root:
        rules.load_dir(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or rules.ignored(path, True):
                continue
            if (path / "pyvenv.cfg").exists():
                continue
            yield from _walk(path, rules, kinds)
        elif entry.is_file() and kind_of(path) in kinds and not rules.ignored(path, False):
            yield path


def read_source(path: Path, config: Config) -> str | NotAnalysed:
    """The text of ``path``, or why it cannot be analysed."""
    try:
        size = path.stat().st_size
        if size > config.max_file_size:
            return NotAnalysed(str(path), f"file is larger than the {_size(config.max_file_size)} limit ({_size(size)})")
        data = path.read_bytes()
    except OSError as exc:
        return NotAnalysed(str(path), f"cannot read file: {exc.strerror or exc}")
    return decode(data, str(path), kind_of(path) == "python")


_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def decode(data: bytes, path: str, python: bool) -> str | NotAnalysed:
    """Decode file bytes honouring a PEP 263 coding cookie for Python files."""
    if b"\x00" in data[:8192]:
        return NotAnalysed(path, "binary file (contains NUL bytes)")
    encoding = "utf-8"
    if python:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            if _CODING_COOKIE.search(b"\n".join(data.split(b"\n", 2)[:2])):
                return NotAnalysed(path, "bad encoding declaration (unknown codec or text that does not match it)")
            return NotAnalysed(path, "not valid utf-8 text")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return NotAnalysed(path, f"not valid {encoding} text")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        return NotAnalysed(path, "binary file (contains NUL bytes)")
    return text


def _size(count: int) -> str:
    """A byte count people can read: "900 bytes", "12 KiB", "2.5 MiB" (never "0 KiB")."""
    if count < 1024:
        return f"{count} byte{'s' if count != 1 else ''}"
    if count < 1024 * 1024:
        return f"{count / 1024:.3g} KiB"
    return f"{count / (1024 * 1024):.3g} MiB"


def kinds_to_read(rule_kinds: frozenset[str]) -> frozenset[str]:
    """The document kinds a scan must read for rules of ``rule_kinds``: templates are judged
    with the views that render them, so Python files are read (and indexed) too."""
    return rule_kinds | {"python"} if "template" in rule_kinds else rule_kinds
