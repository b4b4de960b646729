"""What each route needs and has: data effects, public intent, the sibling convention.

The verdicts feed the CW301/CW304 rules, the route report and the editor's CodeLens, so
they are computed once per document (memoised in ``ctx.memo``) and kept in plain
dataclasses.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..config import Config
from ..knowledge import Knowledge
from ..model import Confidence
from ..project import ProjectIndex
from ..source import SourceDoc
from ..syntax import dotted, string_value
from .behaviour import mentioned_names, permission_gate
from .data import first_row, glob_any
from .discover import Route, discover_routes
from .effect_guard import BOUND_BY_EFFECT, bound_to_caller
from .exposure import helper_effect
from .stored import ADD, READ, model_key, sql_tables, table_scope
from .uploads import folder_key, media_words, saved_folders, served_folders
from .nodes import function_nodes
from .places import place_records, without_contact_details
from .public import REGISTRATION, ends_request, magic_value, private_models, public_form, public_reason
from .facts import LOGIN_LIBRARIES, query_root
from .identity import holds_caller, is_caller, is_user_expr
from .scope import project_view
from .view import Guard, ProjectView, lookup

_WORD = re.compile(r"[a-z_]+")
_ADMIN_ATTRS = ("is_admin", "is_staff", "is_superuser", "role", "roles")


@dataclass
class Effects:
    reads: list[ast.Call] = field(default_factory=list)
    writes: list[ast.Call] = field(default_factory=list)
    uses_user: bool = False
    signature_checked: bool = False
    grants_role: bool = False
    sensitive: list[str] = field(default_factory=list)
    models: set[str] = field(default_factory=set)  # model_key of capitalised receivers of data calls (Note)
    # Models read through a local query (`query = Location.query; query.filter(...)`): kept
    # apart from `models` for the catalogue rule of _decide, which would open reads of unowned
    # models the guarded routes also read (an internal tracker's API beside its guarded board).
    local_models: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)  # model_key of tables named by SQL the route runs
    per_owner: bool = False  # that SQL selects by an owner/tenant column: per-owner data
    owner_tables: set[str] = field(default_factory=set)  # tables its SQL selects by a user/tenant column
    creates: list[ast.Call] = field(default_factory=list)  # writes that add a new record
    created_models: set[str] = field(default_factory=set)  # model_key of what they add (User(...), INSERT INTO users)
    saved_folders: set[str] = field(default_factory=set)  # folders it saves files into, as tables (see .uploads)
    lookups_only: bool = False  # every record it reads is only tested for existence (see _existence_only)
    created_rows: list[ast.Call] = field(default_factory=list)  # the constructor calls of what it adds (Like(...))

    @property
    def creates_only(self) -> bool:
        """The route only adds records (``insert_one``, ``session.add`` + ``commit``,
        ``INSERT``): it changes no existing one."""
        return bool(self.creates) and all(w in self.creates or _is_commit(w) for w in self.writes)


@dataclass
class Verdict:
    """The access-control status of one route."""

    route: Route
    effects: Effects
    public: str | None = None  # why it is public by intent
    admin_route: bool = False
    admin_why: str | None = None  # what makes it privileged (an admin area, a role change...)
    needs_login: bool = False
    confidence: Confidence = Confidence.MEDIUM
    reason: str = ""
    unsigned_webhook: bool = False  # needs a signature check, not a login
    magic_token: tuple[str, str] | None = None  # (capability in the URL, fixed value it also accepts)
    refuses_anonymous: bool = False  # the body refuses a missing caller itself (optional authentication)
    public_form: str | None = None  # what an open form only adds (see .public.public_form)
    own_contribution: bool = False  # it only adds rows the caller owns (see _own_contribution)

    @property
    def auth(self) -> str:
        guard = self.route.strongest()
        if guard is None:
            return "none"
        return f"{guard.name} ({guard.kind}, {guard.source})"

    @property
    def authenticated(self) -> bool:
        return any(g.kind in ("login", "admin") for g in self.route.guards)

    @property
    def logs_in(self) -> bool:
        """Authenticated by a check of its own, not only by binding its data to the caller
        (see :mod:`.effect_guard`): such a route shows no login convention of the app."""
        return any(g.kind in ("login", "admin") and g.name != BOUND_BY_EFFECT for g in self.route.guards)

    @property
    def admin_checked(self) -> bool:
        return any(g.kind == "admin" for g in self.route.guards)


def _may_name_user(node: ast.AST) -> bool:
    """A cheap filter before :func:`is_user_expr` (which builds dotted names)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "user"
    if isinstance(node, ast.Name):
        return node.id == "current_user"
    return isinstance(node, ast.Subscript)


