"""What a project declares it depends on: requirements files, pyproject.toml, setup.cfg,
setup.py and Pipfile, read as text (a ``setup.py`` is parsed, never run).

Names are normalised as packaging does (PEP 503: lower case, runs of ``-_.`` as ``-``), so
``Flask_Login`` declared matches ``flask-login``. Results are cached per file version.
"""

from __future__ import annotations

import ast
import configparser
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MAX_FILES = 40


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(root: Path | None) -> frozenset[str] | None:
    """Normalised names of every declared distribution under ``root``; None when the
    project declares none (no dependency file, or only tool settings in pyproject.toml):
    nothing to judge an import by."""
    if root is None:
        return None
    files = _dependency_files(root)
    if not files:
        return None
    names: set[str] = set()
    for path in files:
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            continue
        names |= _declared_in(str(path), stamp)
    return frozenset(names) or None  # a pyproject.toml for tool settings only declares nothing


_DEPENDENCY_NAME = re.compile(r"^(?:requirements.*\.(?:txt|in)|pyproject\.toml|setup\.cfg|setup\.py|Pipfile)$")
_VENV_NAMES = (".venv", "venv", "env", ".env")


def environment_stamp(folders: Iterable[Path]) -> str:
    """A digest of what CW610/CW611 judge imports by, beside the scanned files: the
    dependency files in ``folders`` (and their ``requirements/`` folders) and the package
    folders of virtualenvs there. A scan cache keyed by it drops results when a dependency
    is declared or installed. One directory listing per folder; nothing is read."""
    digest = hashlib.blake2b(digest_size=12)
    for folder in sorted(set(folders)):
        for path in _stamped(folder):
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path}|{stat.st_mtime_ns}|{stat.st_size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stamped(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found: list[Path] = []
    for entry in entries:
        if _DEPENDENCY_NAME.match(entry.name):
            found.append(Path(entry.path))
        elif entry.name == "requirements" and entry.is_dir(follow_symlinks=False):
            found += [p for p in Path(entry.path).glob("*.txt")]
        elif entry.name in _VENV_NAMES and entry.is_dir(follow_symlinks=False):
            found += sorted(Path(entry.path).glob("lib*/python3*/site-packages")) + sorted(Path(entry.path).glob("Lib/site-packages"))
    return sorted(found)


def _dependency_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for pattern in ("requirements*.txt", "requirements/*.txt", "*/requirements*.txt", "pyproject.toml", "*/pyproject.toml",
                    "setup.cfg", "setup.py", "Pipfile", "requirements*.in", "*/requirements*.in"):
        try:
            found.extend(p for p in sorted(root.glob(pattern)) if p.is_file() and not p.is_symlink())
        except OSError:
            continue
    return found[:_MAX_FILES]


@lru_cache(maxsize=256)
def _declared_in(path: str, stamp: int) -> frozenset[str]:
    """Declared names of one file (``stamp``: its modification time, the cache key)."""
    del stamp
    file = Path(path)
    try:
        text = file.read_text("utf-8", errors="replace")
    except OSError:
        return frozenset()
    if file.name == "pyproject.toml":
        return frozenset(_pyproject(text))
    if file.name == "setup.cfg":
        return frozenset(_setup_cfg(text))
    if file.name == "setup.py":
        return frozenset(_setup_py(text))
    if file.name == "Pipfile":
        return frozenset(_pipfile(text))
    return frozenset(_requirements(text.splitlines()))


def _requirements(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()  # a comment; "#egg=" is part of a URL
        if "egg=" in line:
            line = line.split("egg=", 1)[1]
        elif not line or line.startswith("-") or "://" in line:
            continue
        match = _REQUIREMENT_NAME.match(line)
        if match:
            names.add(normalise(match.group(1)))
    return names


def _pyproject(text: str) -> set[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    project = data.get("project", {})
    specs: list[str] = list(project.get("dependencies", []) or [])
    for group in (project.get("optional-dependencies", {}) or {}).values():
        specs += list(group or [])
    for group in (data.get("dependency-groups", {}) or {}).values():
        specs += [s for s in group or [] if isinstance(s, str)]
    names = _requirements([s for s in specs if isinstance(s, str)])
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in (poetry.get("group", {}) or {}).values() if isinstance(g, dict)]
    for table in tables:
        if isinstance(table, dict):
            names |= {normalise(name) for name in table if name.lower() != "python"}
    return names


def _setup_cfg(text: str) -> set[str]:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return set()
    lines: list[str] = []
    if parser.has_option("options", "install_requires"):
        lines += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            lines += value.splitlines()
    return _requirements(lines)


def _setup_py(text: str) -> set[str]:
    """String literals of ``install_requires``/``extras_require``/``requires`` lists."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    specs: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "extras_require", "tests_require", "requires"):
            specs += [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return _requirements(specs)


def _pipfile(text: str) -> set[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    return {normalise(name) for section in ("packages", "dev-packages") for name in (data.get(section) or {})}
