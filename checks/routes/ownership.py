"""Ownership (IDOR): a record fetched by a client-supplied id with no owner constraint.

Per handler: which names carry a client id (path parameters, id-like parameters, values read
from the request under an id-like key, and anything computed from those), which fetch calls
use one, and whether anything ties the record to the caller: an owner field in the query, a
query through the user (``current_user.notes``), a comparison with the current user, an
object-permission call. DRF/Django class views are checked for a user-scoped queryset.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..knowledge import Knowledge, Row
from ..source import SourceDoc
from ..syntax import dotted, keyed_read, string_value
from .analysis import Verdict, operators_only
from .behaviour import body_guard, permission_gate
from .identity import ID_NAME, caller_locals, caller_names, current_user_expression, holds_caller, is_caller, is_user_expr
from .data import first_row, glob_any
from .nodes import assignments_in_order, function_nodes
from .owner_helpers import compares_record_with_caller, owner_parameters
from .querysets import unscoped_returns
from .public import ends_request, flag_of
from .view import SHARED_SECRET, ProjectView, guard_for, lookup

_REQUEST_READS = ("args", "form", "json", "values", "GET", "POST", "data", "query_params", "view_args", "kwargs", "path_params")
_SQL_WHERE_ID = re.compile(r"\bwhere\b.*?\b(\w*id)\s*=", re.IGNORECASE | re.DOTALL)
_PRIVATE_FIELDS = frozenset({"email", "phone", "code", "token", "secret", "address", "body", "message", "amount", "balance"})
_CONVERSIONS = frozenset({"int", "str", "float", "UUID", "ObjectId", "slugify", "strip", "lower"})
_SQL_STATEMENT = re.compile(r"^\s*(select|update|delete)\b", re.IGNORECASE)
_SQL_WRITE = re.compile(r"^\s*(update|delete)\b", re.IGNORECASE)
_SQL_TABLE = re.compile(r"\b(?:from|update|into)\s+[`\"]?(\w+)", re.IGNORECASE)
_DETAIL_BASES = ("ModelViewSet", "RetrieveUpdateDestroyAPIView", "RetrieveUpdateAPIView", "RetrieveDestroyAPIView",
                 "RetrieveAPIView", "DestroyAPIView", "UpdateAPIView", "DetailView", "UpdateView", "DeleteView",
                 "GenericViewSet", "ReadOnlyModelViewSet")


@dataclass
class Model:
    name: str
    owner_field: str | None
    known: bool
    is_user_model: bool
    owner_kind: str = "user"
    per_user: bool = False  # keyed by a user id column (no separate owner field to add)
    ambiguous: bool = False  # several user keys (sender, recipient): no single fix


@dataclass
class Unchecked:
    """One fetch by a client id without an ownership constraint."""

    call: ast.Call | None
    anchor: ast.AST
    row: Row | None
    id_name: str
    model: Model
    function: ast.FunctionDef | ast.AsyncFunctionDef | None
    user_expr: str | None
    writes: bool
    #: A class view's unscoped ``get_queryset`` return values, for the fix to narrow.
    queryset_values: tuple[ast.expr, ...] = ()
    #: The helper call the query starts from when it admits records shared with the caller
    #: (``get_user_calendars(request.user)``): scoped for reading, not for changing.
    shared_scope: str | None = None


def _request_read(expr: ast.AST) -> str | None:
    """The key of ``request.args.get("id")``/``request.json["id"]``/``self.kwargs["pk"]``."""
    read = keyed_read(expr)
    if read is None:
        return None
    base, key = read
    if isinstance(base, ast.Attribute) and base.attr in _REQUEST_READS and key:
        return key
    return None


def _id_carriers(value: ast.AST):  # -> Iterator[ast.AST]
    """Sub-expressions through which an id keeps being the client's id: conversions
    (``int(x)``, ``UUID(x)``), arithmetic, formatting, request reads — but not the result of a
    query (``room = Room.query.filter(...)``: ``room.id`` comes from the database)."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Call) and _request_read(node) is None and (dotted(node.func) or "").rsplit(".", 1)[-1] not in _CONVERSIONS:
            continue
        stack.extend(ast.iter_child_nodes(node))


def tainted_names(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, path_params: list[str]) -> set[str]:
    """Names in ``func`` that hold (or derive from) a client-supplied id."""
    args = [a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]]
    tainted = {a for a in args if a in path_params or ID_NAME.match(a)}
    assigns = assignments_in_order(doc, func)  # one pass follows a chain of locals; the second catches loops
    for _ in range(2):
        for node in assigns:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            assert value is not None
            hit = False
            for sub in _id_carriers(value):
                if isinstance(sub, ast.Name) and sub.id in tainted:
                    hit = True
                key = _request_read(sub)
                if key and ID_NAME.match(key):
                    hit = True
            if hit:
                tainted.update(t.id for t in targets if isinstance(t, ast.Name))
    return tainted


def _mentions(expr: ast.AST | None, names: set[str], request_ids: bool = True) -> str | None:
    if expr is None:
        return None
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Name) and sub.id in names:
            return sub.id
        if request_ids:
            key = _request_read(sub)
            if key and ID_NAME.match(key):
                return key
    return None


def _public_flag(doc: SourceDoc, call: ast.Call) -> str | None:
    """A public flag (:func:`.public.flag_of`) the query requires, in the call or the calls
    chained to it (``.where(Job.uuid == id, Job.published)``, ``filter_by(id=id,
    is_public=True)``, ``WHERE id = ? AND is_public = 1``)."""
    chain: list[ast.Call] = [call]
    outer = doc.parent(call)
    while isinstance(outer, ast.Attribute) and isinstance(doc.parent(outer), ast.Call):
        chain.append(doc.parent(outer))  # type: ignore[arg-type]
        outer = doc.parent(doc.parent(outer))
    base = call.func.value if isinstance(call.func, ast.Attribute) else None
    while isinstance(base, (ast.Call, ast.Attribute)):
        if isinstance(base, ast.Call):
            chain.append(base)
            base = base.func
        base = base.value if isinstance(base, ast.Attribute) else None
    return next((flag for flag in map(flag_of, chain) if flag), None)


def _owner_fields(knowledge: Knowledge) -> list[str]:
    return [n for row in knowledge.rows("access_owner_fields") for n in row["names"]]


def _owner_field_of(fields: list[str], knowledge: Knowledge) -> tuple[str | None, str]:
    for row in knowledge.rows("access_owner_fields"):
        for name in row["names"]:
            if name in fields:
                row.hit()
                return name, str(row["kind"])
    return None, "user"


def _model_facts(name: str, view: ProjectView) -> tuple[str, dict | None]:
    facts = view.models.get(name)
    if facts is None:
        lowered = name.lower()
        for cls, info in view.models.items():
            if info.get("table") == name or cls.lower() in (lowered, lowered.rstrip("s"), lowered[:-2] if lowered.endswith("es") else lowered):
                return cls, info
    return name, facts