def effects_of(doc: SourceDoc, route: Route, knowledge: Knowledge, view: ProjectView | None = None) -> Effects:
    found = Effects()
    # Writes first: `Note.objects.filter(pk=pk).delete()` is a write, though it starts as a read.
    data_rows = sorted(knowledge.rows("access_data_calls"), key=lambda r: r["effect"] != "write")
    signature_rows = knowledge.rows("access_signature_checks")
    owner_fields = [n for row in knowledge.rows("access_owner_fields") for n in row["names"]]
    private_fields = [n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]]
    for func in route.functions:
        decorators = {id(n) for d in getattr(func, "decorator_list", ()) for n in ast.walk(d)}
        queries = _query_locals(func)
        for node in function_nodes(doc, func):
            if isinstance(node, ast.Call):
                written = dotted(node.func)
                if id(node) not in decorators:  # `@app.delete("/x")` is no effect of the route
                    for row in data_rows:
                        if glob_any(row["calls"], written):
                            row.hit()
                            # cur.execute("INSERT ...") is a read by its name, a write by its SQL
                            write = row["effect"] == "write" or _sql_effect(node) is True
                            (found.writes if write else found.reads).append(node)
                            if write and _creates(node, written):
                                found.creates.append(node)
                                found.created_models |= _created_models(doc, node)
                                found.created_rows.extend(_constructed(doc, node))
                            head = (written or "").split(".", 1)[0]
                            if head[:1].isupper():
                                found.models.add(model_key(head))
                            elif head in queries:
                                found.local_models.add(model_key(queries[head]))
                            tables, per_owner, owned = table_scope(doc, node, owner_fields, private_fields)
                            found.tables.update(tables)
                            found.per_owner = found.per_owner or per_owner
                            found.owner_tables.update(owned)
                            break
                    else:
                        if _adds_model(doc, node, view):  # db.add(models.Users(...)), the session under any name
                            found.writes.append(node)
                            found.creates.append(node)
                            found.created_models |= _created_models(doc, node)
                            found.created_rows.extend(_constructed(doc, node))
                            continue
                        helper = _helper_effect(doc, node, view)
                        if helper is not None:
                            found.models |= _helper_models(doc, node, view)
                        if helper is None:
                            helper = _sql_effect(node)
                        if helper is not None:
                            (found.writes if helper else found.reads).append(node)
                            if helper and _creates(node, None):
                                found.creates.append(node)
                        else:
                            _data_helper_call(doc, node, view, found)
                if (written or "").rsplit(".", 1)[-1] == "select":  # select(CurrencyCatalog): the model a statement reads
                    found.models.update(model_key(a.id) for a in node.args if isinstance(a, ast.Name) and a.id[:1].isupper())
                if signature_rows and (glob_any(signature_rows[0]["calls"], written) or glob_any(signature_rows[0]["calls"], doc.resolve(node.func))):
                    signature_rows[0].hit()
                    found.signature_checked = True
            elif not found.uses_user and _may_name_user(node):
                found.uses_user = is_user_expr(node)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr in _ADMIN_ATTRS for t in node.targets):
                # A role the client chooses, or one set on a record the URL picks; handing a
                # fixed role on (`other_member.role = "owner"` when the caller leaves) is not that.
                found.grants_role = found.grants_role or bool(route.path_params) or not _hands_on_fixed_role(node.value)
    _file_effects(doc, route, found, knowledge)
    if isinstance(route.node, ast.ClassDef):
        _class_effects(route, found)
    found.lookups_only = all(_existence_only(doc, route, call) for call in found.reads)
    if found.reads and not found.lookups_only:
        found.sensitive = _sensitive_words(doc, route, knowledge)
    return found


def _file_effects(doc: SourceDoc, route: Route, found: Effects, knowledge: Knowledge) -> None:
    """Files as stored data (:mod:`.uploads`): the folders the route saves into, and a file
    it sends from a folder under a name the client chose (a read of that folder's files).
    Pictures shown on pages (a folder or route naming avatars, images...) are no one's
    private files."""
    media = media_words(knowledge)
    if media(f"{route.handler} {route.url}"):
        return  # /uploads/profiles/<filename>: pictures pages show to everyone
    for func in route.functions:
        found.saved_folders |= {folder_key(f) for f in saved_folders(doc, func) if not media(f)}
        client = set(route.path_params) | {a.arg for a in func.args.args}
        for call, folder in served_folders(doc, func, client - {"self", "request", "cls"}):
            if not media(folder):
                found.reads.append(call)
                found.tables.add(folder_key(folder))
    found.tables |= found.saved_folders


