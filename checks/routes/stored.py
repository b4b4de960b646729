"""What a function does to stored data, seen from its own body: changes an existing record,
reads stored records, or neither, and which project functions it calls.

The app-level finding of an app with no authentication at all (CW301) lists, from the app
object's file, the routes of every router the app includes that change or return stored data.
Those routes live in other files, so each file's facts carry this summary for its routes and for
its data helpers (``BookingDB.get_all`` running ``SELECT``): a route calling a helper that reads
or changes records does so too.
"""

from __future__ import annotations

import ast
import re

from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted, string_value
from .data import glob_any
from .nodes import function_nodes

CHANGE, ADD, READ = "change", "add", "read"
_STRENGTH = {None: 0, READ: 1, ADD: 2, CHANGE: 3}
#: Write calls that change or remove an existing record; the other writes add records, save
#: an object (a new one, or an uploaded file) or end a transaction.
_CHANGES = frozenset({"delete", "update", "update_one", "update_many", "delete_one", "delete_many", "replace_one", "remove", "lrem", "lset", "hset", "hdel", "srem", "zrem"})
_SQL = re.compile(r"^\s*(select|insert|update|delete)\b", re.IGNORECASE)
_MAX_CALLS = 40


def _sql_verb(call: ast.Call) -> str | None:
    """``select``/``insert``/``update``/``delete`` for a call given an SQL statement."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and first.args and (dotted(first.func) or "").rsplit(".", 1)[-1] == "text":
        first = first.args[0]
    while isinstance(first, ast.BinOp):
        first = first.left
    if isinstance(first, ast.JoinedStr):
        first = first.values[0] if first.values else None
    match = _SQL.match(string_value(first) or "") if first is not None else None
    return match.group(1).lower() if match else None


def stronger(a: str | None, b: str | None) -> str | None:
    """The effect that says more: a change over an addition over a read."""
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


def data_effect(doc: SourceDoc, func: ast.AST, knowledge: Knowledge) -> tuple[str | None, list[str]]:
    """(``"change"`` an existing record, ``"add"`` one, ``"read"`` records, or None; the
    resolved names of the other calls it makes, which may be data helpers)."""
    rows = sorted(knowledge.rows("access_data_calls"), key=lambda r: r["effect"] != "write")
    effect: str | None = None
    calls: list[str] = []
    decorators = {id(n) for d in getattr(func, "decorator_list", []) for n in ast.walk(d)}  # @app.delete(...) is no data call
    for node in function_nodes(doc, func):
        if not isinstance(node, ast.Call) or id(node) in decorators:
            continue
        written = dotted(node.func)
        verb = _sql_verb(node)
        row = next((r for r in rows if glob_any(r["calls"], written)), None)
        last = (written or "").rsplit(".", 1)[-1]
        write = row is not None and row["effect"] == "write"
        if verb in ("update", "delete") or write and last in _CHANGES and verb != "insert":
            return CHANGE, []
        if verb == "insert" or write and last != "commit":
            effect = stronger(effect, ADD)
        elif verb == "select" or row is not None and row["effect"] == "read":
            effect = stronger(effect, READ)
        elif row is None and verb is None and len(calls) < _MAX_CALLS:
            resolved = doc.resolve(node.func)
            if resolved and "()" not in resolved and resolved not in calls:
                calls.append(resolved)
    return effect, calls


#: Generic view bases and mixins by what their actions do to the model's records.
_VIEW_BASE_EFFECTS = {
    "ModelViewSet": CHANGE, "UpdateModelMixin": CHANGE, "DestroyModelMixin": CHANGE, "UpdateAPIView": CHANGE,
    "DestroyAPIView": CHANGE, "RetrieveUpdateAPIView": CHANGE, "RetrieveDestroyAPIView": CHANGE,
    "RetrieveUpdateDestroyAPIView": CHANGE, "UpdateView": CHANGE, "DeleteView": CHANGE,
    "CreateModelMixin": ADD, "CreateAPIView": ADD, "ListCreateAPIView": ADD, "CreateView": ADD,
    "ReadOnlyModelViewSet": READ, "ListModelMixin": READ, "RetrieveModelMixin": READ, "ListAPIView": READ,
    "RetrieveAPIView": READ, "ListView": READ, "DetailView": READ,
}
_HANDLER_METHODS = ("get", "post", "put", "patch", "delete", "list", "create", "retrieve", "update", "partial_update", "destroy")


def view_class_effect(doc: SourceDoc, cls: ast.ClassDef, knowledge: Knowledge) -> str | None:
    """What a Django/DRF class view does to stored data: from its generic bases and mixins
    (a ``ModelViewSet`` changes records), and from its handler methods' own data calls."""
    effect: str | None = None
    for base in cls.bases:
        effect = stronger(effect, _VIEW_BASE_EFFECTS.get((dotted(base) or "").rsplit(".", 1)[-1]))
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _HANDLER_METHODS:
            effect = stronger(effect, data_effect(doc, stmt, knowledge)[0])
    return effect
