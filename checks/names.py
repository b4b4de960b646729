"""Cheap name resolution: what does this expression refer to, as a dotted path?

``from flask import request as r`` makes ``r.args`` resolve to ``flask.request.args``;
``import sqlite3 as db; cur = db.connect(p).cursor()`` makes ``cur.execute`` resolve to
``sqlite3.Cursor.execute``. Resolution uses the import map, single assignments in the
enclosing function or module, parameter annotations and the return types declared in the
knowledge data (``[[types]]`` rows). A call of an unknown function ``f`` resolves to ``f()``,
so data files can name call results (``flask.request.get_json()``). Builtins resolve to their
bare name (``eval``, ``open``). Nothing here imports or runs analysed code.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping

from .knowledge import Row

_BUILTINS = frozenset(dir(builtins))
_AMBIGUOUS = object()
_UNKNOWN = object()
_MAX_DEPTH = 12

Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef


class NameResolver:
    """Resolves expressions of one module to dotted paths."""

    def __init__(self, tree: ast.Module, return_types: Mapping[str, Row], module_name: str = "", text: str | None = None, package: bool = False) -> None:
        self.tree = tree
        self.return_types = return_types
        self.module_name = module_name
        #: The module is a package's ``__init__``: ``from .x import y`` is relative to itself.
        self.package = package
        self.imports: dict[str, str] = {}
        #: Top-level modules imported anywhere in the file: a call can only resolve into a
        #: library the file imports, so rules skip whole files cheaply.
        self.imported_roots: set[str] = set()
        # Walrus targets and lambdas hide inside expressions; only look when the text has them.
        # 1-based lines that mention one (None: unknown text, look everywhere).
        self._nested_lines: set[int] | None = None if text is None else {
            number for number, line in enumerate(text.splitlines(), 1) if ":=" in line or "lambda" in line
        } if ":=" in text or "lambda" in text else set()
        self._bindings: dict[int, dict[str, object]] = {}
        #: The scope each nested function or lambda is defined in (closures read its names).
        self._enclosing: dict[int, Scope] = {}
        self._names: dict[tuple[str, int, int], object] = {}
        self._collect_scopes(tree)

    def star_modules(self) -> list[str]:
        """Modules whose names the module takes in bulk (``from api_routes import *``), in order.
        A name bound nowhere here may come from any of them."""
        return [absolute_module(node, self.module_name, self.package) for node in self.tree.body
                if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)]

    def is_bound(self, name: str) -> bool:
        """Whether ``name`` is bound at the module's top level (ambiguously or not)."""
        return name in self._bindings.get(id(self.tree), {})

    # -- building ---------------------------------------------------------------------
    def _collect_scopes(self, tree: ast.Module) -> None:
        """Every scope's bindings, from a worklist (not recursion): 2,000 nested lambdas or
        functions are valid code, and must not exhaust the interpreter's stack."""
        pending: list[Scope] = [tree]
        while pending:
            pending.extend(self._collect_scope(pending.pop()))

    def _collect_scope(self, scope: Scope) -> list[Scope]:
        """Bind the names of ``scope``; returns the scopes nested directly in it."""
        nested: list[Scope] = []
        bindings: dict[str, object] = {}
        self._bindings[id(scope)] = bindings
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for arg in _all_args(scope.args):
                _bind(bindings, arg.arg, arg)
        body = scope.body if isinstance(scope.body, list) else [scope.body]
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                _bind(bindings, node.name, node)
                for deco in node.decorator_list:
                    stack.append(deco)
                self._enter_scope(node, scope)
                nested.append(node)
                continue
            if isinstance(node, ast.Lambda):
                self._enter_scope(node, scope)
                nested.append(node)
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._import(scope, bindings, alias.asname, alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self._import(scope, bindings, top, top)
            elif isinstance(node, ast.ImportFrom):
                base = absolute_module(node, self.module_name, self.package)
                for alias in node.names:
                    if alias.name != "*":
                        full = f"{base}.{alias.name}" if base else alias.name
                        self._import(scope, bindings, alias.asname or alias.name, full)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        _bind(bindings, target.id, node.value)
                    else:
                        for name in _target_names(target):
                            bindings[name] = _AMBIGUOUS
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
                if isinstance(node, ast.AnnAssign):
                    _bind(bindings, node.target.id, node.value if node.value is not None else node.annotation)
                else:
                    bindings[node.target.id] = _AMBIGUOUS
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                _bind(bindings, node.target.id, node.value)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        _bind(bindings, item.optional_vars.id, item.context_expr)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                for name in _target_names(node.target):
                    bindings[name] = _AMBIGUOUS
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr) and not self._may_nest(child):
                    continue
                if isinstance(child, ast.expr) and not isinstance(child, (ast.NamedExpr, ast.Lambda)):
                    # Walrus and lambdas hide in expressions; look for them cheaply.
                    stack.extend(_walrus_and_lambdas(child))
                else:
                    stack.append(child)
        return nested

    def _enter_scope(self, node: Scope, outer: Scope) -> None:
        """Record the scope enclosing ``node`` (its bindings are collected from the worklist)."""
        # A class body is not an enclosing scope for the functions in it (Python skips it).
        if isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self._enclosing[id(node)] = outer
        elif id(outer) in self._enclosing:
            self._enclosing[id(node)] = self._enclosing[id(outer)]

    def _frames(self, scope: Scope) -> list[Scope]:
        """Where a name used in ``scope`` may be bound: the scope, the functions around it
        (closures), the module."""
        frames = [scope]
        outer = self._enclosing.get(id(scope))
        while outer is not None and len(frames) < _MAX_DEPTH:
            frames.append(outer)
            outer = self._enclosing.get(id(outer))
        if scope is not self.tree:
            frames.append(self.tree)
        return frames

    def import_target(self, name: str, scope: Scope | None = None) -> str | None:
        """The module or object ``name`` imports when an ``import`` binds it where ``scope``
        reads it (also an import inside a function body), else None."""
        for frame in self._frames(scope or self.tree):
            values = self._bindings.get(id(frame), {}).get(name)
            if values is None:
                continue
            if values is _AMBIGUOUS:
                return None
            targets = {value[1] if isinstance(value, tuple) else None for value in values}  # type: ignore[union-attr]
            return targets.pop() if len(targets) == 1 else None
        return None

    def _may_nest(self, expr: ast.expr) -> bool:
        """Whether ``expr``'s lines mention a walrus or lambda (only those are walked)."""
        if self._nested_lines is None:
            return True
        if not self._nested_lines:
            return False
        end = getattr(expr, "end_lineno", None) or expr.lineno
        return any(line in self._nested_lines for line in range(expr.lineno, end + 1))

    def _import(self, scope: Scope, bindings: dict[str, object], name: str, target: str) -> None:
        self.imported_roots.add(target.split(".")[0])
        if scope is self.tree:
            self.imports[name] = target
        _bind(bindings, name, ("import", target))

    # -- queries ----------------------------------------------------------------------
    def resolve(self, expr: ast.AST | None, scope: Scope | None = None) -> str | None:
        """The dotted path of ``expr`` seen from ``scope`` (default: module), or None."""
        return self._resolve(expr, scope or self.tree, 0)

    def _resolve(self, expr: ast.AST | None, scope: Scope, depth: int) -> str | None:
        if expr is None or depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            return self._resolve_name(expr.id, scope, depth)
        if isinstance(expr, ast.Attribute):
            base = self._resolve(expr.value, scope, depth + 1)
            return self._normalise(f"{base}.{expr.attr}") if base else None
        if isinstance(expr, ast.Call):
            func = self._resolve(expr.func, scope, depth + 1)
            return self._normalise(f"{func}()") if func else None
        if isinstance(expr, ast.Await):
            return self._resolve(expr.value, scope, depth + 1)
        if isinstance(expr, ast.Subscript):
            # Annotations like Annotated[Session, Depends(...)] or Optional[X]
            return self._resolve(expr.value, scope, depth + 1)
        return None

    def _resolve_name(self, name: str, scope: Scope, depth: int) -> str | None:
        # Memoized: the same names are looked up again and again (every use of ``request``,
        # every pass of the taint walker over a loop), and each look-up resolves the values
        # bound to the name recursively. The answer depends on the depth only through the
        # depth limit, so the depth is part of the key.
        key = (name, id(scope), depth)
        known = self._names.get(key, _UNKNOWN)
        if known is _UNKNOWN:
            known = self._names[key] = self._lookup_name(name, scope, depth)
        return known  # type: ignore[return-value]

    def _lookup_name(self, name: str, scope: Scope, depth: int) -> str | None:
        for frame in self._frames(scope):
            values = self._bindings.get(id(frame), {}).get(name)
            if values is None:
                continue
            if values is _AMBIGUOUS:
                return None
            # Several bindings (if/else branches, repeated imports) resolve only if they agree.
            paths = {self._resolve_value(name, value, frame, depth) for value in values}  # type: ignore[union-attr]
            return paths.pop() if len(paths) == 1 else None
        if name in _BUILTINS:
            return name
        return None

    def _resolve_value(self, name: str, value: object, frame: Scope, depth: int) -> str | None:
        if isinstance(value, tuple):
            return self._normalise(value[1])
        if isinstance(value, ast.arg):
            if value.annotation is not None:
                return self._resolve(_unwrap_annotation(value.annotation), self.tree, depth + 1)
            return None
        if isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return f"{self.module_name}.{name}" if self.module_name else name
        return self._resolve(value, frame, depth + 1)  # type: ignore[arg-type]

    def _normalise(self, path: str) -> str:
        row = self.return_types.get(path)
        if row is None:
            return path
        row.hit()
        return row["type"]

    def binding(self, name: str, scope: Scope | None = None) -> object | None:
        """The single value bound to ``name`` in ``scope`` (an AST node), if there is one."""
        values = self._bindings.get(id(scope or self.tree), {}).get(name)
        return values[0] if isinstance(values, list) and len(values) == 1 else None