def _existence_only(doc: SourceDoc, route: Route, call: ast.Call) -> bool:
    """The record ``call`` loads is only tested for existence (``user = ...first();
    return {"available": user is None}``): a sign-up availability check tells whether an
    e-mail is taken, not what the record holds."""
    parent = doc.parent(call)
    while isinstance(parent, (ast.Await, ast.Attribute, ast.Call)) and not isinstance(parent, ast.stmt):
        parent = doc.parent(parent)  # db.query(User).filter(...).first()
    if isinstance(parent, ast.Expr) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        # cur.execute("SELECT 1 FROM users WHERE username = ?", ...); row = cur.fetchone(): the
        # rows come back through the cursor's fetches, each only tested for existence.
        cursor = call.func.value.id
        fetches = [n for f in route.functions for n in ast.walk(f) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                   and n.func.attr.startswith("fetch") and isinstance(n.func.value, ast.Name) and n.func.value.id == cursor
                   and not isinstance(doc.parent(n), ast.Expr)]  # (a fetch whose rows are dropped reads nothing)
        return bool(fetches) and all(_existence_only(doc, route, fetch) for fetch in fetches)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    uses = [n for f in route.functions for n in ast.walk(f) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    return bool(uses) and all(_tests_existence(doc, n) for n in uses)


def _tests_existence(doc: SourceDoc, name: ast.Name) -> bool:
    """``user is None`` / ``user is not None`` / ``not user`` / ``bool(user)`` / ``if user:``."""
    parent = doc.parent(name)
    if isinstance(parent, ast.Compare):
        return parent.left is name and len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.Is, ast.IsNot)) and isinstance(parent.comparators[0], ast.Constant) and parent.comparators[0].value is None
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "bool":
        return True
    return isinstance(parent, (ast.If, ast.IfExp, ast.While)) and parent.test is name


def _hands_on_fixed_role(value: ast.expr) -> bool:
    """A fixed role below administration (``"owner"`` of a household, ``"member"``, ``False``):
    handing it to a record the caller's own action picks grants no privilege. ``True`` or an
    admin-like name does."""
    if not isinstance(value, ast.Constant) or value.value is True or value.value == 1:
        return False
    return not any(w in str(value.value).lower() for w in ("admin", "super", "staff", "root"))


def _helper_effect(doc: SourceDoc, call: ast.Call, view: ProjectView | None) -> bool | None:
    """A call of a project helper that loads a record (``repo.assign(ticket_id, ...)``):
    True when it changes the record, False when it reads it, None for other calls."""
    if view is None:
        return None
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if not view.may_fetch(name):
        return None
    found = lookup(view.fetchers, (doc.resolve(func) or "").replace("()", ""))
    return bool(found[1].get("writes")) if found is not None else None


def _query_locals(func: ast.AST) -> dict[str, str]:
    """Locals of ``func`` holding a query of a model, and the model: ``query = Location.query``
    (then ``query = query.filter(...)``, ``paginate(query)``), ``stmt = select(Note)``."""
    found: dict[str, str] = {}
    assigns = sorted((n for n in ast.walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)),
                     key=lambda n: (n.lineno, n.col_offset))
    for node in assigns:
        model = query_root(node.value)
        if model is not None:
            found.setdefault(node.targets[0].id, model)  # type: ignore[union-attr]
    return found


def _helper_models(doc: SourceDoc, call: ast.Call, view: ProjectView | None) -> set[str]:
    """The model a project fetch helper loads (``crud.get_product_by_id(db, id)`` runs
    ``select(Product)``): the route works on that model as if it had queried it itself."""
    found = lookup(view.fetchers, (doc.resolve(call.func) or "").replace("()", "")) if view is not None else None
    table = found[1].get("table") if found is not None else None
    return {model_key(str(table))} if table and str(table)[:1].isupper() else set()


