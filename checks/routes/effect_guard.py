"""Routes guarded by what their data calls do: every one is bound to the caller.

A route with no login check still cannot serve an anonymous caller when each of its reads
and writes is tied to the caller's identity: ``Expense.objects.filter(owner=request.user)``
finds nothing (or raises) for an anonymous user, ``recipe.likes.add(request.user)`` fails,
and a record loaded by a client id is harmless when a comparison of its owner with the
caller (``if note.user_id != session.get("user_id"): return redirect(...)``) refuses before
anything else touches it. Such a route protects its data as a login check does.

A call counts as bound when it mentions the caller (directly or through a local holding it:
``owner = request.user``), when it loads a record that is then used only through calls
given the caller (``recipe.likes.remove(request.user)``), or when it loads or changes a
record whose owner the handler compared with the caller at its top level and refused on
a mismatch.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..knowledge import Knowledge
from ..source import SourceDoc
from .identity import caller_locals, is_caller
from .public import ends_request

if TYPE_CHECKING:
    from .analysis import Effects
    from .discover import Route
    from .view import ProjectView

Function = ast.FunctionDef | ast.AsyncFunctionDef

#: The name of the guard such a route gets.
BOUND_BY_EFFECT = "every data call is bound to the caller"


def bound_to_caller(doc: SourceDoc, route: Route, effects: Effects, knowledge: Knowledge, view: ProjectView) -> bool:
    """Every call of the route that reads or changes stored data with arguments is bound to
    the caller's identity (see the module docstring)."""
    calls = [c for c in [*effects.reads, *effects.writes] if (c.args or c.keywords) and not _saves_a_document(c)]
    if not calls:
        return False
    bound: set[int] = set()
    names: dict[int, frozenset[str]] = {}
    for func in route.functions:
        callers = caller_locals(doc, func, frozenset(), knowledge, view, lambda value, held: False)
        bound |= _checked_record_calls(func, callers) | _caller_only_records(func, callers)
        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                names[id(node)] = callers
    return all(id(c) in bound or is_caller(c, names.get(id(c), frozenset())) for c in calls)


def _saves_a_document(call: ast.Call) -> bool:
    """``workbook.save(response)``, ``image.save(path)``: a document written to a stream or a
    file, not a stored record (a model's ``save()`` takes no positional argument)."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == "save" and bool(call.args)


def _loaded_records(func: Function) -> dict[str, ast.Call]:
    """Top-level ``note = Note.query.get_or_404(id)``: record name -> the call loading it."""
    return {
        stmt.targets[0].id: stmt.value for stmt in func.body
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)
    }


def _checked_record_calls(func: Function, callers: frozenset[str]) -> set[int]:
    """The calls loading or touching a record after a top-level ``if record.owner !=
    caller: <refuse>``: an anonymous caller (no identity) never gets past the check."""
    records = _loaded_records(func)
    bound: set[int] = set()
    for index, stmt in enumerate(func.body):
        if not (isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1):
            continue
        if not isinstance(stmt.test.ops[0], (ast.NotEq, ast.IsNot)) or stmt.orelse or not ends_request(stmt.body):
            continue
        sides = [stmt.test.left, *stmt.test.comparators]
        if not any(is_caller(s, callers) for s in sides):
            continue
        checked = {r for s in sides if not is_caller(s, callers) for r in _names(s) if r in records}
        for record in checked:
            bound |= {id(n) for n in ast.walk(records[record]) if isinstance(n, ast.Call)}
            bound |= {id(n) for later in func.body[index + 1:] for n in ast.walk(later) if isinstance(n, ast.Call) and record in _names(n)}
    return bound


def _caller_only_records(func: Function, callers: frozenset[str]) -> set[int]:
    """The loads of records the handler uses only as receivers of calls given the caller
    (``recipe.likes.add(request.user)``): nothing of the record reaches the response."""
    bound: set[int] = set()
    for record, load in _loaded_records(func).items():
        uses = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == record and isinstance(n.ctx, ast.Load)]
        given = {id(_root(c.func)) for c in ast.walk(func) if isinstance(c, ast.Call) and _given_caller(c, callers)}
        if uses and all(id(u) in given for u in uses):
            bound.add(id(load))
    return bound


def _root(expr: ast.expr) -> ast.Name | None:
    """``recipe`` in ``recipe.likes.add``."""
    while isinstance(expr, (ast.Attribute, ast.Call)):
        expr = expr.value if isinstance(expr, ast.Attribute) else expr.func
    return expr if isinstance(expr, ast.Name) else None


def _given_caller(call: ast.Call, callers: frozenset[str]) -> bool:
    return any(is_caller(a, callers) for a in [*call.args, *(k.value for k in call.keywords)])


def _names(expr: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
