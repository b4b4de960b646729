"""What is public by design: routes anonymous callers are meant to reach.

One part of the protection question (DESIGN.md §8): a route nobody guards is still fine when
it is explicitly opened, listed in ``public-routes``, the index page, a capability link (the
record is picked by an unguessable value in the URL: CW303 judges how that value is made, not
CW301), sign-up (it only creates an account), or a login, logout, password-reset, health or
signed-webhook page.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from ..config import Config
from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted, string_value
from .behaviour import rejects
from .data import first_row, glob_any
from .identity import is_user_expr, session_id
from .logins import session_starts, tests_credential_lookup
from .stored import model_key

if TYPE_CHECKING:
    from .analysis import Effects
    from .discover import Route


#: Why a route that only creates an account is open: self-service sign-up.
REGISTRATION = "registration: it only creates an account"


def public_reason(route: Route, effects: Effects, knowledge: Knowledge, config: Config, accounts: frozenset[str] = frozenset(), private: frozenset[str] = frozenset()) -> str | None:
    """Why ``route`` is public by intent (None when it is not): explicitly opened, listed in
    ``public-routes``, the index page, a capability link, sign-up, or a page named like login,
    logout, registration, password reset, health check or a signed webhook."""
    opener = next((g for g in route.guards if g.kind == "public"), None)
    if opener is not None and not opens_changes(route, effects):
        return f"opened to anonymous callers by `{opener.name}`"
    parts = [s for s in route.url.strip("^$").split("/") if s]
    # Only the last segment names the page (``/auth/login``); ``/docs/<id>`` is a record.
    segments = parts[-1:] if parts and not parts[-1].startswith(("<", "{", "(")) else []
    for pattern in config.public_routes:
        if fnmatchcase(route.handler, pattern) or fnmatchcase(route.url, pattern):
            return "listed in public-routes"
    if route.url and route.url.strip("/^$") == "" and not effects.writes:
        return "index page"  # (a view wired in no URL conf has an unknown URL, not this one)
    flag = public_flag(route) if not effects.writes else None
    if flag is not None:
        return f"records public by a flag: it only serves those with `{flag}`"
    gate = gating_flag(route) if not effects.writes or set(route.methods) <= {"GET", "HEAD"} else None
    if gate is not None:
        return f"records public by a flag: its body refuses a record unless `{gate}` allows it"
    handle = public_handle(route) if (not effects.writes or counts_a_visit(route, effects)) and not effects.sensitive else None
    if handle is not None:
        return f"a public page addressed by a `{handle}`, not by a record id, that reads nothing personal"
    capability = capability_parameter(route, knowledge)
    if capability is not None and magic_value(route, knowledge) is None:
        return f"capability link: the record is picked by the `{capability}` in the URL"
    if login_step(route, knowledge) or password_login(route) or password_gate(route, knowledge):
        return "a login step: it logs the user in only after a verification succeeds"
    code = code_verified(route, effects, knowledge)
    if code is not None:
        return f"a verification step: it changes the record only once its `{code}` matches the one the client sent"
    if open_read(route, effects, accounts | private):
        return f"a read its resource leaves open while its other methods require `{route.open_beside}`, and it reads no account, per-user or personal data"
    if changes_only_caller(route, effects):
        return "it changes only the caller's own session or record (an anonymous caller has none to change)"
    if effects.creates_only and accounts and effects.created_models and effects.created_models <= {model_key(a) for a in accounts}:
        return REGISTRATION
    static = [p.replace("-", "_") for p in parts if not p.startswith(("<", "{", "("))]
    names = [route.handler, route.handler.replace("View", "").lower(), *(s.replace("-", "_") for s in segments), "_".join(static)]
    row = first_row(knowledge, "access_public_routes", "names", *names)
    if row is None:
        return None
    if row.get("needs_signature") and not effects.signature_checked:
        return None  # _decide treats it as an unsigned webhook
    if effects.writes and any(_RECORD_ID.match(p) for p in route.path_params):
        # `/employees/<employee_id>/reset`: a reset *request* is public, changing the
        # password of a record the URL picks is not (a token would pick it, not an id).
        return None
    return str(row["reason"])


def open_read(route: Route, effects: Effects, private: frozenset[str]) -> bool:
    """A read a resource class serves openly by choice (its other methods carry their own
    guard, this one none, and nothing else guards it) that reads no account or per-user
    model (``private``) and nothing personal: a movie catalogue's ``get`` beside a guarded
    ``put`` and ``delete``. A user resource's open ``get`` beside a guarded ``delete``, or
    an open read of notes that carry their owner's ``user_id``, is still reported."""
    if not route.open_beside or effects.writes or effects.sensitive or effects.tables or any(g.kind != "public" for g in route.guards):
        return False
    return bool(effects.models) and not effects.models & {model_key(a) for a in private}