def _data_helper_call(doc: SourceDoc, call: ast.Call, view: ProjectView | None, found: Effects) -> None:
    """A call of a project data helper (``UserModel.find_all()``, ``helpers.add_access(db,
    ...)``: a function or method running a data call itself, see :mod:`.stored`) does to
    stored data what the helper does: the route reads, adds or changes records through it."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if view is None or name is None or name not in view.data_helper_names:
        return
    effect = helper_effect(view, (doc.resolve(func) or "").replace("()", ""))
    if effect is None:
        return
    (found.reads if effect == READ else found.writes).append(call)
    if effect == ADD:
        found.creates.append(call)
    head = (dotted(func) or "").split(".", 1)[0]
    if head[:1].isupper() and head in view.models:
        found.models.add(model_key(head))
    scope = lookup(view.helper_tables, (doc.resolve(func) or "").replace("()", ""))
    if scope is not None:
        tables, per_owner, owned, models = scope[1]
        found.models.update(m for m in models if any(model_key(n) == m for n in view.models))
        found.tables.update(tables)
        found.per_owner = found.per_owner or per_owner
        found.owner_tables.update(owned)


_SQL_READ = re.compile(r"^\s*select\b", re.IGNORECASE)
_SQL_CHANGE = re.compile(r"^\s*(update|delete|insert)\b", re.IGNORECASE)


_CREATE_CALLS = frozenset({"insert_one", "insert_many", "add", "add_all", "create", "bulk_create"})


def _creates(call: ast.Call, written: str | None) -> bool:
    last = (written or dotted(call.func) or "").rsplit(".", 1)[-1]
    if last in _CREATE_CALLS:
        return True
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and first.args and (dotted(first.func) or "").rsplit(".", 1)[-1] == "text":
        first = first.args[0]
    while isinstance(first, ast.BinOp):  # "INSERT ... VALUES ('%s')" % (...), "INSERT " + ...
        first = first.left
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[0]
    return bool(re.match(r"\s*insert\b", string_value(first) or "", re.IGNORECASE)) if first is not None else False


def _created_models(doc: SourceDoc, call: ast.Call) -> set[str]:
    """What a create call adds: ``User.objects.create(...)`` / ``create_user``, ``session.add(
    User(...))`` or of a local bound to one, ``INSERT INTO users``."""
    head = (dotted(call.func) or "").split(".", 1)[0]
    if head[:1].isupper():
        return {model_key(head)}
    found = {model_key((dotted(row.func) or "").rsplit(".", 1)[-1]) for row in _constructed(doc, call)}
    return found or sql_tables(doc, call)[0]


def _constructed(doc: SourceDoc, call: ast.Call) -> list[ast.Call]:
    """The model constructor a create call adds: ``session.add(Like(...))``, or of a local
    bound to one (``like = Like(...); session.add(like)``), also through the models module
    (``models.Users(**body.model_dump())``)."""
    found: list[ast.Call] = []
    for arg in call.args[:1]:
        value = doc.names.binding(arg.id, doc.scope_of(arg)) if isinstance(arg, ast.Name) else arg  # type: ignore[arg-type]
        if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1][:1].isupper():
            found.append(value)
    return found


def _referenced_models(view: ProjectView) -> frozenset[str]:
    """Models another model keys to (``Expense.category_id -> categories``), as
    :func:`.stored.model_key` spells a class (``categories`` is the table of ``Category``):
    reference data the app's records point at."""
    found = {model_key(t) for t in view.key_targets}
    found |= {t.lower()[:-3] + "y" for t in view.key_targets if t.lower().endswith("ies")}
    return frozenset(found)


def _adds_model(doc: SourceDoc, call: ast.Call, view: ProjectView | None) -> bool:
    """``db.add(user)`` with ``user = models.Users(...)``: an ``add`` given a new instance of
    one of the project's models adds that record, whatever the session is called (a FastAPI
    ``db: Session = Depends(get_db)``), which the data rows' ``*.session.add`` cannot name."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("add", "add_all") and len(call.args) == 1):
        return False
    models = {model_key(name) for name in view.models} if view is not None else None
    for row in _constructed(doc, call):
        name = (dotted(row.func) or "").rsplit(".", 1)[-1]
        if models is None or model_key(name) in models:
            return True
    return False


def _is_commit(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "commit"


def _sql_effect(call: ast.Call) -> bool | None:
    """A call given an SQL statement (``db().q("SELECT ...")``, ``run(f"UPDATE ...")``): the
    project's own query helper. True for a change, False for a read, None otherwise."""
    if not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Call) and first.args and (dotted(first.func) or "").rsplit(".", 1)[-1] == "text":
        first = first.args[0]
    while isinstance(first, ast.BinOp):  # "UPDATE ... '%s'" % (...)
        first = first.left
    if isinstance(first, ast.JoinedStr):
        first = first.values[0] if first.values else first
    text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    if text is None:
        return None
    if _SQL_CHANGE.match(text):
        return True
    return False if _SQL_READ.match(text) else None


def _class_effects(route: Route, found: Effects) -> None:
    """Generic class views work on their ``model``/``queryset`` without a visible call."""
    node = route.node
    assert isinstance(node, ast.ClassDef)
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("model", "queryset") for t in stmt.targets):
            base = stmt.value
            while isinstance(base, (ast.Attribute, ast.Call)):
                base = base.value if isinstance(base, ast.Attribute) else base.func
            if isinstance(base, ast.Name):
                found.models.add(model_key(base.id))
            marker = ast.Call(func=stmt.value, args=[], keywords=[])  # stands for the implied query
            found.reads.append(marker)
            if any(m in ("POST", "PUT", "PATCH", "DELETE") for m in route.methods) and not route.functions:
                found.writes.append(marker)
                if isinstance(base, ast.Name) and any((dotted(b) or "").endswith("CreateView") for b in node.bases):
                    found.creates.append(marker)  # a CreateView only adds a record of its model
                    found.created_models.add(model_key(base.id))


def _sensitive_words(doc: SourceDoc, route: Route, knowledge: Knowledge) -> list[str]:
    rows = knowledge.rows("access_sensitive_terms")
    if not rows:
        return []
    terms = set(rows[0]["names"])
    words: set[str] = set()
    for func in route.functions:
        for node in function_nodes(doc, func):
            if isinstance(node, ast.Attribute):
                words.add(node.attr.lower())
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 400 and _names_data(node.value) and not _input_key(doc, node):
                words.update(_WORD.findall(node.value.lower()))
    hits = sorted(words & terms)
    if hits:
        rows[0].hit()
    return hits


