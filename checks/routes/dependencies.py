"""FastAPI dependencies declared by a function's parameters or a route's ``dependencies=``.

Shared by the fact extraction (guards that depend on other guards), route discovery
(dependencies that protect a route) and identity (parameters holding the caller).
"""

from __future__ import annotations

import ast

from ..source import SourceDoc
from ..syntax import dotted


def dependency_targets(doc: SourceDoc, exprs: list[ast.expr]) -> list[str]:
    """Resolved paths of ``Depends(x)``/``Security(x)`` targets found in ``exprs``."""
    found: list[str] = []
    for expr in exprs:
        for node in ast.walk(expr):
            if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("Depends", "Security") and node.args:
                target = node.args[0]
                bound = doc.names.binding(target.id) if isinstance(target, ast.Name) else None
                if optional_instance(target) or isinstance(bound, ast.expr) and optional_instance(bound):
                    continue  # Depends(HTTPBearer(auto_error=False)), or a module name bound to one
                path = doc.resolve(node.args[0]) or dotted(node.args[0])
                if path:
                    found.append(path)
    return found


def optional_instance(expr: ast.expr) -> bool:
    """``get_current_user_authorizer(required=False)``, ``HTTPBearer(auto_error=False)``: a
    dependency built to admit callers without a credential (optional authentication)."""
    return isinstance(expr, ast.Call) and any(isinstance(k.value, ast.Constant) and k.value.value is False for k in expr.keywords)


def parameter_dependencies(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Paths of every dependency the parameters of ``func`` declare (see :func:`dependency_parameters`)."""
    return [target for _, target, _ in dependency_parameters(doc, func)]


def dependency_parameters(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str, bool]]:
    """``(parameter, dependency path, through a type alias)`` for each FastAPI dependency a parameter declares:
    ``user = Depends(get_user)``, ``user: Annotated[User, Depends(get_user)]``, or a type
    alias of one (``CurrentUser = Annotated[User, Depends(get_user)]``, here or imported: an
    imported alias is recorded as a dependency of its module, so it is followed like one)."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: dict[str, ast.expr] = dict(zip((a.arg for a in positional[len(positional) - len(args.defaults):]), args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    found: list[tuple[str, str, bool]] = []
    for arg in [*positional, *args.kwonlyargs]:
        exprs = [e for e in (defaults.get(arg.arg), arg.annotation) if e is not None]
        targets = dependency_targets(doc, exprs)
        alias = not targets and isinstance(arg.annotation, (ast.Name, ast.Attribute))
        if alias:
            targets = _alias_targets(doc, arg.annotation)  # type: ignore[arg-type]
        found += [(arg.arg, t, alias) for t in targets]
    return found


def _alias_targets(doc: SourceDoc, annotation: ast.Name | ast.Attribute) -> list[str]:
    """The dependency of an annotation naming a type alias: a local ``X = Annotated[...,
    Depends(y)]`` gives ``y``; an imported name gives its own path (a dependency entry when
    its module defines such an alias, nothing otherwise)."""
    if isinstance(annotation, ast.Name):
        binding = doc.names.binding(annotation.id)
        if isinstance(binding, ast.Subscript):
            return dependency_targets(doc, [binding])
        if isinstance(binding, tuple):
            return [binding[1]]
    return []
