"""Which function parameters are request data: route handlers and views, as data rows.

Deliberately simple (the access-control family owns the full route model): a decorator
matching a ``[[taint_routes]]`` row whose first argument is a URL path makes the function a
route. ``params = "path"`` rows (Flask-style) taint only the names written in the path
(``<name>``, ``<string:name>``, ``{name}``), skipping typed converters (``<int:id>``);
``params = "all"`` rows (FastAPI) taint every parameter except the excluded annotations
(the request object, dependencies, numbers). ``[[taint_views]]`` rows cover function views
(Django): every parameter after the request.
"""

from __future__ import annotations

import ast
import re

from ..source import SourceDoc
from ..syntax import dotted, string_value
from .model import TaintModel, candidates, matches

_PATH_PARAM = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>|\{(?P<fname>\w+)(?::(?P<fconv>\w+))?\}")
_TYPED_CONVERTERS = frozenset({"int", "float", "uuid"})
_NOT_DATA = frozenset({"self", "cls"})

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def route_parameters(doc: SourceDoc, func: FunctionNode, model: TaintModel) -> tuple[set[str] | None, bool, set[str]]:
    """(names of ``func``'s parameters that carry request data or None when not a route/view,
    whether a string it returns is sent as HTML, the names that are one segment of the URL
    path: ``<name>``/``{name}`` match no "/", unlike ``<path:name>``/``{name:path}``).

    Flask sends returned strings as ``text/html``; FastAPI encodes them as JSON unless the
    route declares ``response_class=HTMLResponse``; Django views return response objects.
    """
    names = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
    for deco in func.decorator_list:
        if not isinstance(deco, ast.Call) or not isinstance(deco.func, ast.Attribute):
            continue
        rows = candidates(model.routes, deco.func.attr)
        if not rows:
            continue
        path = string_value(deco.args[0]) if deco.args else None
        if path is None:
            kw = next((k for k in deco.keywords if k.arg == "path"), None)
            path = string_value(kw.value) if kw else None
        if path is None or not path.startswith("/"):
            continue
        resolved = doc.names.resolve(deco.func)
        written = dotted(deco.func)
        for row in rows:
            if not matches(row["decorator"], resolved, written):
                continue
            row.hit()
            segments = _segment_names(path) & set(names)
            if row["params"] == "all":
                params = {n for n in names if n not in _NOT_DATA and not _excluded(doc, func, n, model)}
                return params, _declares_html(doc, deco), segments & params
            return _path_names(path) & set(names), True, segments
    return _view_parameters(doc, func, names, model), False, set()


def _declares_html(doc: SourceDoc, decorator: ast.Call) -> bool:
    response = next((kw.value for kw in decorator.keywords if kw.arg == "response_class"), None)
    return response is not None and (doc.names.resolve(response) or "").endswith("HTMLResponse")


def _path_names(path: str) -> set[str]:
    found = set()
    for match in _PATH_PARAM.finditer(path):
        conv = match.group("conv") or match.group("fconv")
        if conv in _TYPED_CONVERTERS:
            continue
        found.add(match.group("name") or match.group("fname"))
    return found


def _segment_names(path: str) -> set[str]:
    """Path parameters whose converter matches one segment (no "/")."""
    found = set()
    for match in _PATH_PARAM.finditer(path):
        conv = match.group("conv") or match.group("fconv")
        if conv in (None, "string", "str", "slug", "any"):
            found.add(match.group("name") or match.group("fname"))
    return found


def _view_parameters(doc: SourceDoc, func: FunctionNode, names: list[str], model: TaintModel) -> set[str] | None:
    rest = names[1:] if names and names[0] in _NOT_DATA else names
    if not rest:
        return None
    imported = tuple(doc.names.imports.values())
    parts = [part.removesuffix(".py") for part in doc.path.replace("\\", "/").split("/")]
    for row in model.views:
        if rest[0] != row["first_param"]:
            continue
        wanted = row.get("module_parts")
        if wanted and not any(part.endswith(tuple(wanted)) for part in parts):
            continue
        prefix = row["module_import"]
        if any(path == prefix or path.startswith(prefix + ".") for path in imported):
            if func.name in _called_in_module(doc):
                return None  # a helper the module's own views call, not a URL target
            row.hit()
            return {n for n in rest[1:] if not _excluded(doc, func, n, model)}
    return None


def _called_in_module(doc: SourceDoc) -> frozenset[str]:
    """Names the module calls directly (computed once per document, for view modules only)."""
    cached = doc.__dict__.get("_taint_called_names")
    if cached is None:
        assert doc.tree is not None
        cached = frozenset(
            node.func.id for node in doc.nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        )
        doc.__dict__["_taint_called_names"] = cached
    return cached


def _excluded(doc: SourceDoc, func: FunctionNode, name: str, model: TaintModel) -> bool:
    """A parameter that is a dependency, the request object or a parsed number."""
    arg = next(a for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs) if a.arg == name)
    candidates: list[ast.AST] = []
    if arg.annotation is not None:
        candidates.append(arg.annotation)
        if isinstance(arg.annotation, ast.Subscript):
            inner = arg.annotation.slice
            candidates.extend(inner.elts if isinstance(inner, ast.Tuple) else [inner])
        elif isinstance(arg.annotation, ast.BinOp):
            candidates.extend([arg.annotation.left, arg.annotation.right])
    default = _default_of(func, arg)
    if default is not None:
        candidates.append(default)
    for node in candidates:
        target = node.func if isinstance(node, ast.Call) else node
        resolved = doc.names.resolve(target)
        if resolved is None:
            continue
        for row in model.exclusions:
            if resolved == row["annotation"]:
                row.hit()
                return True
    return False


def _default_of(func: FunctionNode, arg: ast.arg) -> ast.expr | None:
    positional = [*func.args.posonlyargs, *func.args.args]
    if arg in positional:
        offset = len(positional) - len(func.args.defaults)
        index = positional.index(arg)
        return func.args.defaults[index - offset] if index >= offset else None
    index = func.args.kwonlyargs.index(arg)
    return func.args.kw_defaults[index]
