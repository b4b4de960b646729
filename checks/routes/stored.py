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


def model_key(name: str) -> str:
    """One spelling for a model and its table: ``Note``, ``notes`` and ``note`` → ``note``."""
    return name.lower().removesuffix("s")


_SQL_TABLES = re.compile(r"\b(?:from|join|update|into)\s+[`\"]?(\w+)", re.IGNORECASE)


def sql_tables(doc: SourceDoc, call: ast.Call) -> tuple[set[str], str]:
    """Tables named by the SQL a data call runs (``execute(text("SELECT ... FROM loan JOIN
    member ..."))``), also through a local ``sql = "..."`` of the handler, and the text of
    its WHERE clause."""
    if not call.args:
        return set(), ""
    first = call.args[0]
    if isinstance(first, ast.Call) and first.args and (dotted(first.func) or "").rsplit(".", 1)[-1] == "text":
        first = first.args[0]
    if isinstance(first, ast.Name):
        bound = doc.names.binding(first.id, doc.scope_of(first))  # type: ignore[arg-type]
        first = bound if isinstance(bound, ast.expr) else first
    while isinstance(first, ast.BinOp):
        first = first.left
    if isinstance(first, ast.JoinedStr):
        text = "".join(v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        text = string_value(first) or ""
    if not text:
        return set(), ""
    where = re.split(r"\bwhere\b", text, maxsplit=1, flags=re.IGNORECASE)
    return {model_key(t) for t in _SQL_TABLES.findall(text)}, where[1] if len(where) > 1 else ""


def table_scope(doc: SourceDoc, call: ast.Call, owner_fields: list[str], private_fields: list[str]) -> tuple[set[str], bool, set[str]]:
    """The tables the SQL of ``call`` names, whether its WHERE clause selects by an owner or
    tenant column (per-owner data), and the tables it ties to a private owner column
    (``WHERE user_id = ?``: records the app keeps per user)."""
    tables, where = sql_tables(doc, call)
    if not where:
        return tables, False, set()

    def selects_by(fields: list[str]) -> bool:
        return any(re.search(rf"\b{re.escape(f)}\s*=", where, re.IGNORECASE) for f in fields)

    return tables, selects_by(owner_fields), tables if selects_by(private_fields) else set()


def helper_tables(doc: SourceDoc, func: ast.AST, knowledge: Knowledge) -> list[object] | None:
    """``[tables, per owner, owner tables, models]`` over the data calls of a data helper,
    for the routes calling it: the SQL's tables (see :func:`table_scope`) and the models its
    ORM calls name (``Category.query...``, ``select(Category)``); None when it names none."""
    owner_fields = [n for row in knowledge.rows("access_owner_fields") for n in row["names"]]
    private_fields = [n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]]
    tables: set[str] = set()
    owned: set[str] = set()
    models: set[str] = set()
    per_owner = False
    for node in function_nodes(doc, func):
        if not isinstance(node, ast.Call):
            continue
        written = dotted(node.func) or ""
        head = written.split(".", 1)[0]
        if head[:1].isupper() and "." in written:
            models.add(model_key(head))
        if written.rsplit(".", 1)[-1] == "select":
            models.update(model_key(a.id) for a in node.args if isinstance(a, ast.Name) and a.id[:1].isupper())
        if _sql_verb(node) is not None:
            found, by_owner, private = table_scope(doc, node, owner_fields, private_fields)
            tables |= found
            owned |= private
            per_owner = per_owner or by_owner
    return [sorted(tables), per_owner, sorted(owned), sorted(models)] if tables or models else None


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