def model_info(name: str | None, view: ProjectView, knowledge: Knowledge, depth: int = 0) -> Model:
    if not name:
        return Model("record", None, False, False)
    name = name.rsplit(".", 1)[-1]  # models.Todo → Todo
    name, facts = _model_facts(name, view)
    user_row = first_row(knowledge, "access_user_models", "names", name)
    if facts is None:
        return Model(name, None, False, user_row is not None)
    field, kind = _owner_field_of(facts["fields"], knowledge)
    if field is not None and kind == "user" and _keys_a_non_account(facts, field, view):
        field, kind = None, "user"  # customer_id of a hotel's Customer: not whoever logs in
    if field is None and not facts.get("user_fks"):
        # `member_id = ForeignKey("member.id")` where Member holds the passwords: the field
        # named after the account model is the owner (a `seller` key to it would be an author).
        accounts = view.account_names
        field = next((f for f, target in facts.get("fks", {}).items() if target in accounts and f.lower().removesuffix("_id") in accounts), None)
        if field is not None:
            return Model(name, field, True, user_row is not None, "user")
    if field is None and facts.get("user_fks"):
        # A key to the user model not named like an author (those are owner fields of kind
        # "author" above): student, holder, requester own a private record. Two of them
        # (sender, recipient) give no single constraint to add.
        field, kind = facts["user_fks"][0], "user"
        if len(facts["user_fks"]) > 1:
            return Model(name, field, True, user_row is not None, kind, ambiguous=True)
    if field is None and depth == 0:
        # Owned through its parent (Grade -> Enrollment -> student): private as the parent
        # is, but the constraint goes through a join, so no single field to add.
        for fk, target in facts.get("fks", {}).items():
            parent = model_info(target, view, knowledge, depth + 1)
            if parent.known and parent.owner_field and parent.owner_kind != "author":
                return Model(name, fk, True, user_row is not None, parent.owner_kind, ambiguous=True)
    return Model(name, field, True, user_row is not None, kind)


def _keys_a_non_account(facts: dict, field: str, view: ProjectView) -> bool:
    """Whether ``field`` is a foreign key to a model of the app that holds no password
    while another model does: it names a record's customer or member, not the caller."""
    target = facts.get("fks", {}).get(field)
    accounts = view.account_names
    if not target or not accounts:
        return False
    wanted = target.lower().removesuffix("s")
    known = any(name.lower().removesuffix("s") == wanted or str(info.get("table") or "").lower().removesuffix("s") == wanted for name, info in view.models.items())
    return known and not any(a.removesuffix("s") == wanted for a in accounts)


def _model_name(call: ast.Call, row: Row) -> str | None:
    where = row["model"]
    if where == "receiver":
        base = call.func.value if isinstance(call.func, ast.Attribute) else None
        while isinstance(base, (ast.Attribute, ast.Call)):
            base = base.value if isinstance(base, ast.Attribute) else base.func
        return base.id if isinstance(base, ast.Name) else None
    if where == "arg0" and call.args:
        return dotted(call.args[0])
    if where == "query_arg":
        inner = call.func.value if isinstance(call.func, ast.Attribute) else None
        if isinstance(inner, ast.Call) and inner.args:
            return dotted(inner.args[0])
    if where == "compare":
        for arg in call.args:
            for node in ast.walk(arg):
                if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute):
                    return dotted(node.left.value)
        return None
    if where == "sql" and call.args:
        text = _sql_text(call.args[0]) or ""
        match = _SQL_TABLE.search(text)
        return match.group(1) if match else None
    if where == "collection" and isinstance(call.func, ast.Attribute):
        base = call.func.value
        if isinstance(base, ast.Attribute):
            return base.attr
        if isinstance(base, ast.Subscript):
            return string_value(base.slice)
    return None


def _sql_expr(expr: ast.AST) -> ast.AST:
    if isinstance(expr, ast.Call) and (dotted(expr.func) or "").rsplit(".", 1)[-1] == "text" and expr.args:
        return expr.args[0]
    return expr


def _sql_text(expr: ast.AST) -> str | None:
    """The SQL of ``"..."`` or ``text("...")`` (SQLAlchemy); in an f-string each ``{value}``
    reads as a ``?`` placeholder (bound to that value, see :func:`_sql_bindings`)."""
    expr = _sql_expr(expr)
    if isinstance(expr, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?" for v in expr.values)
    return string_value(expr)


def _id_argument(call: ast.Call, row: Row, tainted: set[str], owner_fields: list[str], user_names: frozenset[str]) -> tuple[str | None, bool, bool]:
    """(the tainted id name used, whether the call itself carries an owner constraint,
    whether the client's id is compared with an owner column).

    An owner field only constrains when its value is the caller (``user_id=current_user.id``);
    ``filter_by(user_id=user_id)`` with the client's ``user_id`` is itself a fetch by a client id.
    """
    where = row["id"]
    if where in ("arg0", "arg1"):
        index = int(where[-1])
        return (_mentions(call.args[index], tainted) if len(call.args) > index else None), False, False
    via_owner = False  # the client's id is matched against an owner column (user_id=user_id)
    if where == "kwargs":
        constrained = False
        found = None
        for kw in call.keywords:
            field = (kw.arg or "").split("__")[0]
            client = _mentions(kw.value, tainted)
            if (field in owner_fields or is_caller(kw.value, user_names)) and not client:
                constrained = True  # user_id=current_user.id, member_id=<the caller's id>
            elif kw.arg and client and (kw.arg in ("id", "pk") or ID_NAME.match(kw.arg) or field in owner_fields):
                found = found or client
                via_owner = via_owner or field in owner_fields
        return found, constrained, via_owner
    if where == "compare":
        constrained = False
        found = None
        for arg in call.args:
            for node in ast.walk(arg):
                if not isinstance(node, ast.Compare) or len(node.comparators) != 1:
                    continue
                left, right = node.left, node.comparators[0]
                attr = left.attr if isinstance(left, ast.Attribute) else ""
                client = _mentions(right, tainted, request_ids=True)
                if (attr in owner_fields or is_caller(right, user_names)) and not client:
                    constrained = True
                elif client and (attr in ("id", "pk") or ID_NAME.match(attr) or attr in owner_fields):
                    found = found or client
                    via_owner = via_owner or attr in owner_fields
        return found, constrained, via_owner
    if where == "sql" and call.args:
        text = _sql_text(call.args[0])
        if text is None or not _SQL_WHERE_ID.search(text):
            return None, False, False
        rest = call.args[1:] + [kw.value for kw in call.keywords]
        bound = [(column, value) for column, value in _sql_bindings(text, call) if value is not None]
        if bound:
            # Each `column = placeholder` of the WHERE clause with the value bound to it.
            caller = any(is_caller(value, user_names) for _, value in bound)
            found = None
            via_owner = False
            for column, value in bound:
                client = _mentions(value, tainted)
                if client and not is_caller(value, user_names):
                    found = found or client
                    via_owner = via_owner or column in owner_fields
            return found, caller, via_owner and not caller
        name = next((n for n in (_mentions(a, tainted) for a in rest) if n), None)
        caller_bound = any(is_caller(a, user_names) for a in rest)
        where_part = _SQL_WHERE.split(text, 1)[-1]
        owner_column = any(re.search(rf"\b{re.escape(f)}\s*=", where_part, re.IGNORECASE) for f in owner_fields)
        return name, caller_bound and owner_column, owner_column and not caller_bound
    if where == "document" and call.args and isinstance(call.args[0], ast.Dict):
        keys = [string_value(k) for k in call.args[0].keys]
        constrained = False
        found = None
        for key, value in zip(keys, call.args[0].values):
            client = _mentions(value, tainted)
            if (key in owner_fields or is_caller(value, user_names)) and not client:
                constrained = True
            elif client and key and (key in ("_id", "id") or ID_NAME.match(key) or key in owner_fields):
                found = found or client
                via_owner = via_owner or key in owner_fields
        return found, constrained, via_owner
    return None, False, False


_SQL_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)
_SQL_PLACEHOLDER = re.compile(r"\?|%s|%\((\w+)\)s|(?<![:\w]):(\w+)|\$(\d+)")
_SQL_CONDITION = re.compile(r"([\w.]+)\s*=\s*(\?|%s|%\(\w+\)s|:\w+|\$\d+)")