def _bind(bindings: dict[str, object], name: str, value: object) -> None:
    """Record one more value bound to ``name`` (a list; _AMBIGUOUS once unknowable)."""
    existing = bindings.get(name)
    if existing is _AMBIGUOUS:
        return
    if existing is None:
        bindings[name] = [value]
    elif len(existing) < 8:  # type: ignore[arg-type]
        existing.append(value)  # type: ignore[union-attr]
    else:
        bindings[name] = _AMBIGUOUS


def _target_names(target: ast.AST) -> list[str]:
    """Names bound by an assignment target (``a, (b, *c)``); ``x.y``/``x[i]`` bind none."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _all_args(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        found.append(args.vararg)
    if args.kwarg:
        found.append(args.kwarg)
    return found


def _unwrap_annotation(annotation: ast.expr) -> ast.expr:
    """``Annotated[Session, Depends(get_db)]`` and ``Optional[X]`` → the first type argument."""
    if isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        if isinstance(inner, ast.Tuple) and inner.elts:
            return inner.elts[0]
        return inner
    if isinstance(annotation, ast.BinOp):  # X | None
        return annotation.left
    return annotation


def absolute_module(node: ast.ImportFrom, module_name: str, package: bool = False) -> str:
    """The module a ``from ... import`` statement reads, absolute (``.auth`` in ``pkg.routes``'s
    ``__init__`` is ``pkg.routes.auth``)."""
    if not node.level:
        return node.module or ""
    parts = module_name.split(".") if module_name else []
    base = parts[: max(len(parts) - node.level + (1 if package else 0), 0)]
    if node.module:
        base.append(node.module)
    return ".".join(base)


def _walrus_and_lambdas(expr: ast.expr) -> list[ast.NamedExpr | ast.Lambda]:
    """The outermost walrus and lambda nodes inside ``expr`` (itself included).

    The walk stops at each one found: a lambda is a scope of its own, and a walrus's value
    is looked at again when the walrus itself is bound, so nothing is visited twice (with
    ``ast.walk`` 2,000 nested lambdas meant 2,000 walks of the inner ones).
    """
    found: list[ast.NamedExpr | ast.Lambda] = []
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.NamedExpr, ast.Lambda)):
            found.append(node)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found