_SQL_START = re.compile(r"^\s*(select|with|insert|update|delete)\b", re.IGNORECASE)


def _names_data(text: str) -> bool:
    """A string that names data: a key or column (``"email"``) or an SQL statement. Prose
    (``"Check your email receipt"``, a flash message) names nothing the route returns."""
    return not any(c.isspace() for c in text.strip()) or bool(_SQL_START.match(text))


_INPUT_READS = frozenset({"args", "form", "json", "values", "GET", "POST", "data", "query_params", "cookies", "headers"})


def _input_key(doc: SourceDoc, node: ast.Constant) -> bool:
    """A key the route reads from the request (``request.args.get("email")``) or looks a
    record up by (``find_one({"email": email})``): data it takes, not data it returns."""
    parent = doc.parent(node)
    if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute) and parent.func.attr == "get":
        base = parent.func.value
        return isinstance(base, ast.Attribute) and base.attr in _INPUT_READS or isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr == "get_json"
    if isinstance(parent, ast.Subscript) and isinstance(parent.value, ast.Attribute) and parent.value.attr in _INPUT_READS:
        return True
    if isinstance(parent, ast.Dict) and node in parent.keys:
        holder = doc.parent(parent)
        return isinstance(holder, ast.Call) and parent in holder.args and isinstance(holder.func, ast.Attribute) and holder.func.attr in _LOOKUP_CALLS
    return False


_LOOKUP_CALLS = frozenset({"find_one", "find", "count_documents", "delete_one", "delete_many"})


_PRIVILEGED_AREAS = ("admin", "debug", "internal")


def _is_admin_route(route: Route, effects: Effects) -> str | None:
    """Admin and internal areas (by URL, handler or blueprint name), code that changes a
    user's role, and debug routes that act (a POST/PUT/PATCH/DELETE, a write) or return
    personal data. A leftover debug page that only shows a catalogue row or table names is
    judged by what it reads, as any other route: the word does not make it privileged."""
    words = [route.handler.lower(), *route.url.lower().replace("-", "_").split("/"), (route.receiver or "").rsplit(".", 1)[-1].lower()]
    areas = [a for a in _PRIVILEGED_AREAS if any(w == a or w.startswith(a + "_") or w.endswith("_" + a) for w in words)]
    if effects.grants_role:
        return "it changes a user's role"
    if any(a != "debug" for a in areas):
        return "it is an admin or internal route"
    if not areas:
        return None
    if effects.writes or any(m in ("POST", "PUT", "PATCH", "DELETE") for m in route.methods):
        return "it is a debug route that acts on the app"
    return f"it is a debug route that returns personal data ({', '.join(effects.sensitive[:3])})" if effects.sensitive else None


def _mentions_is_authenticated(route: Route) -> bool:
    return any("is_authenticated" in mentioned_names([f]) for f in route.functions)


def _refuses_anonymous(route: Route, knowledge: Knowledge) -> bool:
    """The body tests whether the caller's identity is missing and then answers or skips the
    record (``caller = get_jwt_identity(); if not caller: return {...}, 403``): optional
    authentication by design, where what anyone may see is served without a login."""
    for func in route.functions:
        nodes = list(ast.walk(func))
        callers = frozenset(t.id for n in nodes if isinstance(n, ast.Assign) and holds_caller(n.value, frozenset(), knowledge, None) for t in n.targets if isinstance(t, ast.Name))
        for node in nodes:
            if isinstance(node, ast.If) and _tests_missing_caller(node.test, callers, knowledge) and (ends_request(node.body) or any(isinstance(s, ast.Continue) for s in node.body)):
                return True
    return False