def _sql_bindings(text: str, call: ast.Call) -> list[tuple[str, ast.expr | None]]:
    """``(column, bound value)`` for each ``column = placeholder`` of the WHERE clause of
    ``call``'s SQL: positional placeholders (``?``, ``%s``, ``$1``) index the parameter tuple
    (or the remaining arguments of a helper taking them one by one), named ones (``:id``,
    ``%(id)s``) the parameter dict or keyword arguments. None where the value is not visible."""
    parts = _SQL_WHERE.split(text, 1)
    if len(parts) < 2:
        return []
    offset = len(parts[0])
    extra = call.args[1:]
    positional: list[ast.expr] = []
    named: dict[str, ast.expr] = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    inline = _sql_expr(call.args[0]) if call.args else None
    if isinstance(inline, ast.JoinedStr):  # f"... WHERE id = {hook_id}"
        positional = [v.value for v in inline.values if isinstance(v, ast.FormattedValue)]
    elif len(extra) == 1 and isinstance(extra[0], (ast.Tuple, ast.List)):
        positional = list(extra[0].elts)
    elif len(extra) == 1 and isinstance(extra[0], ast.Dict):
        named.update({k: v for k, v in zip((string_value(k) for k in extra[0].keys), extra[0].values) if k})
    elif extra:
        positional = list(extra)
    starts = [m.start() for m in _SQL_PLACEHOLDER.finditer(text) if m.group(0) in ("?", "%s")]
    found: list[tuple[str, ast.expr | None]] = []
    for match in _SQL_CONDITION.finditer(text, offset):
        column, placeholder = match.group(1).rsplit(".", 1)[-1].lower(), match.group(2)
        value: ast.expr | None = None
        if placeholder in ("?", "%s"):
            index = sum(1 for start in starts if start < match.start(2))
            value = positional[index] if index < len(positional) else None
        elif placeholder.startswith("$"):
            index = int(placeholder[1:]) - 1
            value = positional[index] if 0 <= index < len(positional) else None
        else:
            value = named.get(placeholder[2:-2] if placeholder.startswith("%(") else placeholder[1:])
        found.append((column, value))
    return found


def _chain_scoped(call: ast.Call, owner_fields: list[str], user_names: frozenset[str], doc: SourceDoc | None = None) -> bool:
    """The query goes through the user or filters on an owner field before this call, or a
    call chained after it filters on an owner field with the caller
    (``query(Todo).filter(Todo.id == id).filter(Todo.owner_id == user.id)``)."""
    outer = doc.parent(call) if doc is not None else None
    while isinstance(outer, ast.Attribute) and doc is not None:
        chained = doc.parent(outer)
        if not isinstance(chained, ast.Call):
            break
        values = [*chained.args, *(k.value for k in chained.keywords if k.arg in owner_fields)]
        if any(is_caller(v, user_names) for v in values) and (any(k.arg in owner_fields for k in chained.keywords) or any(isinstance(s, ast.Attribute) and s.attr in owner_fields for a in chained.args for s in ast.walk(a))):
            return True
        outer = doc.parent(chained)
    base: ast.AST | None = call.func.value if isinstance(call.func, ast.Attribute) else None
    while base is not None:
        if is_user_expr(base, user_names):
            return True
        if isinstance(base, ast.Call):
            for kw in base.keywords:
                if kw.arg in owner_fields:
                    return True
            for arg in base.args:
                if any(isinstance(s, ast.Attribute) and s.attr in owner_fields for s in ast.walk(arg)):
                    return True
            base = base.func
        elif isinstance(base, ast.Attribute):
            base = base.value
        else:
            base = None
    return False


def _checked_in_body(doc: SourceDoc, func: ast.AST, user_names: frozenset[str], knowledge: Knowledge, view: ProjectView) -> str | None:
    """A comparison with the caller's identity outside a query (either branch form: ``if
    note["user_id"] != uid: abort(403)``, ``if note.owner == user: ... else: 403``), or an
    object-permission call. A comparison inside a query's filter is judged with the query: a
    filter on the owner column with the client's value (``user_id == id``) is no check.
    Says how the handler is checked, None when it is not."""
    check_rows = knowledge.rows("access_object_checks")
    for node in function_nodes(doc, func):
        if isinstance(node, ast.Compare):
            if any(isinstance(c, ast.Constant) and c.value is None for c in node.comparators):
                continue  # `g.operator is None`: whether someone is logged in, not whose record
            if isinstance(doc.parent(node), ast.Call) or isinstance(doc.parent(node), ast.keyword):
                continue  # Note.query.filter(Note.user_id == id): a query condition
            if any(holds_caller(side, user_names, knowledge, view) for side in [node.left, *node.comparators]):
                return "a comparison with the caller in the handler"
        elif isinstance(node, ast.Call):
            written = dotted(node.func) or ""
            if check_rows and glob_any(check_rows[0]["calls"], written, written.rsplit(".", 1)[-1]):
                check_rows[0].hit()
                return f"an object-permission call (`{written}`)"
            if _owner_checker_call(doc, node, user_names, knowledge, view):
                return f"`{written}` compares the record's owner with the caller"
    return None