def private_models(models: dict[str, dict], knowledge: Knowledge) -> frozenset[str]:
    """Names of the models with a user or tenant owner field (``user_id``, ``owner``,
    ``org_id``): per-user or per-tenant records, never a catalogue."""
    private = {n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]}
    return frozenset(name for name, facts in models.items() if private.intersection(facts.get("fields", ())))


_RECORD_ID = re.compile(r"^(id|pk|.+_(id|pk)|.+Id)$")


def public_form(doc: SourceDoc, route: Route, effects: Effects, knowledge: Knowledge, referenced: frozenset[str] = frozenset()) -> str | None:
    """What an open form adds, when that is all it does (``Reservation(product_id=...)``, a
    contact message, a like deduplicated by the visitor's session): it only creates new rows
    and reads no stored record beyond testing whether one exists. Such forms are often public
    by design, yet an assistant's forgotten login looks the same, so the finding is kept at
    low confidence rather than dropped. Not when a row is handed to an owner the client picks
    (``Note(user_id=request.form["user_id"])``: acting for another user), nor when the URL
    picks an existing record and the row does not carry the caller's own session or identity
    (``POST /clients/<id>/vehicles`` attaches to anyone's record), nor when it adds to a
    model other records key to (``referenced``: the categories every user's expenses point
    at are shared reference data, which an anonymous writer pollutes for everyone)."""
    if not effects.creates_only or not effects.lookups_only or len(effects.created_rows) < len(effects.creates):
        return None
    if effects.created_models & referenced:
        return None
    owners = {n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]}
    own = [_carries_caller(doc, row) for row in effects.created_rows]
    for row in effects.created_rows:
        for kw in row.keywords:
            if kw.arg in owners and not _from_caller(doc, kw.value):
                return None
    if any(_RECORD_ID.match(p) for p in route.path_params) and not all(own):
        return None
    return ", ".join(f"a new {dotted(row.func) or 'record'}" for row in effects.created_rows)


def _from_caller(doc: SourceDoc, value: ast.expr) -> bool:
    """The caller's identity or the visitor's own session, directly or through a local."""
    if isinstance(value, ast.Name):
        bound = doc.names.binding(value.id, doc.scope_of(value))  # type: ignore[arg-type]
        value = bound if isinstance(bound, ast.expr) else value
    return any(is_user_expr(sub) or session_id(sub) or _session_value(sub) for sub in ast.walk(value)) or isinstance(value, ast.Constant) and value.value is None


def _carries_caller(doc: SourceDoc, row: ast.Call) -> bool:
    return any(_from_caller(doc, kw.value) and not (isinstance(kw.value, ast.Constant)) for kw in row.keywords)


def _session_value(expr: ast.AST) -> bool:
    """``session["session_id"]``: a value of the visitor's own server-side session."""
    return isinstance(expr, ast.Subscript) and _own_session(expr.value) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and _own_session(expr.func.value))


def changes_only_caller(route: Route, effects: Effects) -> bool:
    """The route reads no stored record and its only change is a commit of attributes set on
    the caller's own record or session (``session["language"] = lang; current_user.language =
    lang; db.session.commit()``): a preference switch, not a role. An anonymous caller's user object has
    nothing to store (Flask-Login's ``AnonymousUserMixin``, Django's ``AnonymousUser``), so
    a login check would protect nobody's data."""
    if not effects.writes or effects.reads or effects.grants_role or not all(_commits(w) for w in effects.writes):
        return False  # (a role the caller hands themselves is CW304's business)
    targets = [t for f in route.functions for n in ast.walk(f) if isinstance(n, (ast.Assign, ast.AugAssign))
               for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, (ast.Attribute, ast.Subscript))]
    return any(is_user_expr(t.value) for t in targets) and all(is_user_expr(t.value) or _own_session(t.value) for t in targets)


