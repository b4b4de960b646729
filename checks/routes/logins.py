"""Who can log in: the accounts of a users table, or only the operator whose credentials the
app's configuration holds.

A separate admin app often has a login of its own that compares the submitted user name and
password with ``ADMIN_USERNAME``/``ADMIN_PASSWORD`` from the environment and then marks the
session. Everyone who gets past it is the operator, so acting on any user's records is the
app's purpose (no CW302) and a login check is the role check (no CW304), as for the
allow-list logins of :func:`.facts.allow_list_login` (issue 13 §5).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from ..knowledge import Knowledge
from ..syntax import dotted, string_value, walk
from .behaviour import session_login_keys
from .data import glob_any

#: Words of a submitted value that is a password (``password``, ``pw``, ``passwd``).
_PASSWORD_WORDS = ("password", "passwd", "passphrase", "pw", "pass")
#: Calls comparing a submitted secret with a stored one.
_SECRET_COMPARISONS = ("compare_digest", "check_password_hash", "verify", "checkpw")


def session_starts(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge, nodes: Iterable[ast.AST] | None = None) -> Iterator[ast.stmt]:
    """Statements of ``func`` that log someone in: ``session["admin_logged_in"] = True``
    (a session key naming a login) or a login call (``login_user(user)``). ``nodes``: every
    node of ``func`` in any order, when the caller has them (then they come in that order)."""
    rows = knowledge.rows("access_login_calls")
    calls = rows[0]["calls"] if rows else []
    for node in walk(func) if nodes is None else nodes:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) and session_login_keys(t) for t in node.targets):
            yield node
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and glob_any(calls, dotted(node.value.func)):
            yield node


def operator_only_login(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge, nodes: list[ast.AST] | None = None) -> bool | None:
    """True when every login ``func`` performs happens only after the submitted password
    matched the one the configuration holds (``if username == ADMIN_USERNAME and password ==
    ADMIN_PASSWORD: session["admin_logged_in"] = True``); False when it logs in anyone else (a
    users table); None when it logs nobody in. ``nodes``: every node of ``func`` (in any
    order: only whether each login is inside some gate counts), when the caller has them."""
    nodes = list(walk(func)) if nodes is None else nodes
    starts = list(session_starts(func, knowledge, nodes))
    if not starts:
        return None
    gates = [n for n in nodes if isinstance(n, ast.If) and _fixed_password_test(n.test)]
    return all(any(_inside(start, gate.body) for gate in gates) for start in starts)


def _inside(node: ast.AST, block: list[ast.stmt]) -> bool:
    return any(node is sub for stmt in block for sub in ast.walk(stmt))


def _fixed_password_test(test: ast.expr) -> bool:
    """A test that a submitted password equals the configured one: ``password ==
    ADMIN_PASSWORD``, ``hmac.compare_digest(pw, app.config["ADMIN_PASSWORD"])``."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            pair = [node.left, node.comparators[0]]
        elif isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in _SECRET_COMPARISONS and len(node.args) >= 2:
            pair = node.args[:2]
        else:
            continue
        if any(_names_password(side) for side in pair) and any(_configured(side) for side in pair):
            return True
    return False


def _names_password(expr: ast.expr) -> bool:
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else string_value(expr.slice) if isinstance(expr, ast.Subscript) else None
    words = (name or "").lower().split("_")
    return any(w in _PASSWORD_WORDS for w in words)


def _configured(expr: ast.expr) -> bool:
    """A value from the app's configuration, not from a users table: an upper-case constant
    (``ADMIN_PASSWORD``, ``settings.ADMIN_PASSWORD``), ``app.config["ADMIN_PASSWORD"]``,
    ``os.environ["ADMIN_PASSWORD"]``, ``os.getenv("ADMIN_PASSWORD")``."""
    if isinstance(expr, ast.Name):
        return expr.id.isupper()
    if isinstance(expr, ast.Attribute):
        return expr.attr.isupper()
    if isinstance(expr, ast.Subscript):
        key = string_value(expr.slice)
        return bool(key and key.isupper())
    if isinstance(expr, ast.Call) and expr.args:
        key = string_value(expr.args[0])
        return (dotted(expr.func) or "").rsplit(".", 1)[-1] in ("get", "getenv") and bool(key and key.isupper())
    return False


def tests_credential_lookup(func: ast.FunctionDef | ast.AsyncFunctionDef, test: ast.expr) -> bool:
    """Whether ``test`` looks at the result of a look-up by the submitted password: ``row``
    after ``cur.execute("SELECT ... WHERE username = ? AND password = ?", (name, password))``
    and ``row = cur.fetchone()``, or ``user = User.query.filter_by(password=pw).first()``.
    Branching on it is the verification step of a login."""
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    for node in ast.walk(func):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id in names):
            continue
        value = node.value
        calls = [c for c in ast.walk(value) if isinstance(c, ast.Call)]
        receivers = {c.func.value.id for c in calls if isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name)}
        related = calls + [c for c in ast.walk(func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name) and c.func.value.id in receivers]
        if any(_mentions_password(c) for c in related):
            return True
    return False


def _mentions_password(call: ast.Call) -> bool:
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(arg):
            text = string_value(node) if isinstance(node, ast.Constant) else None
            if text is not None and "password" in text.lower():
                return True
            if isinstance(node, (ast.Name, ast.Attribute)) and _names_password(node):
                return True
    return any(k.arg and _names_password(ast.Name(id=k.arg)) for k in call.keywords)
