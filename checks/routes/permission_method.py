"""What a DRF view's ``get_permissions()`` returns, per action.

DRF asks ``get_permissions()`` for the permission instances of every request; the default
instantiates ``permission_classes``. Views override it to add a permission to the defaults
(``perms = super().get_permissions(); perms.append(IsAuthenticated()); return perms``) or to
choose one per action (``if self.action in ("list", "retrieve"): return [AllowAny()]``).
Reading only ``permission_classes`` misses both, so this module follows the method's
statements once per path and records, for each ``return``, the HTTP methods that reach it
and the permission classes it returns. Nothing is executed; a statement it does not
understand leaves the path's list unknown rather than guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..syntax import dotted, string_value

#: Every method a DRF view answers; a path starts with all of them.
ALL_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The HTTP method of each standard ViewSet action (``self.action``).
_ACTION_METHODS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
_MAX_PATHS = 16


@dataclass(frozen=True)
class PermissionBranch:
    """One ``return`` of ``get_permissions``: the methods that reach it, the permission
    classes it adds (each an expression naming the class), and whether the list still holds
    the view's defaults (``super().get_permissions()``)."""

    methods: frozenset[str]
    classes: tuple[ast.expr, ...]
    keeps_defaults: bool


@dataclass
class _Path:
    methods: frozenset[str]
    #: local name -> (classes, keeps_defaults); None when the value is not understood.
    lists: dict[str, tuple[tuple[ast.expr, ...], bool] | None] = field(default_factory=dict)


def permission_branches(method: ast.FunctionDef | ast.AsyncFunctionDef) -> list[PermissionBranch] | None:
    """The returns of ``get_permissions`` with their methods, or None when a returned value
    is not understood (then the method says nothing this module can vouch for)."""
    found: list[PermissionBranch] = []
    live = _run(method.body, [_Path(ALL_METHODS)], found)
    if live is None:
        return None
    return found if found else None


def _run(body: list[ast.stmt], paths: list[_Path], found: list[PermissionBranch]) -> list[_Path] | None:
    """Apply ``body`` to every live path; returns the paths that fall through, None when a
    return could not be read."""
    for stmt in body:
        if not paths:
            return paths
        if isinstance(stmt, ast.If):
            inside, outside = _split(stmt.test, paths)
            then = _run(stmt.body, inside, found)
            other = _run(stmt.orelse, outside, found)
            if then is None or other is None:
                return None
            paths = (then + other)[:_MAX_PATHS]
            continue
        if isinstance(stmt, ast.Return):
            for path in paths:
                value = _value(stmt.value, path)
                if value is None:
                    return None
                found.append(PermissionBranch(path.methods, value[0], value[1]))
            return []
        for path in paths:
            if not _step(stmt, path):
                return None
    return paths


def _step(stmt: ast.stmt, path: _Path) -> bool:
    """Apply one plain statement to ``path``; False when it cannot be followed."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        name = _name(stmt.targets[0])
        if name is not None:
            path.lists[name] = _value(stmt.value, path)
        return True
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
        name = _name(stmt.target)
        if name is not None:
            path.lists[name] = _joined(path.lists.get(name), _value(stmt.value, path))
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute):
        call = stmt.value
        name = _name(call.func.value)  # type: ignore[attr-defined]
        if name is not None and call.func.attr in ("append", "insert", "extend") and call.args:  # type: ignore[attr-defined]
            added = call.args[-1]
            value = _value(added, path) if call.func.attr == "extend" else ((_class_of(added),), False)  # type: ignore[attr-defined]
            path.lists[name] = _joined(path.lists.get(name), value)
        return True
    return isinstance(stmt, (ast.Expr, ast.Pass, ast.Assert))


def _value(expr: ast.expr | None, path: _Path) -> tuple[tuple[ast.expr, ...], bool] | None:
    """The permission classes an expression holds: a list or tuple of classes or instances,
    a comprehension instantiating one (``[p() for p in classes]``), a local list, or the
    defaults (``super().get_permissions()``, ``self.permission_classes`` unassigned)."""
    if expr is None:
        return None
    if isinstance(expr, (ast.List, ast.Tuple)):
        return tuple(_class_of(e) for e in expr.elts), False
    if isinstance(expr, ast.ListComp) and len(expr.generators) == 1:
        return _value(expr.generators[0].iter, path)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _joined(_value(expr.left, path), _value(expr.right, path))
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get_permissions":
        return (), True  # super().get_permissions(), self.get_permissions()
    name = _name(expr)
    if name is not None:
        if name in path.lists:
            return path.lists[name]
        if name == "self.permission_classes":
            return (), True
    return None


def _joined(left: tuple[tuple[ast.expr, ...], bool] | None, right: tuple[tuple[ast.expr, ...], bool] | None) -> tuple[tuple[ast.expr, ...], bool] | None:
    if left is None or right is None:
        return None
    return left[0] + right[0], left[1] or right[1]


def _class_of(expr: ast.expr) -> ast.expr:
    """``IsAuthenticated()`` names the class ``IsAuthenticated``."""
    return expr.func if isinstance(expr, ast.Call) and not expr.args and not expr.keywords else expr


def _name(expr: ast.expr) -> str | None:
    """A local name or ``self.<attribute>`` a list is kept in."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
        return f"self.{expr.attr}"
    return None


def _split(test: ast.expr, paths: list[_Path]) -> tuple[list[_Path], list[_Path]]:
    """Each path in two: the methods for which ``test`` holds and those for which it does
    not. A test on anything but the action or the request method keeps every method on
    both sides."""
    chosen = _methods_of(test)
    inside, outside = [], []
    for path in paths:
        yes = path.methods & chosen if chosen is not None else path.methods
        no = path.methods - chosen if chosen is not None else path.methods
        if yes:
            inside.append(_Path(yes, dict(path.lists)))
        if no:
            outside.append(_Path(no, dict(path.lists)))
    return inside, outside


def _methods_of(test: ast.expr) -> frozenset[str] | None:
    """The HTTP methods for which a test on ``self.action`` or ``self.request.method`` (or
    ``request.method``) holds; None for any other test, and for a custom action's name,
    whose method this module does not know."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _methods_of(test.operand)
        return ALL_METHODS - inner if inner is not None else None
    if isinstance(test, ast.BoolOp):
        parts = [_methods_of(v) for v in test.values]
        if any(p is None for p in parts):
            return None
        if isinstance(test.op, ast.Or):
            return frozenset().union(*parts)  # type: ignore[arg-type]
        return frozenset(ALL_METHODS).intersection(*parts)  # type: ignore[arg-type]
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    subject = dotted(test.left) or ""
    if subject.endswith("request.method"):
        to_method = lambda text: text.upper()  # noqa: E731
    elif subject == "self.action":
        to_method = lambda text: _ACTION_METHODS.get(text, "")  # noqa: E731
    else:
        return None
    right = test.comparators[0]
    if (dotted(right) or "").endswith("SAFE_METHODS"):
        values = set(SAFE_METHODS)
    elif isinstance(right, (ast.List, ast.Tuple, ast.Set)):
        values = {to_method(str(string_value(e))) for e in right.elts if string_value(e)}
    elif string_value(right):
        values = {to_method(str(string_value(right)))}
    else:
        return None
    if "" in values:
        return None
    if "GET" in values:
        values.add("HEAD")
    chosen = frozenset(values)
    if isinstance(test.ops[0], (ast.Eq, ast.In)):
        return chosen
    if isinstance(test.ops[0], (ast.NotEq, ast.NotIn)):
        return ALL_METHODS - chosen
    return None