def counts_a_visit(route: Route, effects: Effects) -> bool:
    """The route's only change is a counter it raises by a constant and commits
    (``link.visits += 1``, ``link.visits = link.visits + 1``): a short link counting who
    follows it changes nothing anyone owns."""
    if not effects.writes or effects.creates or not all(_commits(w) for w in effects.writes):
        return False
    stores = [n for f in route.functions for n in ast.walk(f) if isinstance(n, (ast.Assign, ast.AugAssign))
              and any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    return bool(stores) and all(_raises_by_constant(n) for n in stores)


def _raises_by_constant(node: ast.Assign | ast.AugAssign) -> bool:
    if isinstance(node, ast.AugAssign):
        return isinstance(node.op, ast.Add) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int)
    value = node.value
    return (len(node.targets) == 1 and isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)
            and isinstance(value.right, ast.Constant) and isinstance(value.right.value, int)
            and ast.dump(value.left) == ast.dump(node.targets[0]).replace("Store()", "Load()"))


def _commits(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "commit" and not call.args


def _own_session(expr: ast.expr) -> bool:
    """The web framework's per-caller session (``session``, ``request.session``)."""
    return (dotted(expr) or "").rsplit(".", 1)[-1] == "session" and (dotted(expr) or "") in ("session", "flask.session", "request.session", "self.request.session")


def opens_changes(route: Route, effects: Effects) -> bool:
    """An explicit opt-out (``AllowAny``) on a route that changes existing records: a record
    picked by the URL, a PUT/PATCH/DELETE, or one it loads and then changes. Opening
    sign-up or a contact form (adding records only) is a decision; opening edits is not."""
    if not effects.writes or effects.creates_only:
        return False
    return bool(route.path_params) or any(m in ("PUT", "PATCH", "DELETE") for m in route.methods) or bool(effects.reads)


#: Flags a record is published by: also a moderator's approval (``is_approved=True``).
_PUBLIC_FLAGS = frozenset({"published", "is_published", "public", "is_public", "visible", "is_visible", "listed", "is_listed", "approved", "is_approved"})
_SQL_FLAG = re.compile(r"\b(is_public|published|is_published|visible|is_visible)\s*=\s*(1|true)\b", re.IGNORECASE)


def flag_of(call: ast.Call) -> str | None:
    """A public flag a query call requires: ``filter_by(is_public=True)``, ``where(...,
    Job.published)``, SQL ``AND published = 1``."""
    for kw in call.keywords:
        if kw.arg in _PUBLIC_FLAGS and isinstance(kw.value, ast.Constant) and kw.value.value in (True, 1):
            return kw.arg
    for arg in call.args:
        for node in ast.walk(arg):
            if isinstance(node, ast.Attribute) and node.attr in _PUBLIC_FLAGS:
                return node.attr
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = _SQL_FLAG.search(node.value)
                if found:
                    return found.group(1)
    return None


def public_flag(route: Route) -> str | None:
    """A public flag some read of the route requires: records public by intent. A class
    view's own ``queryset = Recipe.objects.filter(is_approved=True)`` counts as its read."""
    nodes = [n for func in route.functions for n in ast.walk(func)]
    if isinstance(route.node, ast.ClassDef):
        nodes += [n for stmt in route.node.body if isinstance(stmt, ast.Assign) for n in ast.walk(stmt)]
    for node in nodes:
        if isinstance(node, ast.Call):
            flag = flag_of(node)
            if flag:
                return flag
    return None


#: Words of a record's visibility flag (``is_draft``, ``public_results``, ``results_doc_published``).
_FLAG_WORDS = frozenset({"public", "published", "unpublished", "publish", "draft", "visible", "hidden", "private", "listed", "unlisted"})


def _is_flag(name: str) -> bool:
    return any(word in _FLAG_WORDS for word in name.lower().split("_"))


def ends_request(body: list[ast.stmt]) -> bool:
    """Whether ``body`` answers on its own: a return, a raise or an ``abort(...)``."""
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Return, ast.Raise)):
                return True
            if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] == "abort":
                return True
    return False


