"""Recognising guards by what they do: inspect the caller, then reject the request.

A project's own ``@login_required`` in ``auth.py``, a FastAPI ``get_current_user`` dependency
or an ``if not current_user.is_authenticated: abort(401)`` at the top of a handler all do the
same two things: look at who is calling (current user, session, token, Authorization header)
and refuse with 401/403, a redirect to the login page or an auth exception. Looking at the
role too (``is_admin``, ``role``, ``is_staff``) makes the guard an admin guard.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ..knowledge import Knowledge
from ..syntax import dotted
from .data import glob_any

_STATUS_WORDS = ("401", "403", "UNAUTHORIZED", "FORBIDDEN")


def mentioned_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Identifiers, attributes and string subscripts/keys mentioned under ``nodes``."""
    found: set[str] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.Attribute):
                found.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 40:
                found.add(node.value)
    return found


def _status_in(call: ast.Call, statuses: set[int], words: tuple[str, ...] = _STATUS_WORDS) -> bool:
    for arg in [*call.args, *(kw.value for kw in call.keywords)]:
        for sub in ast.walk(arg):
            if isinstance(sub, ast.Constant) and sub.value in statuses and not isinstance(sub.value, bool):
                return True
            if isinstance(sub, ast.Attribute) and any(w in sub.attr.upper() for w in words):
                return True
            if isinstance(sub, ast.Name) and any(w in sub.id.upper() for w in words):
                return True
    return False


