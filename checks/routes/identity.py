"""Who the caller is: which values in a handler are the authenticated caller or their id.

One of the three access questions (identity, protection, ownership; see DESIGN.md §8). A
value is the caller's identity when it comes from authenticated state:

- ``current_user``, ``request.user``, ``g.user``, ``self.request.user`` (or a part of one);
- ``g.<x>`` / ``request.state.<x>`` that a hook, middleware or guard decorator loads the
  caller into (recorded per file as ``callers`` facts);
- ``session["user_id"]`` (signed, written by the server at login);
- a parameter a guard decorator injects (``return f(current_user_id, *args, **kwargs)``),
  or bound to a guard dependency (``user = Depends(get_current_user)``, at any depth);
- ``get_jwt_identity()`` and the project's own helpers returning any of these;
- a local built from the above alone (``me = int(get_jwt_identity())``).

Ownership (:mod:`.ownership`) asks this module; it never re-derives an identity itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted, keyed_read, string_value
from .data import glob_any
from .dependencies import dependency_parameters
from .nodes import assignments_in_order
from .view import ProjectView, guard_for, lookup

if TYPE_CHECKING:
    from .discover import Route

_CALLER_HOLDERS = ("request", "g", "self", "info")
#: Names of values holding a record's id (``note_id``, ``pk``, ``userId``).
ID_NAME = re.compile(r"^(id|pk|uuid|.+_(id|pk|uuid)|.+Id)$")


def is_user_expr(expr: ast.AST, user_names: frozenset[str] = frozenset()) -> bool:
    """``current_user``, ``request.user``, ``g.user``, ``self.request.user`` (or an attribute
    of one), a name in ``user_names`` (caller parameters and locals, ``g.x`` attributes a hook
    loads the caller into), ``session["user_id"]``."""
    text = dotted(expr.value if isinstance(expr, ast.Subscript) else expr)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
        text = dotted(expr.func.value)
        if text and expr.args and f"{text}.{string_value(expr.args[0])}" in user_names:  # g.get("chef")
            return True
        if text and text.rsplit(".", 1)[-1] == "session" and any(isinstance(a, ast.Constant) and ("user" in str(a.value).lower() or "uid" in str(a.value).lower()) for a in expr.args):
            return True
        return is_user_expr(expr.func.value, user_names) if text in user_names else False  # current_user.get("id")
    if text is None:
        return False
    if isinstance(expr, ast.Subscript):
        if is_user_expr(expr.value, user_names):  # g.user["id"]
            return True
        key = ast.unparse(expr.slice).lower()
        return text.rsplit(".", 1)[-1] == "session" and ("user" in key or "uid" in key)
    head = text.split(".")
    if head[0] in ("current_user", *user_names) or len(head) > 1 and f"{head[0]}.{head[1]}" in user_names:
        return True
    if len(head) > 2 and head[1] == "state" and f"request.state.{head[2]}" in user_names:
        return True
    if head[0] == "g" and len(head) > 1 and "user" in head[1].lower():
        return True  # g.current_user, set by an auth callback the hooks do not show
    return "user" in head[1:] and head[0] in _CALLER_HOLDERS


def session_id(expr: ast.AST) -> bool:
    """``session["chef_id"]`` / ``session.get("uid")``: an id the login stored in the session."""
    read = keyed_read(expr)
    if read is None:
        return False
    base, key = read
    return (dotted(base) or "").rsplit(".", 1)[-1] == "session" and bool(key and ID_NAME.match(key))


def is_caller(expr: ast.AST, user_names: frozenset[str]) -> bool:
    """Whether ``expr`` is (or contains) the current user, a value bound to it, or an id the
    login stored in the session."""
    return any(
        is_user_expr(sub, user_names) or isinstance(sub, ast.Name) and sub.id in user_names or session_id(sub)
        for sub in ast.walk(expr)
    )


def holds_caller(expr: ast.AST, user_names: frozenset[str], knowledge: Knowledge, view: ProjectView | None) -> bool:
    """:func:`is_caller`, or a call returning the caller anywhere in ``expr``
    (``token_auth.current_user().id``, ``int(get_jwt_identity())``, a project helper)."""
    rows = knowledge.rows("access_caller_calls")
    patterns = rows[0]["calls"] if rows else []
    return is_caller(expr, user_names) or any(_caller_call(sub, patterns, view) for sub in ast.walk(expr))


def _caller_call(call: ast.AST, patterns: list[str], view: ProjectView | None) -> bool:
    """``get_jwt_identity()`` (a data row) or a call of a project helper returning the caller."""
    if not isinstance(call, ast.Call):
        return False
    written = dotted(call.func) or ""
    last = written.rsplit(".", 1)[-1]
    if glob_any(patterns, written, last):
        return True
    return view is not None and last in view.caller_helper_names


def caller_locals(
    doc: SourceDoc,
    func: ast.AST,
    user_names: frozenset[str],
    knowledge: Knowledge,
    view: ProjectView | None,
    is_client: Callable[[ast.AST, frozenset[str]], bool],
) -> frozenset[str]:
    """``user_names`` plus locals holding the caller or their id: ``member_id =
    int(get_jwt_identity())``, ``me = Member.query.get(member_id)``, ``uid = current_account()``
    (values built from the caller alone; ``is_client`` says whether a value carries a
    client-supplied id, which disqualifies it)."""
    rows = knowledge.rows("access_caller_calls")
    patterns = rows[0]["calls"] if rows else []
    names = set(user_names)
    # In source order (one pass follows a chain; the second catches loops).
    assigns = [n for n in assignments_in_order(doc, func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)]
    for _ in range(2):
        for node in assigns:
            target = node.targets[0].id  # type: ignore[attr-defined]
            current = frozenset(names)
            if target in names or is_client(node.value, current):
                continue
            # One walk each (a check per sub-expression re-walked it: quadratic on long chains).
            called = any(_caller_call(sub, patterns, view) for sub in ast.walk(node.value))
            if called or is_caller(node.value, current):
                if called and rows:
                    rows[0].hit()
                names.add(target)
    return frozenset(names)


def caller_names(
    doc: SourceDoc,
    route: Route,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    view: ProjectView,
    knowledge: Knowledge,
    config_guards: tuple[str, ...],
) -> frozenset[str]:
    """Names that are the caller in ``func`` before any local assignment: parameters bound to
    a guard dependency, parameters a guard decorator injects, and the ``g``/``request.state``
    attributes the project's hooks and guards load the caller into."""
    names: set[str] = set(view.callers)
    names.update(_dependency_parameters(doc, func, view, knowledge, config_guards))
    names.update(injected_parameters(route, func))
    return frozenset(names)