def gating_flag(route: Route) -> str | None:
    """A visibility flag the handler's body tests to decide whether to serve the record it
    loaded: ``if post.is_draft and not current_user.is_authenticated: abort(404)``, ``if not
    meeting.public_results: abort(404)``. The page is public by design for the records the
    flag opens, as a query that requires ``published`` is."""
    for func in route.functions:
        for node in ast.walk(func):
            if not isinstance(node, ast.If) or not ends_request(node.body):
                continue
            for sub in ast.walk(node.test):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, (ast.Name, ast.Attribute)) and _is_flag(sub.attr):
                    return sub.attr
    return None


#: URL parameters naming a public handle: profiles and posts are addressed by them
#: (``/user/<username>``, ``/followers/<username>``, ``/post/<slug>``); private records by ids.
_HANDLES = frozenset({"username", "user_name", "handle", "slug", "nickname", "screen_name", "short_url", "short_code", "shortcode", "short_id", "short_link"})
_PRIVILEGED_SEGMENTS = ("admin", "internal", "debug", "manage", "staff")


def public_handle(route: Route) -> str | None:
    """The public handle a read-only page is addressed by and looks its record up with,
    outside admin areas: a profile or follower list of a public site."""
    if any(w in route.url.lower() for w in _PRIVILEGED_SEGMENTS):
        return None
    for param in route.path_params:
        if (param.lower() in _HANDLES or param.lower().endswith("_slug")) and _used(route, param):
            return param
    return None


def login_step(route: Route, knowledge: Knowledge) -> bool:
    """The handler logs a user in only inside an ``if`` that verifies something first (``if
    totp.verify(code): login(request, user)``, ``if user.check_password(pw): login_user(user)``):
    the second step of a login or the login itself, which anonymous callers must reach."""
    rows = knowledge.rows("access_login_calls")
    if not rows:
        return False
    row = rows[0]
    for func in route.functions:
        starts = list(session_starts(func, knowledge))
        for node in ast.walk(func):
            if not isinstance(node, ast.If):
                continue
            verifies = any(isinstance(n, ast.Call) and glob_any(row["verifications"], (dotted(n.func) or "").rsplit(".", 1)[-1]) for n in ast.walk(node.test))
            logs_in = any(isinstance(n, ast.Call) and glob_any(row["calls"], dotted(n.func)) for stmt in node.body for n in ast.walk(stmt))
            if verifies and logs_in:
                row.hit()
                return True
            # `if row is None: <error> else: session["admin"] = True`, the row found by the
            # submitted user name and password: the login form itself, whatever its name.
            branches = [*node.body, *node.orelse]
            if any(start is n for start in starts for stmt in branches for n in ast.walk(stmt)) and tests_credential_lookup(func, node.test):
                row.hit()
                return True
    return False


def password_gate(route: Route, knowledge: Knowledge) -> bool:
    """The handler refuses unless a submitted password verifies (``elif not
    check_password(body.password, user.hashed_password): raise HTTPException(400)``) before
    it issues anything: the request carries its own credentials, as a login does; a combined
    sign-up/sign-in (``POST /auth/`` creating the account for a new login, else checking the
    password) is public by design for the same reason."""
    rows = knowledge.rows("access_login_calls")
    if not rows:
        return False
    for func in route.functions:
        for node in ast.walk(func):
            if not (isinstance(node, ast.If) and isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not) and ends_request(node.body)):
                continue
            for call in ast.walk(node.test):
                if not (isinstance(call, ast.Call) and glob_any(rows[0]["verifications"], (dotted(call.func) or "").rsplit(".", 1)[-1])):
                    continue
                if _against_stored(call):
                    rows[0].hit()
                    return True
    return False


def _against_stored(call: ast.Call) -> bool:
    """A password check against a stored one: two password values (``check_password(pw,
    user.hashed_password)``) or a record's method given one (``user.check_password(pw)``).
    A format rule on the new password alone (``is_valid_password(new_password, email)``)
    verifies no one."""
    passwords = [a for a in call.args if any(isinstance(n, (ast.Attribute, ast.Name)) and _names_password(n.attr if isinstance(n, ast.Attribute) else n.id) for n in ast.walk(a))]
    method = isinstance(call.func, ast.Attribute) and any(w in call.func.attr.lower() for w in ("check", "verify"))
    return len(passwords) >= 2 or bool(passwords) and method


def _names_password(name: str) -> bool:
    return any(word in ("password", "passwd", "pw", "pwd", "passphrase", "hash", "hashed") for word in name.lower().split("_"))