def _owner_checker_call(doc: SourceDoc, call: ast.Call, user_names: frozenset[str], knowledge: Knowledge, view: ProjectView) -> bool:
    """A call of a project helper that compares a record's owner with the caller
    (:func:`.owner_helpers.owner_check_fact`): with the caller itself, or with the argument
    this call passes where the caller belongs (``ensure_owner(note, current_user)``)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name is None or name not in view.owner_check_names:
        return False
    found = lookup(view.owner_checks, (ctx_resolve(doc, func) or "").replace("()", ""))
    if found is None:
        return False
    params: list[str] = found[1]["params"]
    against: list[int] = found[1]["against"]
    given = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    values = [call.args[i] if i < len(call.args) else given.get(params[i]) for i in against]
    return not against or any(v is not None and holds_caller(v, user_names, knowledge, view) for v in values)


def _visible_records_helper(doc: SourceDoc, call: ast.Call, view: ProjectView, user_names: frozenset[str], knowledge: Knowledge) -> tuple[str, bool] | None:
    """``(helper call, admits shared records)`` when the fetch starts from a project helper
    given the caller that builds the query of the records they may see
    (``get_object_or_404(get_user_calendars(request.user), id=calendar_id)``,
    ``visible_notes(user).get(id=note_id)``; :func:`.owner_helpers.scope_helper_fact`)."""
    if not view.scope_helpers:
        return None
    for sub in ast.walk(call):
        if sub is call or not isinstance(sub, ast.Call):
            continue
        found = lookup(view.scope_helpers, (ctx_resolve(doc, sub.func) or dotted(sub.func) or "").replace("()", ""))
        if found is None:
            continue
        index = int(found[1]["param"])
        if index < len(sub.args) and holds_caller(sub.args[index], user_names, knowledge, view):
            return doc.source_of(sub), bool(found[1]["shared"])
    return None


def unchecked_fetches(doc: SourceDoc, verdict: Verdict, view: ProjectView, knowledge: Knowledge, config_guards: tuple[str, ...], checked: list[str] | None = None) -> list[Unchecked]:
    """The fetches by a client-supplied id that nothing ties to the caller. ``checked``, when
    given, receives one line per id or handler that was tied to the caller, saying how (the
    route checklist prints them)."""
    route = verdict.route
    checked = [] if checked is None else checked
    if verdict.admin_checked or verdict.admin_route or route.object_permission or verdict.public:
        return []
    if any(g.source == SHARED_SECRET for g in route.guards):
        return []  # a service holding the app's shared secret has no identity to own records
    if view.operator_credentials and operators_only(view, knowledge):
        checked.append("only the operator can log in (the configured credentials): acting on any record is the app's purpose")
        return []
    owner_fields = _owner_fields(knowledge)
    found: list[Unchecked] = []
    fetch_rows = knowledge.rows("access_fetch_calls")
    writes = bool(verdict.effects.writes) or any(m in ("PUT", "PATCH", "DELETE") for m in route.methods)
    for func in route.functions:
        user_names = caller_names(doc, route, func, view, knowledge, config_guards)
        # A parameter bound to the caller (guest_id = Depends(current_guest)) is no client id.
        tainted = tainted_names(doc, func, route.path_params) - user_names
        if route.caller_params is not None:  # OPS[name](args, user): args is the request's data
            user_names = user_names | set(route.caller_params)
            tainted |= {a.arg for a in [*func.args.posonlyargs, *func.args.args]} - user_names
        client = frozenset(tainted)
        user_names = caller_locals(doc, func, user_names, knowledge, view, lambda value, names: _mentions(value, set(client - names)) is not None)
        tainted -= user_names
        if not tainted and "request" not in doc.text:
            continue
        if route.is_class and (body_guard(func, knowledge) == "admin" or permission_gate(func, knowledge)):
            checked.append(f"`{func.name}` refuses callers without the role it tests")
            continue  # a staff method of a class view (the others are judged on their own)
        how = _checked_in_body(doc, func, user_names, knowledge, view)
        if how is not None:
            checked.append(how)
            continue
        user_expr = current_user_expression(doc, route, user_names)
        scoped_ids = {param for param in route.owned_params if param in tainted}
        checked.extend(f"`{param}` is tied to the caller by `{route.owned_params[param]}` before the handler runs" for param in sorted(scoped_ids))
        for id_name, among in _membership_checked(func, user_names, tainted).items():
            scoped_ids.add(id_name)
            checked.append(f"`{id_name}` is refused unless it is among `{among}`, records tied to the caller")
        candidates: list[tuple[ast.Call, Row, str, bool]] = []
        helper_calls: list[tuple[ast.Call, str, str | None]] = []  # repo.get(claim_id)
        bound_to_caller: list[ast.Call] = []  # queries and helper calls tied to the caller
        for node in function_nodes(doc, func):
            if not isinstance(node, ast.Call):
                continue
            row = fetch_row(node, fetch_rows)
            if row is None and isinstance(node.func, ast.Attribute) and node.func.attr in _LIBRARY_FETCH_METHODS:
                resolved = ctx_resolve(doc, node.func)  # rows naming library types (Session.get)
                row = next((r for r in fetch_rows if glob_any([r["call"]], resolved)), None)
            if row is None:
                helper = _helper_fetch(doc, node, view, tainted, user_names)
                if helper is None:
                    continue
                id_name, constrained, table = helper
                if constrained:
                    bound_to_caller.append(node)
                if id_name is None:
                    continue
                if constrained:
                    scoped_ids.add(id_name)
                    checked.append(f"`{id_name}` is passed with the caller to `{dotted(node.func)}`")
                else:
                    helper_calls.append((node, id_name, table))
                continue
            id_name, constrained, via_owner = _id_argument(node, row, tainted, owner_fields, user_names)
            if constrained:
                bound_to_caller.append(node)
            if id_name is None:
                continue
            shared = _visible_records_helper(doc, node, view, user_names, knowledge)
            if constrained or _chain_scoped(node, owner_fields, user_names, doc) and not (shared and shared[1]):
                scoped_ids.add(id_name)  # ownership established for this id in this handler
                checked.append(f"the query by `{id_name}` is bound to the caller")
                continue
            candidates.append((node, row, id_name, via_owner))
        reported: set[str] = set()  # one finding per client id and handler: its first fetch
        candidates.sort(key=lambda c: (c[0].lineno, c[0].col_offset))
        # Ownership through a parent holds for the client id, whichever fetch by it is checked.
        for node, id_name in [(c[0], c[2]) for c in candidates] + [(h[0], h[1]) for h in helper_calls]:
            parent = _parent_bound(doc, node, bound_to_caller)
            if parent is not None and id_name not in scoped_ids:
                scoped_ids.add(id_name)
                checked.append(f"`{id_name}` is checked through its parent: `{dotted(parent.func)}` ties `{_parent_text(doc, parent)}` to the caller")
            parent_id = _checked_parent_id(doc, node, id_name, scoped_ids)
            if parent_id is not None and id_name not in scoped_ids:
                scoped_ids.add(id_name)
                checked.append(f"`{id_name}` is looked up under `{parent_id}`, which is tied to the caller")
        _scope_children(doc, candidates, bound_to_caller, scoped_ids, checked)
        for node, row, id_name, via_owner in candidates:
            if id_name in scoped_ids or id_name in reported:
                continue
            flag = _public_flag(doc, node)
            if flag is not None:
                checked.append(f"public by design: the query by `{id_name}` requires `{flag}`")
                continue
            if _signature_gated(doc, func, node, knowledge):
                checked.append(f"`{id_name}` is used only once a signature check over the request passed")
                continue
            model = model_info(_model_name(node, row), view, knowledge)
            if not via_owner and _listed_for_everyone(model.name, view, knowledge, config_guards):
                checked.append(f"shared records: a route of the app lists every {model.name}")
                continue
            if not via_owner and model.name in view.publicly_listed and not _changes_fetched(doc, func, node):
                # (reading one shows what the index shows anyone; changing one still needs its owner)
                checked.append(f"public content: the open index page lists every {model.name}")
                continue
            if via_owner and not model.owner_field:
                # `WHERE user_id = :u` with the client's user id: per-user records by definition.
                model = Model(model.name, None, model.known, model.is_user_model, "user", per_user=True)
            # Authored content and another user's account (follow them, message them) are
            # only a finding when the handler changes the very record it fetched.
            changes = _changes_fetched(doc, func, node) if model.owner_kind == "author" or model.is_user_model and not model.owner_field else writes
            if not _changes_fetched(doc, func, node):
                # The record is only the target of the caller's own action (a comment of
                # theirs on it, their follow of it, their like of it): judged as the read it
                # still is, if any.
                target = _target_use(doc, func, node, id_name, user_names)
                if target == "only" or changes and target == "read" and model.is_user_model:
                    # (another account's profile, read to follow it, is the account's public face)
                    checked.append(f"`{id_name}` names only the target of the caller's own record or relation")
                    continue
                changes = changes and target is None
            visible = _visible_records_helper(doc, node, view, user_names, knowledge)
            # A class view's `get` only reads, whatever its sibling `post` writes.
            if visible is not None and not (visible[1] and changes and (not route.is_class or func.name not in ("get", "head", "list", "retrieve"))):
                checked.append(f"the query by `{id_name}` starts from `{visible[0]}`, the records the caller may see")
                continue
            if not _worth_flagging(model, verdict, changes):
                continue
            row.hit()
            reported.add(id_name)
            found.append(Unchecked(node, node, row, id_name, model, func, user_expr, writes and changes, shared_scope=visible[0] if visible else None))
        for node, id_name, table in helper_calls:
            model = model_info(table, view, knowledge)
            if id_name in scoped_ids or id_name in reported or not _worth_flagging(model, verdict, writes):
                continue
            reported.add(id_name)
            found.append(Unchecked(node, node, None, id_name, model, func, user_expr, writes))
    if route.is_class:
        found.extend(_class_queryset(doc, verdict, view, knowledge, owner_fields, checked))
    return found


def _listed_for_everyone(model: str, view: ProjectView, knowledge: Knowledge, config_guards: tuple[str, ...]) -> bool:
    """Whether a route any logged-in user may call lists every ``model`` record (shared
    records): decided when the facts were extracted, or now for a route protected by a
    dependency or decorator defined in another module."""
    if model in view.listed_models:
        return True
    for target in view.listed_models_if.get(model, ()):
        guard = guard_for(knowledge, view, config_guards, target, target, "dependency")
        if guard is not None and guard.kind == "login":
            return True
    return False


def fetch_row(call: ast.Call, fetch_rows: list[Row]) -> Row | None:
    """The fetch row matching ``call`` by its written name, or the SQL row for a project's
    own ``query("SELECT ...", ...)`` helper."""
    written = dotted(call.func)
    row = next((r for r in fetch_rows if glob_any([r["call"]], written)), None)
    if row is None and call.args and _SQL_STATEMENT.match(string_value(call.args[0]) or ""):
        row = next((r for r in fetch_rows if r["id"] == "sql"), None)
    return row


# -- fetch helpers: repository methods and functions that load a record by their argument --
_HELPER_CALL_NAMES = frozenset({"get", "get_or_404", "filter_by", "filter", "where", "execute", "find_one", "delete_one", "update_one"})


def helper_fact(doc: SourceDoc, call: ast.Call, knowledge: Knowledge) -> tuple[str, dict[str, object]] | None:
    """``(qualified name, fact)`` when ``call`` fetches a record inside a plain function or
    method by one of its parameters (``def get(self, claim_id): ... WHERE id = ?``), without
    an owner constraint of its own. The fact says which argument of a call to the helper is
    the id (and which are matched against other columns: passing the caller there scopes it).
    Routes calling the helper with a client id are then checked like a direct fetch."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name not in _HELPER_CALL_NAMES and not (call.args and _SQL_STATEMENT.match(string_value(call.args[0]) or "")):
        return None
    scope = doc.scope_of(call)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) or scope.decorator_list:
        return None
    params = [a.arg for a in [*scope.args.posonlyargs, *scope.args.args]]
    owner = doc.parent(scope)
    if isinstance(owner, ast.ClassDef):
        params = params[1:]  # self
        key = f"{owner.name}.{scope.name}"
        if not isinstance(doc.parent(owner), ast.Module):
            return None
    elif isinstance(owner, ast.Module):
        key = scope.name
    else:
        return None
    if not params or params[0] in ("request", "req"):
        return None  # a view, called by the framework
    row = fetch_row(call, knowledge.rows("access_fetch_calls"))
    if row is None:
        return None
    owner_fields = _owner_fields(knowledge)
    bindings: list[list[object]] = []
    if row["id"] == "sql":
        text = _sql_text(call.args[0]) if call.args else None
        if text is None or not _SQL_WHERE_ID.search(text):
            return None
        for column, value in _sql_bindings(text, call):
            used = _mentions(value, set(params), request_ids=False) if value is not None else None
            if used is not None:
                bindings.append([column, params.index(used)])
        table = _model_name(call, row)
    else:
        id_name, constrained, _ = _id_argument(call, row, set(params), owner_fields, frozenset())
        if id_name not in params or constrained or _chain_scoped(call, owner_fields, frozenset()):
            return None  # (a request key read inside the helper is no argument of it)
        bindings.append(["id", params.index(id_name)])
        table = _model_name(call, row)
    if not any(_is_id_column(str(c), owner_fields) for c, _ in bindings):
        return None
    # The owner matched against another parameter in the query or after it (`if
    # note.owner_id != user.id: raise`): the call passing the caller there is scoped.
    id_params = {params[int(i)] for c, i in bindings if _is_id_column(str(c), owner_fields)}  # type: ignore[call-overload]
    owner_bindings, self_checked = owner_parameters(scope, params, id_params, frozenset(owner_fields))
    if self_checked:
        return None
    bindings += [b for b in owner_bindings if b not in bindings]
    module = doc.module_name
    writes = row["id"] == "sql" and bool(_SQL_WRITE.match(_sql_text(call.args[0]) or ""))
    return (f"{module}.{key}" if module else key), {"bindings": bindings, "params": params, "table": table, "writes": writes}


