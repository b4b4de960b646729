"""Whether every branch of a class view's ``get_queryset`` is scoped to the caller.

A DRF view set or Django class view serves each record its ``get_queryset`` returns, so the
method is its ownership check: ``return Note.objects.filter(owner=self.request.user)`` ties
every record to the caller; ``queryset = Media.objects.all()`` narrowed only by optional
query-string filters ties none. One branch that returns an unscoped queryset is enough for
any caller to reach any record (``if self.action == "list": ...scoped... else: return
Note.objects.all()``).

The walk is a small path analysis over the method's statements: each local holding a
queryset is scoped or not where it is used; branches of an ``if`` merge as "scoped only if
scoped on both"; a branch under a role test (``if self.request.user.is_staff:``) is the
staff's view, not an ownership gap.
"""

from __future__ import annotations

import ast

from .behaviour import role_test
from .identity import is_caller
from .owner_gates import url_kwarg
from .public import flag_of

_Env = dict[str, bool]
#: Set once a test involving the caller has returned early (``if not room.participants.filter(
#: id=self.request.user.id).exists(): return Message.objects.none()``): what follows is served
#: only to callers tied to the parent record.
_GATED = "<gated by the caller>"


#: Set when the class inherits a ``get_queryset`` that is scoped to the caller: then
#: ``super().get_queryset()`` (narrowed or prefetched further) serves only their records.
_INHERITED = "<scoped super().get_queryset()>"


def unscoped_returns(method: ast.FunctionDef | ast.AsyncFunctionDef, inherits_scoped: bool = False, owned_kwargs: frozenset[str] = frozenset()) -> list[ast.Return]:
    """The ``return`` statements of ``get_queryset`` whose value is not tied to the caller;
    ``inherits_scoped``: a base class's ``get_queryset`` is (see :data:`_INHERITED`);
    ``owned_kwargs``: URL keyword arguments a permission already tied to the caller, so a
    query selecting by one (``Project.objects.get(pk=self.kwargs["project_id"])``) serves
    the caller's record (see :func:`.owner_gates.permission_owned_ids`)."""
    found: list[ast.Return] = []
    env: _Env = {_INHERITED: inherits_scoped}
    env.update((_KWARG + key, True) for key in owned_kwargs)
    _walk(method.body, env, found, staff=False)
    return found


#: Prefix of the ``env`` entries naming URL keyword arguments tied to the caller.
_KWARG = "<url kwarg>"


def _calls_super_queryset(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_queryset"
        and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "super"
    )


def _scoped(expr: ast.AST, env: _Env) -> bool:
    """A value tied to the caller: it mentions the caller (``self.request.user``, a local
    holding them), a scoped local, is the empty queryset (``.none()``), or requires a public
    flag (``filter(published=True)``: public by design)."""
    if env.get(_GATED):
        return True
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Name) and env.get(sub.id):
            return True
        if env.get(_INHERITED) and _calls_super_queryset(sub):
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "none":
            return True
        if isinstance(sub, ast.Call) and flag_of(sub):
            return True
        if isinstance(sub, ast.Subscript) and env.get(_KWARG + str(url_kwarg(sub))):
            return True
    return is_caller(expr, frozenset(name for name, scoped in env.items() if scoped))


def _walk(body: list[ast.stmt], env: _Env, found: list[ast.Return], staff: bool) -> bool:
    """Walk ``body`` updating ``env``; True when it always ends in a return or raise."""
    for stmt in body:
        if isinstance(stmt, ast.Return):
            if stmt.value is not None and not staff and not _scoped(stmt.value, env):
                found.append(stmt)
            return True
        if isinstance(stmt, ast.Raise):
            return True
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            scoped = _scoped(stmt.value, env)
            for target in targets:
                if isinstance(target, ast.Name):
                    # `qs = qs.filter(...)` keeps what `qs` was; `qs = qs.filter(owner=user)` scopes it.
                    env[target.id] = scoped or (isinstance(stmt, ast.AugAssign) and env.get(target.id, False))
        elif isinstance(stmt, ast.If) and _caller_gate(stmt, env):
            _walk(stmt.body, dict(env), found, staff)
            env[_GATED] = True
        elif isinstance(stmt, ast.If):
            under_role = staff or role_test(stmt.test)
            then_env, else_env = dict(env), dict(env)
            then_ends = _walk(stmt.body, then_env, found, under_role)
            else_ends = _walk(stmt.orelse, else_env, found, staff)
            if then_ends and else_ends:
                return True
            merged = else_env if then_ends else then_env if else_ends else {k: then_env.get(k, False) and else_env.get(k, False) for k in {*then_env, *else_env}}
            if under_role and not then_ends:
                merged = {k: v or then_env.get(k, False) for k, v in else_env.items()} | {k: v for k, v in then_env.items() if k not in else_env}
            env.clear()
            env.update(merged)
        elif isinstance(stmt, ast.Try):
            _walk(stmt.body, env, found, staff)
            for handler in stmt.handlers:
                _walk(handler.body, dict(env), found, staff)
            _walk(stmt.orelse + stmt.finalbody, env, found, staff)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            if _walk(stmt.body, env, found, staff):
                return True
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            inner = dict(env)
            _walk(stmt.body, inner, found, staff)
            for key in env:
                env[key] = env[key] and inner.get(key, False)
    return False


def _caller_gate(stmt: ast.If, env: _Env) -> bool:
    """``if <test involving the caller>: return/raise`` with no else: the rest of the method
    runs only for callers the test admits."""
    callers = frozenset(name for name, scoped in env.items() if scoped)
    ends = bool(stmt.body) and isinstance(stmt.body[-1], (ast.Return, ast.Raise))
    return ends and not stmt.orelse and is_caller(stmt.test, callers) and not role_test(stmt.test)
