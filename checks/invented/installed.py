"""What the configured interpreter has installed, from distribution metadata on disk.

Only the interpreter the user named (the ``interpreter`` setting) counts: the tool's own
environment says nothing about the analysed project. Its ``site-packages`` folders are
found next to it (a virtualenv's ``lib/pythonX.Y/site-packages``), and each distribution's
import names come from ``top_level.txt`` or the first path parts of its ``RECORD``; plain
modules and packages lying in ``site-packages`` count too. Nothing is imported or run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .dependencies import normalise


def importable(interpreter: str | None) -> tuple[frozenset[str], frozenset[str]] | None:
    """(top-level import names, normalised distribution names) installed for
    ``interpreter``; None when no interpreter is configured or none of its folders exist."""
    if not interpreter:
        return None
    folders = site_packages(Path(interpreter))
    if not folders:
        return None
    return _scan(tuple(str(f) for f in folders), _stamp(folders))


def installed_stamp(interpreter: str) -> str:
    """The modification times of ``interpreter``'s package folders: installing or removing
    a package changes them, so a scan cache keyed by it re-judges imports."""
    return _stamp(site_packages(Path(interpreter)))


def _stamp(folders: list[Path]) -> str:
    stamps = []
    for folder in folders:
        try:
            stamps.append(f"{folder}:{folder.stat().st_mtime_ns}")
        except OSError:
            continue
    return ";".join(stamps)


def site_packages(interpreter: Path) -> list[Path]:
    base = interpreter if interpreter.is_dir() else interpreter.parent.parent
    found: list[Path] = []
    for pattern in ("lib/python3*/site-packages", "lib64/python3*/site-packages", "Lib/site-packages"):
        found += [p for p in sorted(base.glob(pattern)) if p.is_dir()]
    return found


@lru_cache(maxsize=8)
def _scan(folders: tuple[str, ...], stamp: str) -> tuple[frozenset[str], frozenset[str]]:
    """``stamp`` (the folders' modification times) keys the memo: a package installed while
    the language server runs is seen at the next analysis."""
    modules: set[str] = set()
    distributions: set[str] = set()
    for folder in map(Path, folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith((".dist-info", ".egg-info")):
                distributions.add(normalise(name.split("-", 1)[0]))
                modules |= _top_level(entry)
            elif entry.is_dir() and name.isidentifier():
                modules.add(name)
            elif name.endswith(".py") and name[:-3].isidentifier():
                modules.add(name[:-3])
            elif name.endswith(".pth") is False and ".cpython-" in name:
                modules.add(name.split(".", 1)[0])
    return frozenset(modules), frozenset(distributions)


def _top_level(info: Path) -> set[str]:
    try:
        text = (info / "top_level.txt").read_text("utf-8", errors="replace")
        return {line.strip() for line in text.splitlines() if line.strip().isidentifier()}
    except OSError:
        pass
    try:
        record = (info / "RECORD").read_text("utf-8", errors="replace")
    except OSError:
        return set()
    names = set()
    for line in record.splitlines():
        first = line.split(",", 1)[0].split("/", 1)[0]
        if first.endswith(".py"):
            first = first[:-3]
        if first.isidentifier():
            names.add(first)
    return names