def rejection(nodes: Iterable[ast.AST], knowledge: Knowledge) -> str | None:
    """How the code under ``nodes`` refuses a request: ``"login"`` when the refusal itself
    says the caller is not authenticated (401, a redirect to the login page, an
    ``Unauthorized``/``NotAuthenticated`` error), ``"deny"`` for other refusals (403,
    ``PermissionDenied``), None when it never refuses."""
    rows = knowledge.rows("access_rejections")
    if not rows:
        return None
    row = rows[0]
    calls, raises, redirects = set(row["calls"]), set(row["raises"]), set(row["redirects"])
    statuses = set(row["statuses"])
    login_statuses = set(row.get("login_statuses") or ())
    login_raises = set(row.get("login_raises") or ())
    guard_calls = set(row.get("guard_calls") or ())
    forbidden_calls = set(row.get("forbidden_calls") or ())
    found: str | None = None
    for root in nodes:
        for node in ast.walk(root):
            kind: str | None = None
            if isinstance(node, ast.Call):
                name = (dotted(node.func) or "").rsplit(".", 1)[-1]
                if name in guard_calls and not any(kw.arg == "optional" and isinstance(kw.value, ast.Constant) and kw.value.value is True for kw in node.keywords):
                    kind = "login"  # verify_jwt_in_request(optional=True) lets anonymous callers through
                elif name in forbidden_calls:
                    kind = "deny"
                elif name in calls and _status_in(node, statuses):
                    kind = "login" if _status_in(node, login_statuses, ("UNAUTHORIZED",)) else "deny"
                elif name in redirects and any(w in ast.unparse(node).lower() for w in ("login", "signin", "sign_in")):
                    kind = "login"
            elif isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = (dotted(target) or "").rsplit(".", 1)[-1]
                if name in raises and (name != "HTTPException" or (isinstance(node.exc, ast.Call) and _status_in(node.exc, statuses))):
                    login = name in login_raises or (isinstance(node.exc, ast.Call) and _status_in(node.exc, login_statuses, ("UNAUTHORIZED",)))
                    kind = "login" if login else "deny"
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and _status_in(node.value, statuses):
                # a project response helper carrying the refusal: return AuthResponse.error("...", status.HTTP_403_FORBIDDEN)
                kind = "login" if _status_in(node.value, login_statuses, ("UNAUTHORIZED",)) else "deny"
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                codes = {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
                if codes & statuses:
                    kind = "login" if codes & login_statuses else "deny"
            if kind is not None:
                row.hit()
                if kind == "login":
                    return kind
                found = kind
    return found


def rejects(nodes: Iterable[ast.AST], knowledge: Knowledge) -> bool:
    """Whether the code under ``nodes`` refuses a request (401/403, login redirect, auth error)."""
    return rejection(nodes, knowledge) is not None


def term_kinds(knowledge: Knowledge, names: set[str]) -> set[str]:
    """Which kinds of auth terms (``login``, ``admin``) appear among ``names``."""
    kinds: set[str] = set()
    # x_api_token and API_TOKEN mention a token too: compare the words of each identifier,
    # and each pair of neighbouring words (x_api_key mentions an api_key).
    words = set(names)
    for name in names:
        if "_" in name:
            parts = [p for p in name.lower().split("_") if p]
            words.update(parts)
            words.update(f"{a}_{b}" for a, b in zip(parts, parts[1:]))
    for row in knowledge.rows("access_auth_terms"):
        if words.intersection(row["names"]):
            row.hit()
            kinds.add(row["kind"])
    return kinds


def _parameter_names(func: ast.AST) -> set[str]:
    """Parameter names of a function: a dependency reads credentials through them
    (``x_api_key: str = Header(...)``, ``session_id = Cookie(None)``)."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return set()
    args = func.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}


def enforcement(func: ast.AST, knowledge: Knowledge) -> str | None:
    """``"admin"``/``"login"`` when ``func`` inspects the caller and rejects, else None.

    A refusal that itself means "not authenticated" (401, redirect to the login page) makes a
    login guard whatever the names (``if g.get("cook") is None: return redirect(login)``);
    other refusals (403) count when the code looks at the caller or their role."""
    body = func.body if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else [func]
    refusal = rejection(body, knowledge)
    if refusal is None:
        return None
    kinds = term_kinds(knowledge, mentioned_names(body) | _parameter_names(func))
    if "admin" in kinds and _role_decides(body, refusal, knowledge):
        return "admin"
    if _refuses_on_role(body, knowledge):
        return "admin"
    return "login" if kinds or refusal == "login" else None


_AUTHENTICATION_ATTRS = frozenset({"is_authenticated", "is_anonymous", "is_active", "id", "pk", "user_id", "uid", "sub"})
_CALLER_WORDS = ("user", "caller", "member", "account", "principal", "identity", "claims", "payload")


def _about_the_caller(node: ast.AST) -> bool:
    """An expression rooted in something naming the caller (``current_user``, ``g.user``,
    ``request.user``, ``claims``, ``payload``)."""
    if isinstance(node, ast.Attribute) and any(w in node.attr.lower() for w in _CALLER_WORDS):
        return True  # request.user itself (its own attribute names the caller)
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Attribute) and any(w in node.attr.lower() for w in _CALLER_WORDS):
            return True
    return isinstance(node, ast.Name) and any(w in node.id.lower() for w in _CALLER_WORDS)


#: Calls that end a query: testing their result asks whether a row exists, not what role it has.
_QUERY_ENDS = frozenset({"exists", "first", "count", "get", "all", "one", "one_or_none", "scalar", "filter", "filter_by"})


def _named_constant(node: ast.AST) -> bool:
    """A string literal or an enum member (``User.Role.ADMIN``, ``UserRole.ADMIN.value``): the
    upper-case last name is how Python code spells a constant, so ``user.role == User.Role.ADMIN``
    compares the caller's role with a fixed value exactly as ``user.role == "admin"`` does."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def role_test(test: ast.expr) -> bool:
    """A test of what the caller may do, beyond whether they are logged in, recognised by its
    form whatever the words: a call on the caller (``current_user.has_permission(name)``,
    ``user.can(Permission.ADMIN)``), a flag of the caller other than the authentication ones
    (``current_user.is_admin``, ``g.user.verified``), or the caller's attribute compared with
    a constant (``user.role != "owner"``, ``claims["scope"] not in ("write",)``)."""
    if isinstance(test, ast.BoolOp):
        return any(role_test(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return role_test(test.operand)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" and len(test.args) == 2:
        return _about_the_caller(test.args[0]) or isinstance(test.args[0], ast.Name) and any(w in test.args[0].id.lower() for w in _CALLER_WORDS)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute):
        if test.func.attr in _QUERY_ENDS:
            return False  # Membership.objects.filter(user=request.user).exists(): a lookup, no role (see _role_lookup)
        credential = any(w in test.func.attr.lower() for w in ("password", "passwd", "pw", "hash", "token"))
        return _about_the_caller(test.func.value) and test.func.attr not in _AUTHENTICATION_ATTRS and not credential
    if isinstance(test, (ast.Attribute, ast.Subscript)):
        last = test.attr if isinstance(test, ast.Attribute) else ""
        return isinstance(test, ast.Attribute) and _about_the_caller(test.value) and last not in _AUTHENTICATION_ATTRS
    if isinstance(test, ast.Compare):
        sides = [test.left, *test.comparators]
        constant = any(_named_constant(s) or isinstance(s, (ast.Tuple, ast.List, ast.Set)) and s.elts and all(_named_constant(e) for e in s.elts) for s in sides)
        caller_attr = any(isinstance(s, (ast.Attribute, ast.Subscript)) and not _named_constant(s) and _about_the_caller(s) and not (isinstance(s, ast.Attribute) and s.attr in _AUTHENTICATION_ATTRS) for s in sides)
        return constant and caller_attr
    return False


def test_method_kind(cls: ast.ClassDef, knowledge: Knowledge) -> str | None:
    """The guard a class view's test method is (rows ``access_test_methods``: Django's
    ``UserPassesTestMixin.test_func``), by what it returns: ``"admin"`` when every return tests
    a role (``user.is_authenticated and user.is_staff``), ``"login"`` when each looks at the
    caller otherwise (an anonymous caller fails it and is sent to log in), None else."""
    methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    bases = {(dotted(b) or "").rsplit(".", 1)[-1] for b in cls.bases}
    for row in knowledge.rows("access_test_methods"):
        method = methods.get(row["method"])
        if method is None or not bases.intersection(row["bases"]):
            continue
        returned = [n.value for n in ast.walk(method) if isinstance(n, ast.Return) and n.value is not None]
        if not returned or not all(any(_about_the_caller(n) for n in ast.walk(v)) for v in returned):
            continue
        row.hit()
        return "admin" if all(role_test(v) for v in returned) else "login"
    return None


def _refuses_on_role(body: list[ast.stmt], knowledge: Knowledge) -> bool:
    """An ``if`` that forbids the request (403, not 401: a token-type check is authentication)
    or sends the caller away (``return redirect(...)``, anywhere: the dashboard, an admin login)
    on a :func:`role_test`, also through a local (``is_super = isinstance(current_user,
    SuperUser)``; ``if not is_super: return redirect(...)``)."""
    bound = {n.targets[0].id: n.value for root in body for n in ast.walk(root) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}
    for root in body:
        for n in ast.walk(root):
            if isinstance(n, ast.If) and role_test(_through_locals(n.test, bound)):
                refusal = rejection(n.body, knowledge)
                if refusal == "deny" or refusal != "login" and redirects_away(n.body, knowledge) or refusal == "login" and _not_a_claim(n.test):
                    return True
            elif isinstance(n, ast.If) and _role_lookup(n.test, knowledge) and rejection(n.body, knowledge) == "deny":
                return True  # if not Membership.objects.filter(user=request.user, role="admin").exists(): 403
            elif isinstance(n, ast.Try) and any(_role_lookup(s, knowledge) for s in n.body) and any(_refuses(h.body, knowledge) for h in n.handlers):
                return True  # try: Member.objects.get(user=request.user, role=ADMIN) except DoesNotExist: 403
            if _admits_role_else_refuses(n, knowledge):
                return True
    return False


def _admits_role_else_refuses(node: ast.AST, knowledge: Knowledge) -> bool:
    """The grant-first form: ``if current_user.role in roles: return f(*args, **kwargs)``
    followed, in the same block, by ``abort(403)``: only callers whose role passes the test
    get past the refusal."""
    for block in (getattr(node, "body", None), getattr(node, "orelse", None)):
        if not isinstance(block, list):
            continue
        for index, stmt in enumerate(block):
            if not (isinstance(stmt, ast.If) and not stmt.orelse and role_test(stmt.test) and not _negative(stmt.test)):
                continue
            if stmt.body and isinstance(stmt.body[-1], ast.Return) and rejection(block[index + 1:], knowledge) == "deny":
                return True
    return False


def _refuses(body: list[ast.stmt], knowledge: Knowledge) -> bool:
    """A refusal that is not "log in first": 403 or a redirect away."""
    refusal = rejection(body, knowledge)
    return refusal == "deny" or refusal is None and redirects_away(body, knowledge)


def _role_lookup(node: ast.AST, knowledge: Knowledge) -> bool:
    """A query for the caller's own row on a condition of its role (``ClubMember.objects.get(
    user=request.user, club=club, role=ClubRole.ADMIN)``, ``filter(user=current_user,
    role__in=[...]).exists()``): it finds nothing, or raises, unless the caller holds the role."""
    from .identity import is_caller

    for call in ast.walk(node):
        if not (isinstance(call, ast.Call) and len(call.keywords) >= 2):
            continue
        role = any(kw.arg and "admin" in term_kinds(knowledge, {kw.arg.split("__", 1)[0]}) for kw in call.keywords)
        if role and any(kw.arg and is_caller(kw.value, frozenset()) for kw in call.keywords):
            return True
    return False


def _through_locals(test: ast.expr, bound: dict[str, ast.expr]) -> ast.expr:
    """``not is_super`` read as ``not isinstance(current_user, SuperUser)`` when the local
    holds that test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.UnaryOp(op=test.op, operand=_through_locals(test.operand, bound))
    if isinstance(test, ast.Name) and test.id in bound:
        return bound[test.id]
    return test


def _not_a_claim(test: ast.expr) -> bool:
    """A role test that is no comparison with a constant (a token's ``type`` claim compared
    with ``"access"`` and refused with 401 is authentication): a class or a flag of the caller."""
    return not any(isinstance(n, ast.Compare) for n in ast.walk(test))


def redirects_away(body: list[ast.stmt], knowledge: Knowledge) -> bool:
    """Whether ``body`` answers with a redirect (``return redirect(url_for("dashboard"))``)."""
    rows = knowledge.rows("access_rejections")
    names = set(rows[0]["redirects"]) if rows else set()
    return any(
        isinstance(n, ast.Return) and isinstance(n.value, ast.Call) and (dotted(n.value.func) or "").rsplit(".", 1)[-1] in names
        for stmt in body for n in ast.walk(stmt)
    )


def _role_decides(body: list[ast.stmt], refusal: str, knowledge: Knowledge) -> bool:
    """Whether the role the code mentions decides the refusal: it is tested by an ``if``
    that refuses (``if user.role != "owner": raise 403``), or no ``if`` refuses and the
    refusal is a 403 (``user.is_admin or abort(403)``). A dependency that decodes a token,
    answers 401 when it is bad and copies its role claim into the result is a login guard."""
    refusing = [n for root in body for n in ast.walk(root) if isinstance(n, ast.If) and rejects(n.body, knowledge)]
    if not refusing:
        return refusal != "login"
    return any("admin" in term_kinds(knowledge, mentioned_names([n.test])) for n in refusing)


def _is_identity_test(test: ast.expr) -> bool:
    """``not user``, ``user is None``, ``"uid" not in session``, ``x.is_authenticated``: tests
    of whether someone is logged in, as opposed to comparisons of two objects (ownership)."""
    if isinstance(test, ast.BoolOp):
        return any(_is_identity_test(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    if isinstance(test, ast.Compare):
        return all(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in test.ops)
    return any(isinstance(n, ast.Attribute) and n.attr in ("is_authenticated", "is_anonymous") for n in ast.walk(test))


def _always_leaves(block: list[ast.stmt], knowledge: Knowledge) -> bool:
    """Whether ``block`` always leaves the handler: it ends with ``return``, ``raise`` or a
    refusal (``abort(500)``), or with an ``if`` whose branches all do."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_leaves(last.body, knowledge) and _always_leaves(last.orelse, knowledge)
    return isinstance(last, ast.Expr) and rejects([last], knowledge)


def leading_statements(body: list[ast.stmt], knowledge: Knowledge, limit: int = 8) -> list[tuple[ast.stmt, bool]]:
    """The first ``limit`` statements a handler runs, each with whether a failure raised by it
    leaves the handler (``True`` at the top level). A check often sits inside a ``try:``
    wrapping the whole handler (``try: if not is_admin(): return ..., 401``, ``try: user =
    require_user()``): its statements count in place of the ``try``. An exception raised there
    leaves the handler when every ``except`` clause ends the request (``return {"error": ...},
    500``); one that swallows it (``except Unauthorized: user = None``) lets the rest run."""
    found: list[tuple[ast.stmt, bool]] = []
    for stmt in body:
        if len(found) >= limit:
            break
        if isinstance(stmt, ast.Try):
            ends = all(_always_leaves(h.body, knowledge) for h in stmt.handlers)
            found.extend((inner, ends and leaves) for inner, leaves in leading_statements(stmt.body, knowledge, limit - len(found)))
        else:
            found.append((stmt, True))
    return found[:limit]


def shared_secret_check(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> bool:
    """Whether the handler authenticates its caller by a shared secret: an ``if`` among its
    first statements compares a value with one read from the configuration (rows
    ``access_configured_values``: ``os.environ.get("API_TOKEN")``, ``settings.API_KEY``, also
    through a local) and refuses otherwise. The caller is then a service, not a user."""
    rows = knowledge.rows("access_configured_values")
    if not rows:
        return False
    row = rows[0]
    bound = {n.targets[0].id: n.value for n in ast.walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}

    def configured(expr: ast.AST) -> bool:
        if isinstance(expr, ast.Name) and expr.id in bound:
            expr = bound[expr.id]
        for n in ast.walk(expr):
            if isinstance(n, ast.Call) and glob_any(row["calls"], dotted(n.func)):
                return True
            if isinstance(n, (ast.Subscript, ast.Attribute)) and glob_any(row["containers"], dotted(n.value)):
                return True
        return False

    for stmt, _ in leading_statements(func.body, knowledge):
        if not isinstance(stmt, ast.If) or rejection(stmt.body, knowledge) is None:
            continue
        for n in ast.walk(stmt.test):
            sides = [n.left, *n.comparators] if isinstance(n, ast.Compare) else n.args if isinstance(n, ast.Call) and (dotted(n.func) or "").endswith("compare_digest") else []
            if len(sides) == 2 and any(configured(s) for s in sides) and not all(configured(s) for s in sides):
                row.hit()
                return True
    return False


def body_guard(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> str | None:
    """A check at the top of a handler: ``if not current_user.is_authenticated: abort(401)``;
    ``"admin"`` when the test looks at a role (``if not current_user.is_admin: abort(403)``).
    A test of whether something is set that answers 401 or sends to the login page
    (``if g.operator is None: abort(401)``) is a login check whatever the names. The check may
    sit in a ``try:`` around the handler's work (see :func:`leading_statements`): its ``if``
    leaves the handler itself."""
    found: str | None = None
    body = [stmt for stmt, _ in leading_statements(func.body, knowledge)]
    if _role_gate(func.body, knowledge):
        return "admin"
    for index, stmt in enumerate(body):
        if not isinstance(stmt, ast.If):
            continue
        if _admits_only_the_logged_in(stmt, body[index + 1:], knowledge):
            if _role_gate(stmt.body, knowledge):
                return "admin"  # if "userName" in session: <the caller's role> ... if role == "admin": <page>
            found = found or "login"
            continue
        refusal = rejection(stmt.body, knowledge)
        if refusal is None:
            if _negative(stmt.test) and ("admin" in term_kinds(knowledge, mentioned_names([stmt.test])) or role_test(stmt.test)) and redirects_away(stmt.body, knowledge):
                return "admin"  # if not is_admin(): / if current_user.role.name != "Admin": flash(...); return redirect(url_for("dashboard"))
            # `if not session.get("admin"): return redirect(url_for("admin"))`: a test of the
            # session's login key that sends the caller away, wherever to.
            if _is_identity_test(stmt.test) and redirects_away(stmt.body, knowledge):
                keys = session_login_keys(stmt.test)
                if keys:
                    found = "admin" if "admin" in keys else found or "login"
            continue
        kinds = term_kinds(knowledge, mentioned_names([stmt.test]))
        if "admin" in kinds or refusal == "deny" and role_test(stmt.test):
            return "admin"
        if ("login" in kinds or refusal == "login") and _is_identity_test(stmt.test):
            found = "login"
    return found


def _role_gate(block: list[ast.stmt], knowledge: Knowledge) -> bool:
    """A test of the caller's role that decides the response before the handler acts on
    anything: ``role = <the users row of the session's user>`` then ``if role == "admin":
    <page> else: return redirect("/")`` (or ``!=`` then refuse). Before it the block may look
    the caller up, log, and end the request early; once it acts on the request's data (a
    ``POST`` branch deleting users, then the role test) the action went unchecked."""
    from .identity import is_caller

    caller_rows: set[str] = set()  # locals holding what a look-up bound to the caller returned
    looked_up = False
    for stmt in block:
        if isinstance(stmt, ast.If):
            if _tests_caller_role(stmt.test, caller_rows, knowledge):
                refusing = stmt.body if _negative(stmt.test) else stmt.orelse
                if _refuses_any(refusing, knowledge):
                    return True
            if _exits(stmt.body) and not stmt.orelse and not _reads_input(stmt.test):
                continue  # an early answer (`if row is None: return redirect(...)`)
            return False
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) or _reads_input(stmt):
            return False
        calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        if any(is_caller(a, frozenset()) for c in calls for a in [*c.args, *(k.value for k in c.keywords)]):
            looked_up = True
        if looked_up and calls and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            caller_rows.add(stmt.targets[0].id)
    return False


def _tests_caller_role(test: ast.expr, caller_rows: set[str], knowledge: Knowledge) -> bool:
    """A comparison of a role with constants (``role == "admin"``, ``user["role"] not in
    ("admin", "staff")``) where the role is the caller's: an attribute of the caller
    (:func:`role_test`) or read from a look-up bound to the caller (``caller_rows``)."""
    if role_test(test):
        return True
    for node in ast.walk(test):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        constant = any(isinstance(s, ast.Constant) and isinstance(s.value, str) or isinstance(s, (ast.Tuple, ast.List, ast.Set)) and all(isinstance(e, ast.Constant) for e in s.elts) for s in sides)
        row = any(_root_name(s) in caller_rows for s in sides)
        if constant and row and "admin" in term_kinds(knowledge, mentioned_names([node])):
            return True
    return False


def _root_name(expr: ast.expr) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _negative(test: ast.expr) -> bool:
    """``role != "admin"``, ``role not in (...)``, ``not user.is_admin``: true for the callers to refuse."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return True
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_negative(v) for v in test.values)  # not user.role or user.role.name != "Admin"
    return isinstance(test, ast.Compare) and all(isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot)) for op in test.ops)


def _refuses_any(body: list[ast.stmt], knowledge: Knowledge) -> bool:
    return bool(body) and (rejection(body, knowledge) is not None or redirects_away(body, knowledge))


def _exits(body: list[ast.stmt]) -> bool:
    """``body`` answers on its own (a return, a raise, an ``abort(...)``) at its top level."""
    return any(
        isinstance(s, (ast.Return, ast.Raise)) or isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and (dotted(s.value.func) or "").rsplit(".", 1)[-1] == "abort"
        for s in body
    )


_INPUT_ATTRS = frozenset({"form", "args", "json", "values", "files", "data", "get_json", "POST", "GET", "body", "query_params"})


def _reads_input(node: ast.AST) -> bool:
    """Whether ``node`` reads the request's data (``request.form[...]``, ``request.get_json()``)."""
    return any(isinstance(n, ast.Attribute) and n.attr in _INPUT_ATTRS and isinstance(n.value, ast.Name) and n.value.id == "request" for n in ast.walk(node))


def permission_gate(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> bool:
    """The handler refuses with 403 unless a test of what the caller may do passes, on every
    path that reaches its answer: ``if not current_user.can_access_quiz(quiz): abort(403)``,
    also one test per branch (admins by ``can_access_quiz``, others by
    ``quiz.is_available_for_user(current_user)``). A check of the record against the caller,
    not of a role; it still decides who gets the response."""
    return any(isinstance(stmt, ast.If) and _checked_on_every_path(stmt, knowledge) for stmt in func.body[:8])


def _checked_on_every_path(stmt: ast.If, knowledge: Knowledge, depth: int = 0) -> bool:
    if _permission_test(stmt.test) and _negative(stmt.test) and rejection(stmt.body, knowledge) == "deny":
        return True
    if depth >= 3:
        return False

    def checked(block: list[ast.stmt]) -> bool:
        return any(isinstance(s, ast.If) and _checked_on_every_path(s, knowledge, depth + 1) for s in block)

    if not checked(stmt.body):
        return False
    if stmt.orelse:
        return checked(stmt.orelse)
    return isinstance(stmt.test, ast.Name)  # `if quiz:`: without the record there is nothing to serve


def _permission_test(test: ast.expr) -> bool:
    """:func:`role_test`, or a call given the caller (``quiz.is_available_for_user(current_user)``,
    ``can_edit(current_user, doc)``)."""
    from .identity import is_caller

    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if role_test(test):
        return True
    return isinstance(test, ast.Call) and (dotted(test.func) or "").rsplit(".", 1)[-1] not in _QUERY_ENDS and any(
        is_caller(a, frozenset()) for a in [*test.args, *(k.value for k in test.keywords)]
    )


#: Words of a session key or caller attribute that says who is logged in (``userName``,
#: ``user_id``, ``logged_in``, ``admin``); a cart or a language in the session says nothing.
_LOGIN_KEY_WORDS = frozenset({"user", "username", "userid", "uid", "login", "logged", "account", "member", "email", "auth", "authenticated", "admin"})
_CAMEL = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def session_login_keys(test: ast.expr) -> set[str]:
    """The login words of the session keys a test reads (``"userName" in session``,
    ``session.get("admin")``, ``session["user_id"]``): empty when it reads no session key."""
    if not any(isinstance(n, ast.Name) and n.id == "session" or isinstance(n, ast.Attribute) and n.attr == "session" for n in ast.walk(test)):
        return set()
    words = {w.lower() for n in ast.walk(test) if isinstance(n, ast.Constant) and isinstance(n.value, str) for w in _CAMEL.split(n.value) if w}
    return words & _LOGIN_KEY_WORDS


def _admits_only_the_logged_in(stmt: ast.If, rest: list[ast.stmt], knowledge: Knowledge) -> bool:
    """The positive form: ``if request.user.is_authenticated: <the work> else: return
    redirect("login")`` (or the refusal right after an ``if`` whose branch returns), also on a
    session login key (``if "userName" in session: <the work>`` and a redirect after it)."""
    test = stmt.test
    if not isinstance(test, ast.UnaryOp) and session_login_keys(test) and any(isinstance(n, ast.Return) for b in stmt.body for n in ast.walk(b)):
        after = [*stmt.orelse, *rest[:2]]
        return redirects_away(after, knowledge) or rejection(after, knowledge) is not None
    if isinstance(test, ast.UnaryOp) or not any(isinstance(n, ast.Attribute) and n.attr == "is_authenticated" for n in ast.walk(test)):
        return False
    if stmt.orelse:
        return rejection(stmt.orelse, knowledge) == "login"
    returns = bool(stmt.body) and isinstance(stmt.body[-1], ast.Return)
    return returns and bool(rest) and rejection(rest[:1], knowledge) == "login"


def owner_gate(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> bool:
    """The handler changes data only for the record's owner: ``if note.user_id ==
    current_user.id: <change>`` (or ``!=`` then refuse). An anonymous caller has no identity
    to match, so this protects the route as a login check does."""
    from .identity import is_caller

    owner_fields = {n for row in knowledge.rows("access_owner_fields") for n in row["names"]}
    for node in ast.walk(func):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1):
            continue
        sides = [node.test.left, node.test.comparators[0]]
        owner = any(
            isinstance(s, ast.Attribute) and s.attr in owner_fields
            or isinstance(s, ast.Subscript) and isinstance(s.slice, ast.Constant) and s.slice.value in owner_fields
            or isinstance(s, ast.Name) and s.id in owner_fields  # `if user_id != session.get("user_id"): abort(403)`
            for s in sides
        )
        caller = any(is_caller(s, frozenset()) for s in sides)
        if not (owner and caller):
            continue
        op = node.test.ops[0]
        if isinstance(op, (ast.Eq, ast.Is)) and not rejects(node.body, knowledge) or isinstance(op, (ast.NotEq, ast.IsNot)) and rejects(node.body, knowledge):
            return True
    return False


def dispatch_guarded(doc, call: ast.AST, knowledge: Knowledge) -> bool:  # type: ignore[no-untyped-def]
    """Whether a login check runs before ``call`` in its function: an ``if`` that tests
    whether someone is logged in and directly refuses, among the statements before the call's
    in any block around it (``if user is None: return JSONResponse(..., status_code=401)``)."""
    node = call
    parent = doc.parent(node)
    while parent is not None and not isinstance(parent, ast.Module):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and node in block:
                if any(_login_check(stmt, knowledge) for stmt in block[: block.index(node)]):
                    return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        node, parent = parent, doc.parent(parent)
    return False


def _login_check(stmt: ast.stmt, knowledge: Knowledge) -> bool:
    if not isinstance(stmt, ast.If) or not _is_identity_test(stmt.test):
        return False
    direct = [s for s in stmt.body if not isinstance(s, (ast.If, ast.For, ast.While, ast.With, ast.Try))]
    return rejection(direct, knowledge) == "login"