def _is_id_column(column: str, owner_fields: list[str]) -> bool:
    return column not in owner_fields and (column in ("id", "pk", "_id") or bool(ID_NAME.match(column)))


def _helper_fetch(doc: SourceDoc, call: ast.Call, view: ProjectView, tainted: set[str], user_names: frozenset[str]) -> tuple[str | None, bool, str | None] | None:
    """(client id passed, whether the caller is passed for another column, table) for a call
    of a project fetch helper (:func:`helper_fact`) with a client id or the caller (no
    client id: a parent record's field, see :func:`_parent_bound`)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if not view.may_fetch(name):
        return None
    found = lookup(view.fetchers, (ctx_resolve(doc, func) or "").replace("()", ""))
    if found is None:
        return None
    info = found[1]
    params: list[str] = info["params"]
    given = {kw.arg: kw.value for kw in call.keywords if kw.arg}

    def argument(index: int) -> ast.expr | None:
        return call.args[index] if index < len(call.args) else given.get(params[index])

    id_name = None
    caller = False
    for column, index in info["bindings"]:
        value = argument(index)
        if value is None:
            continue
        if is_caller(value, user_names):
            caller = True
        elif id_name is None and (column in ("id", "pk", "_id") or ID_NAME.match(column)):
            id_name = _mentions(value, tainted)
    if id_name is None and not caller:
        return None
    return id_name, caller, info["table"]


_LIBRARY_FETCH_METHODS = frozenset({"get", "get_or_404", "find_one", "execute", "scalars", "scalar"})
_CHANGING_METHODS = frozenset({"save", "delete", "update", "update_one", "delete_one", "replace_one"})


def _changes_fetched(doc: SourceDoc, func: ast.AST, call: ast.Call) -> bool:
    """Whether the handler changes the very record ``call`` fetched (not some other one)."""
    parent = doc.parent(call)
    if isinstance(parent, ast.Attribute) and parent.attr in _CHANGING_METHODS:
        return True  # Note.objects.filter(pk=pk).update(...)
    while parent is not None and not isinstance(parent, ast.stmt):
        parent = doc.parent(parent)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    var = parent.targets[0].id
    binders = set()  # forms and serializers bound to the record and to submitted data
    for node in function_nodes(doc, func):
        if isinstance(node, ast.Assign) and _binds_record_to_data(node.value, var):
            binders.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in function_nodes(doc, func):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == var for t in targets):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _CHANGING_METHODS and isinstance(node.func.value, ast.Name) and node.func.value.id == var:
                return True
            if node.func.attr == "delete" and any(isinstance(a, ast.Name) and a.id == var for a in node.args):
                return True
            if node.func.attr == "save" and isinstance(node.func.value, ast.Name) and node.func.value.id in binders:
                return True
    return False


def _binds_record_to_data(value: ast.expr, var: str) -> bool:
    """``HabitForm(request.POST, instance=habit)`` or ``NoteSerializer(note, data=request.data)``:
    a Django ModelForm or DRF serializer holding the record ``var`` and submitted data, whose
    ``save()`` writes that data into the record. An unbound ``HabitForm(instance=habit)`` only
    shows it."""
    if not isinstance(value, ast.Call):
        return False
    instance = next((kw.value for kw in value.keywords if kw.arg == "instance"), None)
    has_data = any(kw.arg == "data" for kw in value.keywords)
    if instance is not None:
        return _is_name(instance, var) and bool(value.args or has_data)
    return bool(value.args) and _is_name(value.args[0], var) and (has_data or len(value.args) > 1)


def _is_name(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _relation_of(receiver: ast.expr | None, var: str | None) -> bool:
    """``recipe.likes`` for the record ``recipe``: a relation the record holds."""
    return var is not None and isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == var


def _parent_bound(doc: SourceDoc, call: ast.Call, bound: list[ast.Call]) -> ast.Call | None:
    """A query or helper call tied to the caller that is given a field of the record ``call``
    fetched (``get_file_by_id(db, analysis.file_id, current_user.id)``,
    ``Member.query.filter_by(household_id=invitation.household_id, user_id=me)``): ownership
    through the parent, which the handler (or the helper) acts on."""
    var = _assigned_name(doc, call)
    if var is None:
        return None
    for other in bound:
        passed = [*other.args, *(kw.value for kw in other.keywords)]
        nested = [n for arg in passed for n in ast.walk(arg) if isinstance(n, ast.Call)]
        for chained in [other, *nested]:
            values = [*chained.args, *(kw.value for kw in chained.keywords)]
            if any(isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == var for value in values for sub in ast.walk(value)):
                return other
            if any(isinstance(value, ast.Name) and value.id == var for value in values):
                return other  # the record itself (FamilyMember ... family=family, user=request.user)
    return None


def _signature_gated(doc: SourceDoc, func: ast.AST, call: ast.Call, knowledge: Knowledge) -> bool:
    """Whether ``call`` runs only once a signature check passed (rows
    ``access_signature_checks``: ``if hmac.compare_digest(expected, signature): <update by
    order_id>``, or ``if not ...: return`` before it). A payment provider's callback signs
    the ids it sends with the server's secret: whoever presents them got them from it, so
    the id is verified, not merely supplied."""
    rows = knowledge.rows("access_signature_checks")
    if not rows:
        return False

    def checks_signature(test: ast.expr) -> bool:
        return any(isinstance(n, ast.Call) and glob_any(rows[0]["calls"], dotted(n.func)) for n in ast.walk(test))

    ancestor = doc.parent(call)
    while ancestor is not None and ancestor is not func:
        if isinstance(ancestor, ast.If) and checks_signature(ancestor.test) and not isinstance(ancestor.test, ast.UnaryOp) and _inside(call, ancestor.body):
            return True
        ancestor = doc.parent(ancestor)
    body = getattr(func, "body", [])
    return any(isinstance(stmt, ast.If) and isinstance(stmt.test, ast.UnaryOp) and isinstance(stmt.test.op, ast.Not) and checks_signature(stmt.test)
               and stmt.body and isinstance(stmt.body[-1], (ast.Return, ast.Raise)) and stmt.lineno < call.lineno for stmt in body)


def _inside(node: ast.AST, block: list[ast.stmt]) -> bool:
    return any(node is sub for stmt in block for sub in ast.walk(stmt))


def _membership_checked(func: ast.FunctionDef | ast.AsyncFunctionDef, user_names: frozenset[str], tainted: set[str]) -> dict[str, str]:
    """Client ids the handler refuses, at its top level, unless they are among records tied to
    the caller: ``klassen = get_student_klassen(student_id)`` (the caller's classes) then ``if
    not any(k["id"] == klasse_id for k in klassen): return redirect(...)``, or ``if
    klasse_id not in ids: abort(403)``. An id so checked ties what is loaded by it in turn
    (``queue = get_topic_queue(klasse_id)``, then ``task_id`` checked against ``queue``).
    The id and the local it is checked against, in the order the code checks them."""
    tied = set(user_names)
    found: dict[str, str] = {}
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            if any(isinstance(n, ast.Name) and n.id in tied for n in ast.walk(stmt.value)):
                tied.add(stmt.targets[0].id)
            continue
        if not (isinstance(stmt, ast.If) and ends_request(stmt.body)):
            continue
        checked = _refused_unless_among(stmt.test, tied, tainted)
        if checked is not None:
            found[checked[0]] = checked[1]
            tied.add(checked[0])
    return found


def _refused_unless_among(test: ast.expr, tied: set[str], tainted: set[str]) -> tuple[str, str] | None:
    """``(id, collection)`` for ``not any(x["id"] == id for x in coll)`` or ``id not in coll``
    (``coll`` or the comprehension's source a tied local)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
        call = test.operand
        if (dotted(call.func) or "") == "any" and len(call.args) == 1 and isinstance(call.args[0], ast.GeneratorExp):
            gen = call.args[0]
            source = gen.generators[0].iter
            if isinstance(source, ast.Name) and source.id in tied and isinstance(gen.elt, ast.Compare) and isinstance(gen.elt.ops[0], ast.Eq):
                ids = [s.id for s in [gen.elt.left, *gen.elt.comparators] if isinstance(s, ast.Name) and s.id in tainted]
                if ids:
                    return ids[0], source.id
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn) and isinstance(test.left, ast.Name) and test.left.id in tainted:
        among = test.comparators[0]
        source = among.generators[0].iter if isinstance(among, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) else among
        if isinstance(source, ast.Name) and source.id in tied:
            return test.left.id, source.id
    return None


def _scope_children(doc: SourceDoc, candidates: list[tuple[ast.Call, Row, str, bool]], bound: list[ast.Call], scoped_ids: set[str], checked: list[str]) -> None:
    """Fetches selecting within a record tied to the caller are the caller's through that
    parent: ``quiz = get_object_or_404(Quiz, pk=quiz_pk, owner=request.user)`` then
    ``get_object_or_404(Question, pk=question_pk, quiz=quiz)``. A record counts as tied when
    a query bound to the caller loaded it, or its own client id was checked (through a
    membership, :func:`_parent_bound`); a child found this way ties its own children. A
    child selected within a parent the client alone named stays unchecked."""
    held = {name for call in bound if (name := _assigned_name(doc, call))}
    held |= {name for node, _, id_name, _ in candidates if id_name in scoped_ids and (name := _assigned_name(doc, node))}
    grew = True
    while grew:
        grew = False
        for node, _, id_name, _ in candidates:
            if id_name in scoped_ids:
                continue
            parent = _selected_within(node, held)
            if parent is None:
                continue
            scoped_ids.add(id_name)
            checked.append(f"`{id_name}` selects within `{parent}`, a record tied to the caller")
            name = _assigned_name(doc, node)
            if name:
                held.add(name)
            grew = True


def _selected_within(call: ast.Call, records: set[str]) -> str | None:
    """The local record among ``records`` that ``call`` selects by (``quiz=quiz``,
    ``family_id=family.id``, ``Question.quiz_id == quiz.id``)."""
    for value in [*call.args, *(kw.value for kw in call.keywords)]:
        for sub in ast.walk(value):
            if isinstance(sub, ast.Name) and sub.id in records:
                return sub.id
    return None


def _checked_parent_id(doc: SourceDoc, call: ast.Call, id_name: str, scoped: set[str]) -> str | None:
    """Another client id, already tied to the caller in this handler, that the fetch of
    ``id_name`` is also given (``_get_project_for_user_or_404(db, project_id, me.id)`` then
    ``_get_service_or_404(db, project_id, service_id)``, or ``filter(Service.id == sid,
    Service.project_id == project_id)``): the child is found only under the caller's parent,
    so another parent's child answers "not found". Read from the statement holding the fetch."""
    stmt: ast.AST | None = call
    while stmt is not None and not isinstance(stmt, ast.stmt):
        stmt = doc.parent(stmt)
    scope = stmt if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return)) else call
    value = getattr(scope, "value", None) if scope is not call else call
    for sub in ast.walk(value) if value is not None else ():
        if isinstance(sub, ast.Name) and sub.id != id_name and sub.id in scoped:
            return sub.id
    return None