def _tests_missing_caller(test: ast.expr, callers: frozenset[str], knowledge: Knowledge) -> bool:
    """``not caller`` / ``caller is None`` / ``not get_jwt_identity()`` / ``not
    session.get("user_id")`` (``callers``: locals holding the caller)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        subject = test.operand
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        subject = test.left
    else:
        return False
    if isinstance(subject, ast.Name):  # a local holding the caller; not Flask-Login's proxy, never falsy
        return subject.id in callers
    return isinstance(subject, (ast.Call, ast.Subscript)) and holds_caller(subject, frozenset(), knowledge, None)


def verdicts(doc: SourceDoc, project: ProjectIndex | None, config: Config, knowledge: Knowledge, memo: dict[str, object]) -> list[Verdict]:
    """Routes of ``doc`` with their verdicts (memoised per document analysis)."""
    cached = memo.get("access.verdicts")
    if isinstance(cached, list):
        return cached
    view = project_view(doc, project, memo)
    routes = discover_routes(doc, view, knowledge, config)
    result = [Verdict(r, effects_of(doc, r, knowledge, view)) for r in routes]
    accounts = view.account_names
    private = private_models(view.models, knowledge) if any(v.route.open_beside for v in result) else frozenset()
    places = place_records(view, knowledge)
    referenced = _referenced_models(view)
    for v in result:
        read = v.effects.models | v.effects.local_models
        if v.effects.sensitive and read and not v.effects.tables and read <= places:
            v.effects.sensitive = without_contact_details(v.effects.sensitive, knowledge)  # a venue's address
        if not v.route.guards and bound_to_caller(doc, v.route, v.effects, knowledge, view):
            v.route.guards.append(Guard(BOUND_BY_EFFECT, "login", "body"))
        if v.authenticated and not v.admin_checked and v.route.functions and all(permission_gate(f, knowledge) for f in v.route.functions):
            v.route.guards.append(Guard("permission check in the handler body", "admin", "body"))
        v.admin_why = _is_admin_route(v.route, v.effects)
        v.admin_route = v.admin_why is not None
        v.public = public_reason(v.route, v.effects, knowledge, config, accounts, private)
        if v.admin_route and v.public == REGISTRATION:
            v.public = None  # an administrator creating accounts (`/admin/users/create`) is no sign-up
        v.magic_token = magic_value(v.route, knowledge) if v.public is None else None
        v.refuses_anonymous = _refuses_anonymous(v.route, knowledge)
        v.public_form = public_form(doc, v.route, v.effects, knowledge, referenced)
        v.own_contribution = _own_contribution(v.effects, knowledge)
    own_app = app_object(doc) is not None and not _imports_project_modules(doc, project)
    concept = has_auth_concept(doc, view, result, own_app)
    _decide(result, concept, _public_content(view, knowledge))
    memo["access.auth_concept"] = concept
    memo["access.verdicts"] = result
    memo["access.view"] = view
    return result


def analysed_route_nodes(memo: dict[str, object]) -> list[ast.AST]:
    """The handler (function or class) of every route an analysis with this memo judged."""
    cached = memo.get("access.verdicts")
    return [v.route.node for v in cached] if isinstance(cached, list) else []


def has_auth_concept(doc: SourceDoc, view: ProjectView, result: list[Verdict], own_app: bool = False) -> bool:
    """Whether the app knows who is calling at all: a guard anywhere in the project, a
    guarded route here, or a login library imported by any of its modules. Apps without any
    are not told route by route that they lack authentication (one app-level finding says
    it). A module that builds its own app object and imports no module of the project is an
    app of its own (a tutorial's books.py beside a TodoApp package): only its own signs count."""
    if any(v.logs_in for v in result) or any(i.startswith(LOGIN_LIBRARIES) for i in doc.names.imports.values()):
        return True
    if own_app:
        return False
    if view.guards or view.hooks:
        return True
    if any("LoginRequired" in m for m in view.settings.get("middleware", [])) or view.settings.get("drf_permissions"):
        return True
    return view.login_library


_APP_TYPES = ("flask.Flask", "fastapi.FastAPI", "starlette.applications.Starlette")


def app_object(doc: SourceDoc) -> ast.Assign | None:
    """The module-level ``app = Flask(__name__)`` / ``FastAPI()`` assignment, if any."""
    if doc.tree is None:
        return None
    for stmt in doc.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            resolved = (doc.resolve(stmt.value.func) or "").removesuffix("()")
            if resolved in _APP_TYPES:
                return stmt
    return None


def _imports_project_modules(doc: SourceDoc, project: ProjectIndex | None) -> bool:
    """Whether ``doc`` imports a module of the indexed project (relative imports count)."""
    if project is None:
        return False
    modules = project.derived("access.modules", lambda: frozenset(f.module for f in project.files.values() if f.module))
    for target in doc.names.imports.values():
        parts = target.split(".")
        prefixes = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
        # the index names modules from the scan root (corpus.app.api.x for `import api.x`)
        if prefixes & modules or any(m.endswith("." + p) for m in modules for p in prefixes):
            return True
    return False


def operators_only(view: ProjectView, knowledge: Knowledge) -> bool:
    """Whether everyone who can log in is an operator of the app: its login admits only an
    allow-list of accounts, or it is a single-account app: it has ORM models, none of them a
    user or account table and none tied to a user, and it is no Django project (whose user
    table comes with django.contrib.auth). The credentials are then the operator's own."""
    if view.operator_login or view.operator_credentials and not view.account_logins:
        return True  # (a login by the configured operator credentials only: a separate admin app)
    if not view.models or view.settings:
        return False  # accounts in raw SQL, a document store or Django's auth app are not visible here
    users = {model_key(n) for row in knowledge.rows("access_user_models") for n in row["names"]}
    owner_fields = {n for row in knowledge.rows("access_owner_fields") if row["kind"] == "user" for n in row["names"]}
    if view.account_names or any(model_key(name) in users or model_key(name).endswith("user") for name in view.models):
        return False
    return not any(facts.get("user_fks") or set(facts["fields"]) & owner_fields for facts in view.models.values())


def _is_webhook(route: Route) -> bool:
    words = [route.handler.lower(), *route.url.lower().split("/")]
    return any("webhook" in w or "callback" in w for w in words)


def _mostly_guarded(result: list[Verdict]) -> bool:
    candidates = [o for o in result if not o.public]
    return sum(o.logs_in for o in candidates) * 3 >= len(candidates) * 2


def _public_content(view: ProjectView, knowledge: Knowledge) -> frozenset[str]:
    """Models of authored content (posts, ads, threads: an author/seller foreign key, no
    private owner field) and models the open index page lists in full: reading them is what
    public pages do. Kept on the view, which
    every file of an app shares."""
    cached = view.__dict__.get("_public_content")
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    found = _authored_models(view, knowledge) | {model_key(m) for m in view.publicly_listed}
    view.__dict__["_public_content"] = (knowledge, found)
    return found


def _authored_models(view: ProjectView, knowledge: Knowledge) -> frozenset[str]:
    kinds = {n: row["kind"] for row in knowledge.rows("access_owner_fields") for n in row["names"]}
    public: set[str] = set()
    for name, facts in view.models.items():
        found = [kinds[f] for f in facts["fields"] if f in kinds]
        if found and all(k == "author" for k in found) or not found and facts.get("user_fks"):
            public.add(model_key(name))
    return frozenset(public | _catalogue_models(view, knowledge, kinds))


def _catalogue_models(view: ProjectView, knowledge: Knowledge, kinds: dict[str, str]) -> set[str]:
    """Models nobody owns and that hold nothing personal (tags, categories, a product list):
    no owner, author or tenant field, no key to a user or to a model that has one, no
    personal field (``email``, ``phone``...), and not the user model itself. Reading them is
    what catalogue pages do (issue 13 §5)."""
    sensitive = {n for row in knowledge.rows("access_sensitive_terms") for n in row["names"]}
    users = {model_key(n) for row in knowledge.rows("access_user_models") for n in row["names"]}

    def unowned(facts: dict) -> bool:
        fields = facts["fields"]
        return bool(fields) and not facts.get("user_fks") and not any(f in kinds or f.lower() in sensitive for f in fields)

    by_key = {model_key(name): facts for name, facts in view.models.items()}
    by_table = {model_key(facts["table"]): facts for facts in view.models.values() if facts.get("table")}
    found: set[str] = set()
    for name, facts in view.models.items():
        key = model_key(name)
        if key in users or not unowned(facts):
            continue
        parents = [by_key.get(model_key(t)) or by_table.get(model_key(t)) for t in facts.get("fks", {}).values()]
        if all(parent is not None and unowned(parent) for parent in parents):
            found.add(key)
    return found


def _sorts(verdict: Verdict) -> tuple[bool, ...]:
    """Whether a route counts among the routes that change data (True), read it (False), or
    both: a class view with ``get`` and ``delete`` serves reads as well as changes."""
    e = verdict.effects
    if e.writes and e.reads and verdict.route.is_class and "GET" in verdict.route.methods:
        return (True, False)
    return (bool(e.writes),)


def _decide(result: list[Verdict], auth_concept: bool, public_content: frozenset[str] = frozenset()) -> None:
    """Which unguarded routes need a login, learning the convention from their siblings."""
    # Learn the convention from routes of the same sort: apps often serve public pages and
    # guard only the routes that change data (a forum, a blog), so reads are compared with
    # reads and writes with writes. Counted once: files with hundreds of routes stay linear.
    judged = [o for o in result if not o.public and o.route.caller_params is None]
    # Models the guarded routes work on: a public catalogue (Product) next to guarded carts
    # and orders is not the odd one out; an export of the same Notes the others guard is.
    # SQL tables count when a guarded route ties them to an owner (`WHERE user_id = ?`).
    # A guarded page public by its name (the index page behind a login) guards its data too.
    guarded_models: set[str] = set()
    guarded_data: set[str] = set()  # their models and SQL tables
    private_tables: set[str] = set()
    for o in result:
        if o.logs_in and o.route.caller_params is None:
            guarded_models |= o.effects.models | o.effects.local_models
            guarded_data |= o.effects.models | o.effects.tables
            private_tables |= o.effects.owner_tables | o.effects.saved_folders

    def shares_guarded_data(o: Verdict) -> bool:
        return bool(o.effects.models & guarded_models or o.effects.tables & private_tables)

    # Unguarded routes on the very data the guarded ones protect are not evidence of a public
    # convention: an assistant often pastes two or three such routes at once, and each must
    # be reported, not outvote the others.
    guarded_totals = {True: 0, False: 0}
    open_totals = {True: 0, False: 0}
    for o in judged:
        for sort in _sorts(o):
            if o.logs_in:
                guarded_totals[sort] += 1
            elif not shares_guarded_data(o):
                open_totals[sort] += 1
    for v in result:
        if v.authenticated or v.public or v.refuses_anonymous or v.route.caller_params is not None:
            continue  # (a dispatched function: the route that dispatches to it is judged)
        e = v.effects
        sort = bool(e.writes)
        same_data = shares_guarded_data(v)
        guarded = guarded_totals[sort]
        others = guarded + open_totals[sort] - (0 if same_data else 1)  # same sort, besides this one
        read = e.models | e.local_models
        if not sort and read and (guarded_models and not read & guarded_models or e.models and e.models <= public_content):
            guarded, same_data = 0, False  # reads other data than the guarded routes, or public content
        elif not sort and not e.models and e.tables and not e.per_owner and guarded_data and not e.tables & guarded_data:
            guarded = 0  # SQL over other tables than the guarded routes use (a public catalogue)
        mutating = any(m in ("POST", "PUT", "PATCH", "DELETE") for m in v.route.methods) and v.route.framework != "django"
        # Acting for the caller on stored data; just echoing the caller's own session is fine.
        user = e.uses_user and bool(e.reads or e.writes) and not _mentions_is_authenticated(v.route)
        reads = bool(e.reads) and not e.lookups_only  # (only testing whether a record exists reads nothing it returns)
        modifies = bool(e.writes) and not e.creates_only and (bool(v.route.path_params) or any(m in ("PUT", "PATCH", "DELETE") for m in v.route.methods))
        if v.own_contribution and not v.admin_route and (not e.reads or e.models and e.models <= public_content):
            v.reason = "it only adds rows the caller owns (an anonymous request has no user to own them) and reads only content anyone may read"
            continue
        if v.admin_route:
            v.needs_login, v.confidence, v.reason = True, Confidence.HIGH, v.admin_why or "it is a privileged route"
        elif v.magic_token:
            v.needs_login, v.confidence = True, Confidence.HIGH
            v.reason = f"its capability `{v.magic_token[0]}` also accepts the fixed value {v.magic_token[1]!r}, which skips the check"
        elif any(g.kind == "public" for g in v.route.guards):
            v.needs_login, v.confidence = True, Confidence.MEDIUM
            v.reason = "it changes existing records"
        elif e.writes and _is_webhook(v.route):
            v.needs_login, v.confidence, v.unsigned_webhook = True, Confidence.MEDIUM, True
            v.reason = "it is a webhook that changes stored data without verifying the sender's signature"
        elif (guarded and guarded * 2 > others or same_data) and (reads or e.writes or user):
            v.needs_login, v.confidence = True, Confidence.HIGH
            v.reason = f"the other routes here require a login and this one {'changes' if e.writes else 'reads'} stored data"
        elif (mutating or v.route.path_params and reads and not (e.models and e.models <= public_content)) and guarded_totals[True] + guarded_totals[False] >= 2 and _mostly_guarded(result):
            v.needs_login, v.confidence = True, Confidence.MEDIUM
            what = "accepts changes" if mutating else "serves a particular record"
            v.reason = f"it {what} and the other routes here require a login"
        elif auth_concept and (modifies or user):
            v.needs_login, v.confidence = True, Confidence.MEDIUM
            v.reason = "it changes an existing record" if modifies else "it acts on the current user"
        elif auth_concept and e.sensitive:
            v.needs_login, v.confidence = True, Confidence.MEDIUM
            v.reason = f"it returns stored personal or financial data ({', '.join(e.sensitive[:3])})"

        if v.needs_login and v.public_form and not (v.admin_route or v.magic_token or v.unsigned_webhook):
            v.confidence = Confidence.LOW
            v.reason += f", but it only adds {v.public_form} and reads no stored record: it may be a public form by design"


def _own_contribution(effects: Effects, knowledge: Knowledge) -> bool:
    """The route only adds rows whose owner or author is the logged-in caller (``Comment(
    post=post, author=current_user._get_current_object())``): a comment form on a public
    page. An anonymous caller has no user row to own the new one, so the insert fails
    (Flask-Login's ``AnonymousUserMixin``, Django's ``AnonymousUser``); a session value
    would not fail (``session.get("user_id")`` is None), so it does not count."""
    if not effects.creates_only or len(effects.created_rows) < len(effects.creates) or effects.tables:
        return False
    owners = {n for row in knowledge.rows("access_owner_fields") if row["kind"] in ("user", "author") for n in row["names"]}
    return all(any(kw.arg in owners and any(isinstance(sub, (ast.Name, ast.Attribute)) and is_user_expr(sub) for sub in ast.walk(kw.value)) for kw in row.keywords) for row in effects.created_rows)
