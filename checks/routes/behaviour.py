"""Recognising guards by what they do: inspect the caller, then reject the request.

A project's own ``@login_required`` in ``auth.py``, a FastAPI ``get_current_user`` dependency
or an ``if not current_user.is_authenticated: abort(401)`` at the top of a handler all do the
same two things: look at who is calling (current user, session, token, Authorization header)
and refuse with 401/403, a redirect to the login page or an auth exception. Looking at the
role too (``is_admin``, ``role``, ``is_staff``) makes the guard an admin guard.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ..knowledge import Knowledge
from ..syntax import dotted

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


def _status_in(call: ast.Call, statuses: set[int]) -> bool:
    for arg in [*call.args, *(kw.value for kw in call.keywords)]:
        for sub in ast.walk(arg):
            if isinstance(sub, ast.Constant) and sub.value in statuses and not isinstance(sub.value, bool):
                return True
            if isinstance(sub, ast.Attribute) and any(w in sub.attr.upper() for w in _STATUS_WORDS):
                return True
            if isinstance(sub, ast.Name) and any(w in sub.id.upper() for w in _STATUS_WORDS):
                return True
    return False


def rejects(nodes: Iterable[ast.AST], knowledge: Knowledge) -> bool:
    """Whether the code under ``nodes`` refuses a request (401/403, login redirect, auth error)."""
    rows = knowledge.rows("access_rejections")
    if not rows:
        return False
    row = rows[0]
    calls, raises, redirects = set(row["calls"]), set(row["raises"]), set(row["redirects"])
    statuses = set(row["statuses"])
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Call):
                name = (dotted(node.func) or "").rsplit(".", 1)[-1]
                if name in calls and _status_in(node, statuses):
                    row.hit()
                    return True
                if name in redirects and any(w in ast.unparse(node).lower() for w in ("login", "signin", "sign_in")):
                    row.hit()
                    return True
            elif isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = (dotted(target) or "").rsplit(".", 1)[-1]
                if name in raises and (name != "HTTPException" or (isinstance(node.exc, ast.Call) and _status_in(node.exc, statuses))):
                    row.hit()
                    return True
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                if any(isinstance(e, ast.Constant) and e.value in statuses for e in node.value.elts):
                    row.hit()
                    return True
    return False


def term_kinds(knowledge: Knowledge, names: set[str]) -> set[str]:
    """Which kinds of auth terms (``login``, ``admin``) appear among ``names``."""
    kinds: set[str] = set()
    # x_api_token and API_TOKEN mention a token too: compare the words of each identifier.
    words = names | {part for name in names if "_" in name for part in name.lower().split("_") if part}
    for row in knowledge.rows("access_auth_terms"):
        if words.intersection(row["names"]):
            row.hit()
            kinds.add(row["kind"])
    return kinds


def enforcement(func: ast.AST, knowledge: Knowledge) -> str | None:
    """``"admin"``/``"login"`` when ``func``'s body inspects the caller and rejects, else None."""
    body = func.body if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else [func]
    kinds = term_kinds(knowledge, mentioned_names(body))
    if not kinds or not rejects(body, knowledge):
        return None
    return "admin" if "admin" in kinds else "login"


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


def body_guard(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> str | None:
    """A check at the top of a handler: ``if not current_user.is_authenticated: abort(401)``;
    ``"admin"`` when the test looks at a role (``if not current_user.is_admin: abort(403)``)."""
    found: str | None = None
    for stmt in func.body[:8]:
        if not isinstance(stmt, ast.If) or not rejects(stmt.body, knowledge):
            continue
        kinds = term_kinds(knowledge, mentioned_names([stmt.test]))
        if "admin" in kinds:
            return "admin"
        if "login" in kinds and _is_identity_test(stmt.test):
            found = "login"
    return found