def _parent_text(doc: SourceDoc, call: ast.Call) -> str:
    """The first argument naming a record's field, as written (for the checklist)."""
    for value in [*call.args, *(kw.value for kw in call.keywords)]:
        if any(isinstance(sub, ast.Attribute) for sub in ast.walk(value)):
            return doc.source_of(value)
    return doc.source_of(call)


def _target_use(doc: SourceDoc, func: ast.AST, call: ast.Call, id_name: str, user_names: frozenset[str]) -> str | None:
    """How a handler that does not change the record ``call`` fetched uses it: ``"only"``
    when the record (or its client id) serves only as the target of the caller's own action
    (``follower.unfollow(followee)`` on a caller object, ``Comment(user_id=current_user.id,
    post_id=post_id)``, ``recipe.likes.add(request.user)`` on a relation of the record) and is
    not otherwise read, ``"read"`` when it is also read (returned,
    rendered), None when no such action of the caller is seen."""
    var = _assigned_name(doc, call)
    targets = {var, id_name} - {None}
    actions: list[ast.Call] = []
    for node in function_nodes(doc, func):
        if not isinstance(node, ast.Call) or node is call:
            continue
        passed = [*node.args, *(kw.value for kw in node.keywords)]
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if _relation_of(receiver, var) and any(is_caller(value, user_names) for value in passed):
            actions.append(node)  # recipe.likes.add(request.user): the caller's own link to the record
            continue
        refers = any(isinstance(sub, ast.Name) and sub.id in targets for value in passed for sub in ast.walk(value))
        if not refers:
            continue
        by_caller = receiver is not None and is_caller(receiver, user_names)
        created = isinstance(node.func, (ast.Name, ast.Attribute)) and (dotted(node.func) or "").rsplit(".", 1)[-1][:1].isupper()
        owned = created and any(is_caller(kw.value, user_names) for kw in node.keywords)
        if by_caller or owned:
            actions.append(node)
    if not actions:
        return None
    if var is None:
        return "only"
    inside = {id(sub) for action in actions for sub in ast.walk(action)}
    reads = [n for n in function_nodes(doc, func) if isinstance(n, ast.Name) and n.id == var and isinstance(n.ctx, ast.Load) and id(n) not in inside]
    return "read" if any(not _existence_test(doc, n) for n in reads) else "only"


