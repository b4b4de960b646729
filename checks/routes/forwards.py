"""Fetch helpers one level removed: a service function that hands its id parameter on to a
fetch helper (``crud.remove_from_cart(db, item_id)`` calling ``get_cart_item_by_id(db,
item_id)`` and deleting the result).

:func:`.ownership.helper_fact` sees only functions that run the query themselves. Real apps
layer them (route → service → repository), often across modules, so each file records which
of its plain functions pass an id-like parameter to another call (:func:`forward_fact`); the
merged project view promotes those whose callee is a fetch helper to fetch helpers
themselves (:meth:`.view.ProjectView.fetch_helper`), their parameters mapped through the call.
A wrapper that matches the record's owner itself is not recorded: it is scoped on its own.
"""

from __future__ import annotations

import ast

from ..source import SourceDoc
from .identity import ID_NAME
from .nodes import function_nodes
from .owner_helpers import owner_parameters

_MAX_CALLS = 8


def forward_fact(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, owner_fields: frozenset[str]) -> tuple[str, dict[str, object]] | None:
    """``(qualified name, {"params", "ids", "calls", "owners"})`` for a module-level function or a
    method of a module-level class that passes one of its id-like parameters to other calls:
    each call as ``[callee, positional → parameter index or -1, keyword → parameter index]``,
    the indexes of its id-like parameters, and the owner bindings it adds itself (``[owner
    field, parameter index]``)."""
    if func.decorator_list:
        return None
    owner = doc.parent(func)
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if isinstance(owner, ast.ClassDef) and isinstance(doc.parent(owner), ast.Module):
        params, key, cls = params[1:], f"{owner.name}.{func.name}", owner.name
    elif isinstance(owner, ast.Module):
        key, cls = func.name, None
    else:
        return None
    if not params or params[0] in ("request", "req"):
        return None  # a view, called by the framework
    ids = {p for p in params if ID_NAME.match(p) and p not in owner_fields}
    if not ids:
        return None
    calls: list[list[object]] = []
    for node in function_nodes(doc, func):
        if not isinstance(node, ast.Call) or len(calls) >= _MAX_CALLS:
            continue
        positional = [params.index(a.id) if isinstance(a, ast.Name) and a.id in params else -1 for a in node.args]
        keywords = {kw.arg: params.index(kw.value.id) for kw in node.keywords if kw.arg and isinstance(kw.value, ast.Name) and kw.value.id in params}
        if not any(i >= 0 and params[i] in ids for i in [*positional, *keywords.values()]):
            continue
        callee = _callee(doc, node.func, cls)
        if callee:
            calls.append([callee, positional, keywords])
    if not calls:
        return None
    owners, self_checked = owner_parameters(func, params, ids, owner_fields)
    if self_checked or _refuses_on_loaded_record(func):
        return None
    module = doc.module_name
    fact = {"params": params, "ids": sorted(params.index(p) for p in ids), "calls": calls, "owners": owners}
    return (f"{module}.{key}" if module else key), fact


def _refuses_on_loaded_record(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the wrapper refuses (raises) on a comparison of a field of a record it loaded
    with a value that is no constant (``if group.owner_id != current.id: raise
    HTTPException(403)``, however the field is spelt): it checks the record itself, so
    what it checks is its own business, not a fetch its callers must scope."""
    loaded = {t.id for n in ast.walk(func) if isinstance(n, ast.Assign) and isinstance(_awaited(n.value), ast.Call) for t in n.targets if isinstance(t, ast.Name)}
    for node in ast.walk(func):
        if not isinstance(node, ast.If) or not any(isinstance(s, ast.Raise) for s in node.body):
            continue
        for test in ast.walk(node.test):
            if isinstance(test, ast.Compare) and len(test.comparators) == 1:
                sides = [test.left, test.comparators[0]]
                field = any(isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name) and x.value.id in loaded for x in sides)
                if field and not any(isinstance(x, ast.Constant) for x in sides):
                    return True
    return False


def _awaited(value: ast.expr) -> ast.expr:
    return value.value if isinstance(value, ast.Await) else value


def _callee(doc: SourceDoc, func: ast.expr, cls: str | None) -> str | None:
    """The project-wide name of a called function; ``self.get`` inside a class is that
    class's method."""
    if cls and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        return f"{doc.module_name}.{cls}.{func.attr}" if doc.module_name else f"{cls}.{func.attr}"
    resolved = doc.resolve(func)
    return resolved.replace("()", "") if resolved else None


def promoted(fact: dict, callee: dict, call: list, changes: bool) -> dict[str, object] | None:
    """The fetch-helper fact of a wrapper whose call ``call`` goes to the fetch helper
    ``callee``: each of the callee's bindings mapped onto the wrapper's parameter passed
    there; ``changes`` when the wrapper itself changes stored data. None when one of them is not filled from a parameter (the wrapper supplies that
    column itself, perhaps with the caller: not known here) or no id reaches the fetch."""
    _, positional, keywords = call
    callee_params: list[str] = callee["params"]
    bindings: list[list[object]] = []
    for column, index in callee["bindings"]:
        index = int(index)
        mine = positional[index] if index < len(positional) else keywords.get(callee_params[index], -1) if index < len(callee_params) else -1
        if mine < 0:
            return None
        bindings.append([column, mine])
    if not any(int(i) in fact["ids"] for _, i in bindings):
        return None
    bindings += [b for b in fact["owners"] if b not in bindings]
    return {"bindings": bindings, "params": fact["params"], "table": callee["table"], "writes": bool(callee.get("writes")) or changes}
