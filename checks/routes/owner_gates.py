"""Ownership checked before the handler runs, for the ids the URL carries.

Django apps often check that the record a URL names is the caller's before the view body
runs, so the body then fetches it by that id alone:

- ``UserPassesTestMixin.test_func`` returning ``Address.objects.filter(id=self.kwargs["pk"],
  user=self.request.user).exists()`` (the mixin answers 403 when it is false);
- a project decorator, often a factory taking the model (``@owned_by_user(Contact)``), whose
  wrapper calls the view only when ``model.objects.filter(pk=kwargs["pk"],
  user=request.user).exists()`` holds and raises or returns otherwise.

Both are recognised by what they do, whatever they are called: a query that binds a URL
keyword argument and an owner field to the caller gates the view. The result is the URL
keyword arguments so checked; the view's fetches by those ids are tied to the caller. A
query with no URL id (``Tenancy.objects.filter(address__user=user).exists()``: the caller
owns *some* record) checks nothing about the record the URL names.
"""

from __future__ import annotations

import ast

from ..syntax import keyed_read
from .identity import is_caller

Function = ast.FunctionDef | ast.AsyncFunctionDef

#: Calls whose keyword arguments select records (``filter(pk=..., user=...)``).
_SELECTING = frozenset({"filter", "get", "exists", "get_object_or_404", "filter_by"})


def test_method_owned_ids(method: Function, owner_fields: frozenset[str]) -> list[str]:
    """The URL keyword arguments a test method (``test_func``) ties to the caller: every
    ``return`` gives an owned query of them (alone or joined by ``and``)."""
    returned = [n.value for n in ast.walk(method) if isinstance(n, ast.Return)]
    if not returned or any(value is None for value in returned):
        return []
    found: list[str] = []
    for value in returned:
        parts = value.values if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.And) else [value]
        ids = [i for part in parts for i in _owned_query_ids(part, owner_fields)]  # type: ignore[arg-type]
        if not ids:
            return []
        found += ids
    return sorted(set(found))


def permission_owned_ids(method: Function) -> list[str]:
    """The URL keyword arguments a DRF permission's ``has_permission`` ties to the caller: it
    loads the record a URL keyword names (``project = get_object_or_404(Project,
    pk=view.kwargs["project_id"])``) and admits the request only where the caller relates to
    that record (``if request.user.is_contributor(project): return True``, ``return
    project.owner == request.user``); every other ``return`` refuses (``False``, ``None``,
    falling off the end). One unconditional ``return True`` (``create`` and ``list`` let
    through) ties nothing."""
    loaded: dict[str, str] = {}
    for node in ast.walk(method):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call):
            keys = [key for sub in ast.walk(node.value) if (key := url_kwarg(sub))]  # type: ignore[arg-type]
            if keys:
                loaded[node.targets[0].id] = keys[0]
    if not loaded:
        return []
    related: set[str] = set()
    for value, tests in _admitting_returns(method.body, []):
        records = next((r for r in (_related_records(e, loaded) for e in [value, *tests]) if r), None)
        if not records:
            return []
        related |= records
    return sorted(loaded[name] for name in related)


def _admitting_returns(body: list[ast.stmt], tests: list[ast.expr]) -> list[tuple[ast.expr, list[ast.expr]]]:
    """Each ``return`` that may admit (not ``False``/``None``) with the ``if`` tests that must
    hold to reach it (only the ``if`` side: an ``else`` admits on the test failing)."""
    found: list[tuple[ast.expr, list[ast.expr]]] = []
    for stmt in body:
        if isinstance(stmt, ast.Return):
            if stmt.value is not None and not (isinstance(stmt.value, ast.Constant) and not stmt.value.value):
                found.append((stmt.value, tests))
        elif isinstance(stmt, ast.If):
            found += _admitting_returns(stmt.body, [*tests, stmt.test])
            found += _admitting_returns(stmt.orelse, [*tests, ast.UnaryOp(op=ast.Not(), operand=stmt.test)])
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)):
            inner = [s for field in ("body", "orelse", "finalbody") for s in getattr(stmt, field, [])]
            inner += [s for h in getattr(stmt, "handlers", []) for s in h.body]
            found += _admitting_returns(inner, tests)
    return found


