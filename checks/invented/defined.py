"""What an installed module defines, read from its source file (never imported or run).

A module's names are what its top level binds: definitions, assignments, imports (in every
branch of ``if``/``try``), names pulled in by ``from .sub import *`` of modules that are also
readable, plus the submodules of a package. Where Python decides at run time, the answer is
"unknown" (None) and nothing is judged: a compiled module, a module ``__getattr__`` that
answers more than a fixed set of names, ``globals()`` writes, a star import that cannot be
read.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

#: Larger module files are not read (a generated table is no API to check against).
_MAX_BYTES = 2_000_000
_DIST_INFO = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-(?P<version>[0-9][^-]*)\.dist-info$")


def module_file(folders: tuple[Path, ...], dotted: str) -> Path | None:
    """The source file of ``dotted`` (``werkzeug.security``) in the first folder that has it."""
    parts = dotted.split(".")
    for folder in folders:
        base = folder.joinpath(*parts)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file() and not candidate.is_symlink():
                return candidate
    return None


def defined_names(path: Path) -> frozenset[str] | None:
    """Every name module ``path`` defines, or None when that cannot be known statically."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _defined(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _defined(path: str, _mtime: int, size: int, _depth: int = 0) -> frozenset[str] | None:
    if size > _MAX_BYTES or _depth > 4:
        return None
    file = Path(path)
    try:
        tree = ast.parse(file.read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    names: set[str] = set()
    for statement in _top_level(tree.body):
        found = _bound(statement, file, _depth)
        if found is None:
            return None
        names |= found
    if file.name == "__init__.py":
        names |= _submodules(file.parent)
    return frozenset(names)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import time: the module body and every branch of its ``if``,
    ``try`` and ``with`` blocks."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, ast.If):
            found += _top_level(statement.body) + _top_level(statement.orelse)
        elif isinstance(statement, ast.Try):
            blocks = [statement.body, statement.orelse, statement.finalbody, *(h.body for h in statement.handlers)]
            found += [s for block in blocks for s in _top_level(block)]
        elif isinstance(statement, (ast.With, ast.For, ast.While)):
            found += _top_level(statement.body) + _top_level(getattr(statement, "orelse", []))
    return found


def _bound(statement: ast.stmt, file: Path, depth: int) -> set[str] | None:
    """Names one statement binds (None: the module's namespace is decided at run time)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if statement.name == "__getattr__":
            return _getattr_names(statement)
        return {statement.name}
    if isinstance(statement, ast.ClassDef):
        return {statement.name}
    if isinstance(statement, ast.Import):
        return {alias.asname or alias.name.split(".")[0] for alias in statement.names}
    if isinstance(statement, ast.ImportFrom):
        if any(alias.name == "*" for alias in statement.names):
            return _star(statement, file, depth)
        return {alias.asname or alias.name for alias in statement.names}
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [item.optional_vars for item in statement.items if item.optional_vars] if isinstance(statement, ast.With)
            else [statement.target])
        return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}
    if isinstance(statement, ast.Expr) and _dynamic(statement.value):
        return None
    return set()


def _dynamic(expression: ast.expr) -> bool:
    """``globals().update(...)``, ``exec(...)``, ``sys.modules[...]`` rewrites: run-time names."""
    text = ast.dump(expression)
    return "'globals'" in text or "'exec'" in text or "'setattr'" in text


def _getattr_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """A module ``__getattr__`` that answers a fixed set of names (deprecation shims:
    ``if name == "escape": ...``) and raises ``AttributeError`` for the rest adds those
    names; any other ``__getattr__`` (a table lookup, an import by name) makes the module's
    names unknowable."""
    last = function.body[-1] if function.body else None
    if not (isinstance(last, ast.Raise) and "AttributeError" in ast.dump(last)) or not function.args.args:
        return None
    parameter = function.args.args[0].arg
    parents = {id(child): node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    in_raise = {id(node) for node in ast.walk(last)}
    names: set[str] = set()
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == parameter) or id(node) in in_raise:
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.FormattedValue):
            continue  # only printed in a message
        if not isinstance(parent, ast.Compare) or parent.left is not node:
            return None
        for operand in parent.comparators:
            literals = operand.elts if isinstance(operand, (ast.Tuple, ast.List, ast.Set)) else [operand]
            if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in literals):
                return None
            names |= {e.value for e in literals}  # type: ignore[union-attr]
    return names


def _star(statement: ast.ImportFrom, file: Path, depth: int) -> set[str] | None:
    """``from .sub import *`` within the same installed package (absolute ones: unknown)."""
    if not statement.level:
        return None
    base = file.parent
    for _ in range(statement.level - 1):
        base = base.parent
    target = base.joinpath(*(statement.module or "").split(".")) if statement.module else base
    source = next((c for c in (target / "__init__.py", target.with_suffix(".py")) if c.is_file()), None)
    if source is None:
        return None
    stat = source.stat()
    names = _defined(str(source), stat.st_mtime_ns, stat.st_size, depth + 1)
    return None if names is None else {n for n in names if not n.startswith("_")}


def _submodules(package: Path) -> set[str]:
    """``from flask import json``: a package's submodules are importable names of it."""
    try:
        entries = list(package.iterdir())
    except OSError:
        return set()
    found = set()
    for entry in entries:
        stem = entry.name.split(".", 1)[0]
        if not stem.isidentifier() or stem == "__init__":
            continue
        if entry.is_dir() and (entry / "__init__.py").is_file():
            found.add(stem)
        elif entry.suffix in (".py", ".pyi", ".so", ".pyd") and entry.is_file():
            found.add(stem)
    return found


def distribution_version(folders: tuple[Path, ...], distribution: str) -> tuple[int, ...] | None:
    """The installed version of ``distribution`` (``PyJWT`` → (2, 8, 0)), from its
    ``.dist-info`` folder name."""
    wanted = distribution.lower().replace("-", "_")
    for folder in folders:
        try:
            entries = [entry.name for entry in folder.iterdir()]
        except OSError:
            continue
        for name in entries:
            match = _DIST_INFO.match(name)
            if match and match["name"].lower().replace("-", "_") == wanted:
                numbers = re.findall(r"\d+", match["version"])[:3]
                return tuple(int(n) for n in numbers)
    return None