def _assigned_name(doc: SourceDoc, call: ast.Call) -> str | None:
    """``post`` in ``post = Post.query.get_or_404(post_id)`` (also behind ``await`` or ``or abort(404)``)."""
    parent = doc.parent(call)
    while isinstance(parent, (ast.Await, ast.BoolOp)):
        parent = doc.parent(parent)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _existence_test(doc: SourceDoc, name: ast.Name) -> bool:
    """``if not post:`` / ``if post is None:``: whether the record exists, not what it holds."""
    node: ast.AST = name
    parent = doc.parent(node)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not) or (
        isinstance(parent, ast.Compare) and parent.left is node and all(isinstance(c, ast.Constant) and c.value is None for c in parent.comparators)
    ):
        node, parent = parent, doc.parent(parent)
    return isinstance(parent, (ast.If, ast.IfExp, ast.While)) and parent.test is node


def ctx_resolve(doc: SourceDoc, func: ast.expr) -> str | None:
    """The resolved name of a called function, for rows naming library types."""
    try:
        return doc.resolve(func)
    except RecursionError:
        return None


def _worth_flagging(model: Model, verdict: Verdict, writes: bool) -> bool:
    if model.per_user:
        return True
    if model.owner_field and model.owner_kind == "author":
        return writes  # authored content (posts, threads) is usually readable by everyone
    if model.owner_field:
        return True
    if model.is_user_model:
        return verdict.authenticated and writes
    if model.known:
        return False
    # An unknown table (raw SQL) holds per-user records when the app knows its callers: a
    # guarded route, or one that should be (CW301 says so too; a login alone would not
    # stop one caller from loading another's record).
    return verdict.authenticated or verdict.needs_login


