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
from .reading import TooLarge, read_regular, read_regular_text

#: A .gitignore larger than this is not read (real ones are a few KB).
_MAX_IGNORE_FILE = 1024 * 1024

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
                lines = read_regular_text(gitignore, _MAX_IGNORE_FILE, errors="replace").splitlines()
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


def discover(
    paths: list[Path], config: Config, kinds: frozenset[str], skipped: list[NotAnalysed] | None = None
) -> Iterator[Path]:
    """Files of the given kinds under ``paths``, sorted, without ignored ones.

    A file named explicitly is yielded whatever the walk would skip (naming it is intent), and
    read as Python when its name has no extension (a script such as ``bin/serve``). A named
    file with an extension no rule reads (``README.md``) is reported in ``skipped`` instead:
    read as Python, its prose would get suppression findings and ``--fix`` would rewrite it.
    Folders and files that cannot be listed or looked at (no permission, a path longer than
    the system allows) are added to ``skipped`` with the reason, and the walk goes on.
    """
    seen: set[Path] = set()
    for start in paths:
        try:
            named_file = start.is_file()
        except OSError as exc:
            _skip(skipped, start, exc)
            continue
        if named_file:
            if kind_of(start) is None and start.suffix:
                if skipped is not None:
                    skipped.append(NotAnalysed(str(start), f"not a file kind codeward reads (`{start.suffix}`)"))
                continue
            if start not in seen:
                seen.add(start)
                yield start
            continue
        start = start.absolute()  # ignore rules are anchored at absolute folders
        rules = _IgnoreRules(start, config)
        try:
            for parent in reversed([start, *start.resolve().parents][: _repo_depth(start)]):
                rules.load_dir(parent)
            if rules.ignored(start, True):
                # Naming an ignored folder is intent (like naming a file): scan it, honouring
                # only the .gitignore files inside it.
                rules = _IgnoreRules(start, Config())
                rules.load_dir(start)
        except OSError as exc:
            _skip(skipped, start, exc)
            continue
        for found in _walk(start, rules, kinds, skipped):
            if found not in seen:
                seen.add(found)
                yield found


def _skip(skipped: list[NotAnalysed] | None, path: Path, exc: OSError) -> None:
    if skipped is not None:
        skipped.append(NotAnalysed(str(path), f"cannot read: {exc.strerror or exc}"))


def _repo_depth(start: Path) -> int:
    """How many folders from ``start`` upwards to the git root (to read their .gitignore)."""
    for depth, directory in enumerate([start.resolve(), *start.resolve().parents], 1):
        if (directory / ".git").exists():
            return depth
    return 1


def _walk(top: Path, rules: _IgnoreRules, kinds: frozenset[str], skipped: list[NotAnalysed] | None) -> Iterator[Path]:
    """Depth first in name order, from a stack of folder listings rather than recursion (a
    hostile tree can be thousands of folders deep)."""
    stack = [_listing(top, rules, skipped)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or rules.ignored(path, True):
                    continue
                if (path / "pyvenv.cfg").exists():
                    continue
                stack.append(_listing(path, rules, skipped))
            elif entry.is_file() and kind_of(path) in kinds and not rules.ignored(path, False):
                yield path
        except OSError as exc:
            _skip(skipped, path, exc)


def _listing(directory: Path, rules: _IgnoreRules, skipped: list[NotAnalysed] | None) -> Iterator[os.DirEntry]:
    """The entries of ``directory`` in name order (none, noted in ``skipped``, when it
    cannot be read), after loading its .gitignore."""
    try:
        if directory != rules.root:
            rules.load_dir(directory)
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        _skip(skipped, directory, exc)
        return iter(())
    return iter(entries)


def read_source(path: Path, config: Config) -> str | NotAnalysed:
    """The text of ``path``, or why it cannot be analysed."""
    try:
        data = read_regular(path, config.max_file_size)
    except TooLarge as exc:
        return NotAnalysed(str(path), f"file is larger than the {_size(config.max_file_size)} limit ({_size(exc.size)})")
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