def code_verified(route: Route, effects: Effects, knowledge: Knowledge) -> str | None:
    """The secret field of a loaded record that every change of the route waits for: each
    write sits inside an ``if`` comparing that field (``otp``, ``activation_code``, a token:
    rows ``access_token_names``) with a value the client sent (``if user.otp == otp:
    user.is_active = True; user.save()``). Whoever knows the code was sent it (an e-mailed
    activation or reset code): the flow is public by design, and CW303 judges the code."""
    rows = knowledge.rows("access_token_names")
    if not rows or not effects.writes:
        return None
    names = rows[0]["names"]
    found: str | None = None
    for write in effects.writes:
        field = next((f for func in route.functions for node in ast.walk(func) if isinstance(node, ast.If)
                      and any(write is n for stmt in node.body for n in ast.walk(stmt)) and (f := _secret_compared(node.test, names))), None)
        if field is None:
            return None
        found = found or field
    return found


def _secret_compared(test: ast.expr, names: list[str]) -> str | None:
    """``record.otp == otp`` (either side, ``and`` with other tests) or
    ``compare_digest(record.token, token)``: a record's secret field matched against another
    value; the field's name."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            pair = [node.left, node.comparators[0]]
        elif isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("compare_digest") and len(node.args) == 2:
            pair = list(node.args)
        else:
            continue
        fields = [side.attr for side in pair if isinstance(side, ast.Attribute) and isinstance(side.value, ast.Name) and glob_any(names, side.attr.lower())]
        if fields and not all(isinstance(side, ast.Constant) for side in pair):
            return fields[0]
    return None


_PASSWORD_MATCH = re.compile(r"\bwhere\b.*\bpass(word|wd)?\w*\s*=\s*(\?|%s|%\(|:)", re.IGNORECASE | re.DOTALL)


def password_login(route: Route) -> bool:
    """A login written by hand: a query matching the submitted password (``WHERE username =
    ? AND password = ?``, ``filter_by(password=...)``) and a key set in the caller's session
    (``session["admin"] = True``): the login form itself, which anonymous callers must
    reach, whatever the page is called (``/admin``)."""
    for func in route.functions:
        nodes = list(ast.walk(func))
        matches = any(isinstance(n, ast.Call) and (any(kw.arg in ("password", "passwd") for kw in n.keywords) or any(_PASSWORD_MATCH.search(string_value(a) or "") for a in n.args[:1])) for n in nodes)
        marks = any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and _own_session(t.value) for t in n.targets) for n in nodes)
        if matches and marks:
            return True
    return False


def capability_parameter(route: Route, knowledge: Knowledge) -> str | None:
    """The URL parameter of a capability link (``/shares/<token>``, ``/invite/{invite_code}``)
    that the handler uses: a token name (data rows ``access_token_names``)."""
    rows = knowledge.rows("access_token_names")
    if not rows:
        return None
    for param in route.path_params:
        if glob_any(rows[0]["names"], param.lower()) and _used(route, param):
            rows[0].hit()
            return param
    return None


def _used(route: Route, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for f in route.functions for n in ast.walk(f))


def magic_value(route: Route, knowledge: Knowledge) -> tuple[str, str] | None:
    """``(parameter, value)`` when a capability in the URL is compared with a fixed string and
    that branch skips the verification the other branch does (``if token == "preview": <no
    check> else: obj = Token.verify(token)``): anyone who knows the value gets in."""
    capability = next((p for p in route.path_params if glob_any(_token_names(knowledge), p.lower())), None)
    if capability is None:
        return None
    for func in route.functions:
        for node in ast.walk(func):
            if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):
                continue
            sides = [node.test.left, node.test.comparators[0]]
            names = [s.id for s in sides if isinstance(s, ast.Name)]
            fixed = [s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
            if names == [capability] and fixed and not rejects(node.body, knowledge) and _checks(node.orelse, capability) and not _checks(node.body, capability):
                return capability, fixed[0]
    return None


def _checks(body: list[ast.stmt], name: str) -> bool:
    """Whether ``body`` passes ``name`` to a call (a verification or a look-up by it)."""
    return any(isinstance(n, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in [*n.args, *(k.value for k in n.keywords)]) for stmt in body for n in ast.walk(stmt))


def _token_names(knowledge: Knowledge) -> list[str]:
    rows = knowledge.rows("access_token_names")
    return rows[0]["names"] if rows else []