def _related_records(expr: ast.expr, loaded: dict[str, str]) -> set[str]:
    """The loaded records a test or returned value relates to the caller, when it holds only
    if they are related (``request.user.is_author(project)``, ``project.owner ==
    request.user``; not under ``not``)."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return set()
    nodes = list(ast.walk(expr))
    if not any(is_caller(n, frozenset()) for n in nodes if isinstance(n, (ast.Attribute, ast.Name))):
        return set()
    return {n.id for n in nodes if isinstance(n, ast.Name) and n.id in loaded}


def decorator_owned_ids(func: Function, owner_fields: frozenset[str]) -> list[str]:
    """The URL keyword arguments a project decorator (or decorator factory) ties to the
    caller: a wrapper nested in ``func`` that calls the view it wraps only when an owned
    query of them holds (``if q.exists(): return view(...)`` then a refusal, or ``if not
    q.exists(): raise Http404``)."""
    for node in ast.walk(func):
        if node is func or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        wrapped = _wrapped_view(func, node)
        if wrapped is None:
            continue
        ids = _gated_ids(node.body, wrapped, owner_fields)
        if ids:
            return ids
    return []


def _wrapped_view(outer: Function, wrapper: Function) -> str | None:
    """The parameter of an enclosing decorator that ``wrapper`` calls: the view."""
    params = {a.arg for f in ast.walk(outer) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f is not wrapper for a in f.args.args}
    for node in ast.walk(wrapper):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in params:
            return node.func.id
    return None


def _gated_ids(body: list[ast.stmt], view: str, owner_fields: frozenset[str]) -> list[str]:
    """The ids an ``if`` on an owned query gates the view's call with, at the top of
    ``body``: the view is called only on the owned side, the other side refuses."""
    for index, stmt in enumerate(body):
        if not isinstance(stmt, ast.If):
            if _calls(stmt, view):
                return []  # the view ran before any check
            continue
        negated = isinstance(stmt.test, ast.UnaryOp) and isinstance(stmt.test.op, ast.Not)
        ids = _owned_query_ids(stmt.test.operand if negated else stmt.test, owner_fields)  # type: ignore[attr-defined]
        if not ids:
            if _calls(stmt, view):
                return []
            continue
        allowed, refused = (stmt.orelse + body[index + 1:], stmt.body) if negated else (stmt.body, stmt.orelse + body[index + 1:])
        if _calls_view(allowed, view) and not any(_calls(s, view) for s in refused) and _ends_request(refused):
            return ids
        return []
    return []


def _calls(stmt: ast.AST, view: str) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == view for n in ast.walk(stmt))


def _calls_view(body: list[ast.stmt], view: str) -> bool:
    return any(_calls(s, view) for s in body)


def _ends_request(body: list[ast.stmt]) -> bool:
    """The refusing side raises or returns (a 404, a 403, a redirect) on every path it takes
    at its top level."""
    return bool(body) and isinstance(body[-1], (ast.Raise, ast.Return))


def _owned_query_ids(expr: ast.expr, owner_fields: frozenset[str]) -> list[str]:
    """The URL keyword arguments of a query selecting records by them and by an owner field
    bound to the caller (``filter(pk=kwargs["pk"], user=request.user)``, also through a
    parent: ``address__user=...``)."""
    for node in ast.walk(expr):
        if not (isinstance(node, ast.Call) and _call_name(node) in _SELECTING):
            continue
        ids = [key for kw in node.keywords if kw.arg and (key := url_kwarg(kw.value))]
        owned = any(kw.arg and kw.arg.split("__")[-1] in owner_fields and is_caller(kw.value, frozenset()) for kw in node.keywords)
        if ids and owned:
            return ids
    return []


def _call_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(call.func, ast.Name) else ""


def url_kwarg(expr: ast.expr) -> str | None:
    """``kwargs["pk"]``, ``self.kwargs["pk"]``, ``kwargs.get("pk")``: the URL's ``pk``."""
    read = keyed_read(expr)
    if read is None:
        return None
    base, key = read
    # (`view.kwargs` in a DRF permission's has_permission(self, request, view))
    named = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id in ("self", "view") else None
    return str(key) if named == "kwargs" and key else None


def dispatch_checks_owner(method: Function) -> bool:
    """Whether a ``dispatch`` refuses unless the record it loads is the caller's before the
    view runs: ``obj = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])`` then ``if
    obj.owner != request.user: raise PermissionDenied`` (or the ``==`` form allowing only
    that branch to reach ``super().dispatch(...)``). The comparison must be of a record the
    method loaded, so a check of the caller alone (``request.user.is_staff``) is no owner check."""
    records = {
        n.targets[0].id for n in ast.walk(method)
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call)
    }
    for index, stmt in enumerate(method.body):
        if _calls_super_dispatch(stmt):
            return False  # the view ran before any check
        if not (isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1):
            continue
        sides = [stmt.test.left, *stmt.test.comparators]
        if not (any(is_caller(s, frozenset()) for s in sides) and any(_loaded(s, records) and not is_caller(s, frozenset()) for s in sides)):
            continue
        op = stmt.test.ops[0]
        if isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)):
            allowed, refused = stmt.orelse + method.body[index + 1:], stmt.body
        elif isinstance(op, (ast.Eq, ast.Is, ast.In)):
            allowed, refused = stmt.body, stmt.orelse + method.body[index + 1:]
        else:
            continue
        if any(_calls_super_dispatch(s) for s in allowed) and not any(_calls_super_dispatch(s) for s in refused) and _ends_request(refused):
            return True
    return False


def _loaded(expr: ast.expr, records: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in records for n in ast.walk(expr))


def _calls_super_dispatch(stmt: ast.AST) -> bool:
    """``super().dispatch(...)``: the view the mixin guards runs."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "dispatch"
        and isinstance(n.func.value, ast.Call) and isinstance(n.func.value.func, ast.Name) and n.func.value.func.id == "super"
        for n in ast.walk(stmt)
    )