def _dependency_parameters(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, view: ProjectView, knowledge: Knowledge, config_guards: tuple[str, ...]) -> set[str]:
    """``user: User = Depends(get_current_user)``: the parameter holds what the guard returns.
    ``user_id: int`` beside ``Depends(get_authorized_user)``, a dependency that refuses the
    request unless its own ``user_id`` (FastAPI fills both from the same path value) is the
    caller's id: that parameter is the caller's id too."""
    names: set[str] = set()
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    for name, target, _ in dependency_parameters(doc, func):
        if not guard_for(knowledge, view, config_guards, target, target.rsplit(".", 1)[-1], "dependency"):
            continue
        names.add(name)
        found = lookup(view.verifies, target)
        if found is not None:
            names.update(p for p in found[1] if p in params)
    return names


def verified_parameters(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> list[str]:
    """Plain parameters of a dependency that it refuses unless they equal the caller's id:
    ``def get_authorized_user(user_id: int, current_user = Depends(get_current_user)): if
    current_user.id != user_id: raise HTTPException(403)``."""
    from .behaviour import rejects

    plain, callers = [], set()
    for name, _, _ in dependency_parameters(doc, func):
        callers.add(name)
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.arg not in callers and ID_NAME.match(arg.arg):
            plain.append(arg.arg)
    if not plain or not callers:
        return []
    found: list[str] = []
    for node in ast.walk(func):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], (ast.NotEq, ast.IsNot)) and rejects(node.body, knowledge)):
            continue
        sides = [_unwrapped(node.test.left), _unwrapped(node.test.comparators[0])]
        for value, other in (sides, sides[::-1]):
            if isinstance(value, ast.Name) and value.id in plain and is_caller(other, frozenset(callers)) and value.id not in found:
                found.append(value.id)
    return found


def _unwrapped(expr: ast.expr) -> ast.expr:
    """``str(user_id)`` / ``int(x)``: the value under a conversion."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("str", "int", "UUID") and len(expr.args) == 1:
        expr = expr.args[0]
    return expr


def injected_parameters(route: Route, func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters of a handler that a guard decorator fills in with the caller.

    The decorator's own definition says which (``return f(current_user, *args, **kwargs)``:
    the first; ``kwargs["user"] = user``: ``user``). Flask passes a view nothing but its URL
    variables, so under a guard decorator whose definition is not visible any other parameter
    without a default is injected by that decorator too."""
    decorator_guards = [g for g in route.guards if g.source == "decorator" and g.kind in ("login", "admin")]
    if not decorator_guards:
        return set()
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    found: set[str] = set()
    for guard in decorator_guards:
        if guard.injects is not None:
            count, keywords = guard.injects
            found.update(params[:count])
            found.update(k for k in keywords if k in params or k in {a.arg for a in func.args.kwonlyargs})
    if route.framework == "flask" and not route.is_class and not any(g.injects for g in decorator_guards):
        url_params = set(route.path_params)
        without_default = params[: len(params) - len(func.args.defaults)]
        found.update(p for p in without_default if p not in url_params)
    return found


