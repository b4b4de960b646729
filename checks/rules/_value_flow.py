"""Where a value goes inside its function: the names of the places it is stored or sent.

The variable holding a random number or a digest is often called ``value`` or ``result``;
where it ends up says what it is: a session entry, a cookie, a file kept as a password
store, a ``token=`` keyword. :func:`destination_names_by_flow` follows the value of one
expression through the local assignments that copy or transform it
(``value = str(x)[2:]``, ``encoded = base64.b64encode(value)``) and collects, at every
statement it reaches, the names of where it goes: assignment targets, subscript stores
(container and key), keywords, dict keys, cookie setters, the file a ``write`` goes to, the
function returning it. The callers judge those names (``[[sensitive_names]]``,
``[[sensitive_stores]]``).
"""

from __future__ import annotations

import ast

from ..source import SourceDoc
from ..syntax import string_value

#: How many assignments a value is followed through (keeps the walk small and bounded).
MAX_HOPS = 12
#: Methods that put their argument into a cookie (the cookie's name is the first argument).
_COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie"})


def destination_names_by_flow(doc: SourceDoc, node: ast.expr) -> list[str]:
    """Names of the places the value of ``node`` reaches in its function, nearest first."""
    scope = _scope_of(doc, node)
    uses = _name_uses(scope)
    names: list[str] = []
    followed: set[str] = set()
    frontier: list[ast.expr] = [node]
    hops = 0
    while frontier and hops < MAX_HOPS:
        current = frontier.pop(0)
        statement, found, assigned = _where_it_goes(doc, current)
        names.extend(found)
        for variable in assigned:
            if variable in followed:
                continue
            followed.add(variable)
            hops += 1
            after = getattr(statement, "lineno", 0)
            frontier.extend(use for use in uses.get(variable, ()) if use.lineno > after)
    return list(dict.fromkeys(names))


def _scope_of(doc: SourceDoc, node: ast.AST) -> ast.AST:
    for ancestor in doc.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            return ancestor
    assert doc.tree is not None
    return doc.tree


def _name_uses(scope: ast.AST) -> dict[str, list[ast.Name]]:
    """Every read of a local name in ``scope`` (nested functions included: closures)."""
    uses: dict[str, list[ast.Name]] = {}
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            uses.setdefault(sub.id, []).append(sub)
    for found in uses.values():
        found.sort(key=lambda name: (name.lineno, name.col_offset))
    return uses


def _where_it_goes(doc: SourceDoc, node: ast.expr) -> tuple[ast.stmt | None, list[str], list[str]]:
    """(the statement holding ``node``, names of where its value goes there, local names it
    is assigned to)."""
    names: list[str] = []
    assigned: list[str] = []
    child: ast.AST = node
    for ancestor in doc.ancestors(node):
        if isinstance(ancestor, ast.keyword) and ancestor.arg:
            names.append(ancestor.arg)
        elif isinstance(ancestor, ast.Dict):
            names.extend(string_value(k) or "" for k, v in zip(ancestor.keys, ancestor.values) if v is child)
        elif isinstance(ancestor, ast.Call) and child is not ancestor.func:
            names.extend(_call_destination(doc, ancestor, child))
        elif isinstance(ancestor, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
            for target in targets:
                names.extend(_target_names(doc, target, assigned))
            return ancestor, [n for n in names if n], assigned
        elif isinstance(ancestor, ast.Return):
            function = next((a.name for a in doc.ancestors(ancestor) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), "")
            return ancestor, [n for n in [*names, function] if n], assigned
        elif isinstance(ancestor, ast.stmt):
            return ancestor, [n for n in names if n], assigned
        child = ancestor
    return None, [n for n in names if n], assigned


def _target_names(doc: SourceDoc, target: ast.expr, assigned: list[str]) -> list[str]:
    if isinstance(target, ast.Name):
        assigned.append(target.id)
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Subscript):  # store[key] = value: the store and the key
        return [_base_name(target.value), *_texts(doc, target.slice)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in _target_names(doc, elt, assigned)]
    return []


def _call_destination(doc: SourceDoc, call: ast.Call, argument: ast.AST) -> list[str]:
    """Where a call sends an argument: a cookie, or the file a ``write`` goes to."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return []
    if func.attr in _COOKIE_SETTERS:
        return ["cookie", *(_texts(doc, call.args[0]) if call.args and call.args[0] is not argument else [])]
    if func.attr in ("write", "writelines") and isinstance(func.value, ast.Name):
        opened = _bound(doc, func.value)
        if isinstance(opened, ast.Call) and opened.args and (getattr(opened.func, "id", None) == "open" or getattr(opened.func, "attr", None) == "open"):
            return _texts(doc, opened.args[0])
    return []


def _bound(doc: SourceDoc, name: ast.Name) -> ast.AST | None:
    """The single value ``name`` holds in its scope (``f = open(...)``, ``with open() as f``)."""
    scope = _scope_of(doc, name)
    value = doc.names.binding(name.id, scope if not isinstance(scope, ast.Module) else None)
    return value if isinstance(value, ast.AST) else None


def _texts(doc: SourceDoc, expr: ast.AST) -> list[str]:
    """The constant text in an expression (``f"{DIR}/passwords.txt"`` → ``/passwords.txt``),
    also through a local name bound once."""
    if isinstance(expr, ast.Name):
        bound = _bound(doc, expr)
        return _texts(doc, bound) if isinstance(bound, ast.expr) and not isinstance(bound, ast.Name) else [expr.id]
    text = string_value(expr)
    if text is not None:
        return [text]
    if isinstance(expr, ast.JoinedStr):
        return ["".join(string_value(v) or "{…}" for v in expr.values)]
    if isinstance(expr, ast.BinOp):
        return [*_texts(doc, expr.left), *_texts(doc, expr.right)]
    return []


def _base_name(expr: ast.expr) -> str:
    while isinstance(expr, ast.Subscript):
        expr = expr.value
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""