#: Mixins that give a ``GenericViewSet`` only routes without a record id.
_COLLECTION_MIXINS = frozenset({"ListModelMixin", "CreateModelMixin"})
_BY_ID_METHODS = frozenset({"retrieve", "update", "partial_update", "destroy", "get_object"})


def _serves_by_id(cls: ast.ClassDef, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> bool:
    """Whether the class view has a route that takes a record id. A ``GenericViewSet`` built
    from list/create mixins alone (``class Log(ListModelMixin, GenericViewSet)``) has none,
    unless it adds a detail method or a ``@action(detail=True)``: a list cannot serve another
    user's record by its id. Unknown project mixins count as serving one."""
    bases = {(dotted(b) or "").rsplit(".", 1)[-1] for b in cls.bases}
    if "GenericViewSet" not in bases or not bases & _COLLECTION_MIXINS:
        return True
    if bases - _COLLECTION_MIXINS - {"GenericViewSet"} or set(methods) & _BY_ID_METHODS:
        return True
    return any(
        isinstance(d, ast.Call) and (dotted(d.func) or "").rsplit(".", 1)[-1] == "action"
        and any(k.arg == "detail" and isinstance(k.value, ast.Constant) and k.value.value is True for k in d.keywords)
        for m in methods.values() for d in m.decorator_list
    )


def _class_queryset(doc: SourceDoc, verdict: Verdict, view: ProjectView, knowledge: Knowledge, owner_fields: list[str], checked: list[str]) -> list[Unchecked]:
    """A detail/update/delete class view whose queryset is not scoped to the user."""
    cls = verdict.route.node
    assert isinstance(cls, ast.ClassDef)
    if not any((dotted(b) or "").rsplit(".", 1)[-1] in _DETAIL_BASES for b in cls.bases):
        return []
    methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not _serves_by_id(cls, methods):
        return []
    own = set(methods) & {"get_object", "has_object_permission"}
    if own:
        checked.append(f"the view's own {', '.join(sorted(own))}")
        return []
    if "test_func" in methods and compares_record_with_caller(methods["test_func"], set()):
        checked.append("the view's test_func compares the object with the caller")
        return []
    owner_dispatch = _owner_dispatch_base(doc, view, cls)
    if owner_dispatch is not None:
        checked.append(f"{owner_dispatch}.dispatch refuses unless the record is the caller's")
        return []
    inherited = next(filter(None, (lookup(view.scoped_querysets, doc.resolve(base) or dotted(base)) for base in cls.bases)), None)
    if "get_queryset" in methods:
        return _get_queryset_branches(doc, verdict, view, knowledge, cls, methods["get_queryset"], checked, inherited is not None)
    if inherited is not None:
        checked.append(f"the get_queryset it inherits from {inherited[0].rsplit('.', 1)[-1]} is scoped to the caller")
        return []
    for stmt in cls.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        if stmt.targets[0].id not in ("queryset", "model"):
            continue
        name = _root_model(stmt.value)
        if isinstance(stmt.value, ast.Call) and any(kw.arg in owner_fields for kw in stmt.value.keywords):
            checked.append("the queryset filters on an owner field")
            return []
        model = model_info(name, view, knowledge)
        writes = _view_writes(verdict)
        if not _worth_flagging(model, verdict, writes):
            return []
        return [Unchecked(None, stmt, None, "pk", model, None, "self.request.user", writes)]
    return []


def _view_writes(verdict: Verdict) -> bool:
    """Whether a class view accepts changes: a ``DetailView`` only serves GET, so authored
    content it shows (a book by its ``author``, a post) is judged as the read it is."""
    return any(m in ("POST", "PUT", "PATCH", "DELETE") for m in verdict.route.methods)


def _owner_dispatch_base(doc: SourceDoc, view: ProjectView, cls: ast.ClassDef) -> str | None:
    """The view itself or a project base class at any depth whose ``dispatch`` refuses unless
    the record it loads is the caller's (see :func:`.owner_gates.dispatch_checks_owner`)."""
    own = f"{doc.module_name}.{cls.name}" if doc.module_name else cls.name
    if lookup(view.owner_dispatch, own) is not None:
        return cls.name
    frontier = [n for n in (doc.resolve(b) or dotted(b) for b in cls.bases) if n]
    seen: set[str] = set()
    for _ in range(6):
        upper: list[str] = []
        for name in frontier:
            if name in seen:
                continue
            seen.add(name)
            found = lookup(view.owner_dispatch, name)
            if found is not None:
                return found[0].rsplit(".", 1)[-1]
            bases = lookup(view.class_bases, name)
            upper += bases[1] if bases is not None else []
        frontier = upper
    return None


def _get_queryset_branches(doc: SourceDoc, verdict: Verdict, view: ProjectView, knowledge: Knowledge, cls: ast.ClassDef,
                           method: ast.FunctionDef | ast.AsyncFunctionDef, checked: list[str], inherits_scoped: bool) -> list[Unchecked]:
    """A class view's own ``get_queryset``: every branch must return records tied to the
    caller (:mod:`.querysets`); one unscoped branch serves any record to any caller. Building
    on ``super().get_queryset()`` counts as scoped when the inherited one is."""
    unscoped = unscoped_returns(method, inherits_scoped, frozenset(verdict.route.owned_params))
    if not unscoped:
        checked.append("every branch of the view's get_queryset is scoped to the caller")
        return []
    # The model the method queries (`Upload.objects`), else the class's `queryset`/`model`.
    roots = [n.value.id for n in ast.walk(method) if isinstance(n, ast.Attribute) and n.attr == "objects" and isinstance(n.value, ast.Name)]
    roots += [_root_model(stmt.value) or "" for stmt in cls.body if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("queryset", "model") for t in stmt.targets)]
    model = model_info(next((r for r in roots if r), None), view, knowledge)
    writes = _view_writes(verdict)
    if not _worth_flagging(model, verdict, writes):
        return []
    anchor = cls.bases[0] if cls.bases else cls
    values = tuple(r.value for r in unscoped if r.value is not None)
    return [Unchecked(None, anchor, None, "pk", model, None, "self.request.user", writes, queryset_values=values)]


def _root_model(expr: ast.expr) -> str | None:
    """``Upload`` in ``Upload.objects.select_related(...)`` or ``model = Upload``."""
    while isinstance(expr, (ast.Attribute, ast.Call)):
        expr = expr.value if isinstance(expr, ast.Attribute) else expr.func
    return expr.id if isinstance(expr, ast.Name) else None