def decorator_injections(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, list[str]] | None:
    """What a decorator passes to the view it wraps, from its inner wrapper's call of it:
    ``f(user_id, *args, **kwargs)`` → ``(1, [])``; ``f(*args, user=user, **kwargs)`` or
    ``kwargs["user"] = user`` → ``(0, ["user"])``. None when it passes nothing extra."""
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if not params:
        return None
    wrapped = params[0]
    count, keywords = 0, []
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == wrapped:
            leading = 0
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    break
                leading += 1
            count = max(count, leading)
            keywords += [kw.arg for kw in node.keywords if kw.arg]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            key = string_value(target.slice)
            if key and isinstance(target.value, ast.Name) and target.value.id == "kwargs":
                keywords.append(key)
    if not count and not keywords:
        return None
    return count, sorted(set(keywords))


def returns_caller(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: Knowledge) -> bool:
    """A project helper whose every returned value is the caller or their id
    (``return session.get("account_id")``, ``return User.query.get(get_jwt_identity())``)."""
    rows = knowledge.rows("access_caller_calls")
    patterns = rows[0]["calls"] if rows else []
    returned = [n.value for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None]
    meaningful = [r for r in returned if not (isinstance(r, ast.Constant) and r.value is None)]
    if not meaningful:
        return False
    return all(any(_caller_call(sub, patterns, None) or is_caller(sub, frozenset()) for sub in ast.walk(r)) for r in meaningful)


def caller_attributes(func: ast.AST, knowledge: Knowledge) -> list[str]:
    """``g.operator = <lookup by the session's id>``, ``request.user_id = claims["sub"]`` or
    ``request.state.user = user`` in a hook, middleware or guard: that attribute is the caller
    in every handler behind it."""
    from .behaviour import mentioned_names, term_kinds

    identity: set[str] = set()  # locals holding what identifies the caller (op_id = session.get(...))
    found: list[str] = []
    assigns = [n for n in ast.walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1]
    for node in sorted(assigns, key=lambda n: (n.lineno, n.col_offset)):  # source order: a local before its use
        target = node.targets[0]
        mentioned = mentioned_names([node.value])
        if not (mentioned & identity or "login" in term_kinds(knowledge, mentioned)):
            continue
        if isinstance(target, ast.Name):
            identity.add(target.id)
            # `member = Member.query.filter_by(household_id=household_id, user_id=g.user_id)`:
            # a value the guard matched against the caller's own record is the caller's too.
            identity.update(_matched_with_caller(node.value, identity, knowledge))
            continue
        text = dotted(target) if isinstance(target, ast.Attribute) else None
        # g.user_id, request.user_id (a Flask guard decorating the request object itself),
        # request.state.user (Starlette middleware).
        if text and (text.count(".") == 1 and text.startswith(("g.", "request.")) or text.count(".") == 2 and text.startswith("request.state.")):
            if text not in found:
                found.append(text)
    return found


def _matched_with_caller(value: ast.expr, identity: set[str], knowledge: Knowledge) -> set[str]:
    """Locals passed beside the caller's identity to one query call (keyword values of a
    call one of whose keywords is the caller): the guard looked them up together."""
    from .behaviour import mentioned_names, term_kinds

    found: set[str] = set()
    for call in (n for n in ast.walk(value) if isinstance(n, ast.Call) and n.keywords):
        values = [kw.value for kw in call.keywords]
        if not any(mentioned_names([v]) & identity or "login" in term_kinds(knowledge, mentioned_names([v])) for v in values):
            continue
        found.update(v.id for v in values if isinstance(v, ast.Name))
    return found


def current_user_expression(doc: SourceDoc, route: Route, user_names: frozenset[str]) -> str | None:
    """How this handler names the caller, for fixes: ``current_user``, ``request.user``..."""
    framework = route.framework
    if framework in ("django", "drf") and not any("user" in n.lower() for n in user_names):
        user_names = frozenset()  # request.organization set by middleware: a tenant, not the user
    if user_names:
        params = {a.arg for f in route.functions for a in [*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs]}
        own = sorted(n for n in user_names if n in params)
        # A name of the user (g.current_user_id) before other verified values (g.household_id).
        return own[0] if own else sorted(user_names, key=lambda n: ("user" not in n.lower(), n))[0]
    if framework in ("django", "drf"):
        return "self.request.user" if route.is_class else "request.user"
    if framework == "flask" and "current_user" in doc.names.imports:
        return "current_user"  # flask_login's, or a project's own proxy imported by that name
    return None

