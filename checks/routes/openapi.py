"""connexion apps: routes come from the OpenAPI spec, each operation's ``operationId`` naming
its handler (``handlers.policy.destroy_policy``), with ``x-openapi-router-controller`` as an
optional module prefix. The Python file calling ``add_api("spec.yaml")`` records the spec's
routes as URL entries, so the handler's own module discovers them like an ``add_url_rule``
view; an operation under a ``security`` requirement (its own or the spec's) is authenticated
by connexion before the handler runs.

The spec is read from the scanned tree (a regular file inside the project root, capped in
size, never followed outside it) and parsed without a YAML library: only the block-style
layout of ``paths`` is read (path keys, method keys, ``operationId``, ``security``), which is
how specs are written. A spec that is not found or not understood yields no routes. In the
language server the facts of the Python file are recomputed when that file changes, not when
only the spec does.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from ..reading import read_regular_text
from ..source import SourceDoc
from ..syntax import keyword, string_value

_MAX_SPEC = 2 * 1024 * 1024
_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_KEY = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:][^:]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s+(?P<value>.*?))?\s*$")


def spec_routes(doc: SourceDoc, call: ast.Call) -> tuple[list[dict[str, Any]], bool] | None:
    """URL entries for ``add_api(spec)`` (see module doc) and whether the spec declares
    security schemes; None when the spec cannot be read."""
    name = string_value(call.args[0]) if call.args else string_value((keyword(call, "specification") or ast.Constant(None)).value)
    if not name or not name.endswith((".yaml", ".yml", ".json")):
        return None
    text = _read_spec(doc, _spec_dir(doc, call), name)
    if text is None:
        return None
    spec = _parse(text, name)
    if spec is None:
        return None
    paths, top_security, schemes = spec
    entries = []
    for url, operations in paths.items():
        for method, operation in operations.items():
            target = operation.get("operationId")
            if not target:
                continue
            controller = operation.get("x-openapi-router-controller")
            view = f"{controller}.{target}" if controller else target
            secured = operation["security"] if "security" in operation else top_security
            entries.append({"url": url, "view": view, "flask": True, "framework": "connexion", "methods": [method.upper()], "security": bool(secured)})
    return entries, schemes


def _spec_dir(doc: SourceDoc, call: ast.Call) -> str:
    """``specification_dir`` of the connexion app ``add_api`` is called on."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    binding = doc.names.binding(receiver.id, doc.scope_of(receiver)) if isinstance(receiver, ast.Name) else None
    if isinstance(binding, ast.Call):
        return string_value((keyword(binding, "specification_dir") or ast.Constant(None)).value) or ""
    return ""


def _read_spec(doc: SourceDoc, spec_dir: str, name: str) -> str | None:
    """The spec's text, when it is a regular file inside the project root."""
    root = Path(doc.root or ".").resolve()
    folder = (root / doc.path).parent
    try:
        path = (folder / spec_dir / name).resolve()
        path.relative_to(root)  # ../ or a symlink leading out of the project: not read
        return read_regular_text(path, _MAX_SPEC)
    except (OSError, ValueError):
        return None


def _parse(text: str, name: str) -> tuple[dict[str, dict[str, dict[str, Any]]], bool, bool] | None:
    """``(paths → method → {operationId, x-openapi-router-controller, security}, top-level
    security required, security schemes declared)``."""
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
            return None
        paths: dict[str, dict[str, dict[str, Any]]] = {}
        for url, item in data["paths"].items():
            if not isinstance(item, dict):
                continue
            controller = item.get("x-openapi-router-controller")
            for method, op in item.items():
                if method in _METHODS and isinstance(op, dict):
                    found = {k: op[k] for k in ("operationId", "x-openapi-router-controller", "security") if k in op}
                    if controller and "x-openapi-router-controller" not in found:
                        found["x-openapi-router-controller"] = controller
                    paths.setdefault(url, {})[method] = found
        components = data.get("components") if isinstance(data.get("components"), dict) else {}
        return paths, bool(data.get("security")), bool(components.get("securitySchemes") or data.get("securityDefinitions"))
    return _parse_yaml(text)


def _parse_yaml(text: str) -> tuple[dict[str, dict[str, dict[str, Any]]], bool, bool]:
    paths: dict[str, dict[str, dict[str, Any]]] = {}
    top_security = schemes = False
    stack: list[tuple[int, str]] = []  # (indent, key) of the open mappings
    controllers: dict[str, str] = {}  # path -> its x-openapi-router-controller
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if raw.lstrip().startswith("-"):  # a list item: only a requirement under `security` matters
            if stack and stack[-1][1] == "security":
                _mark_security(stack, paths)
                top_security = top_security or len(stack) == 1
            continue
        match = _KEY.match(raw)
        if match is None:
            continue
        key = match.group("key").strip("'\"")
        value = (match.group("value") or "").split(" #", 1)[0].strip().strip("'\"")
        keys = [k for _, k in stack]
        if keys == [] and key in ("securityDefinitions",):
            schemes = True
        elif keys == ["components"] and key == "securitySchemes":
            schemes = True
        elif keys == [] and key == "security" and value not in ("", "[]"):
            top_security = True
        elif len(keys) == 2 and keys[0] == "paths" and key in _METHODS:
            paths.setdefault(keys[1], {}).setdefault(key, {})
        elif len(keys) == 2 and keys[0] == "paths" and key == "x-openapi-router-controller":
            controllers[keys[1]] = value
        elif len(keys) == 3 and keys[0] == "paths" and keys[2] in _METHODS:
            operation = paths.setdefault(keys[1], {}).setdefault(keys[2], {})
            if key in ("operationId", "x-openapi-router-controller") and value:
                operation[key] = value
            elif key == "security":
                operation["security"] = False if value == "[]" else (True if value else None)  # None: its list follows
        if match.group("value") is None or not value:
            stack.append((indent, key))
    for url, controller in controllers.items():
        for operation in paths.get(url, {}).values():
            operation.setdefault("x-openapi-router-controller", controller)
    for operations in paths.values():
        for operation in operations.values():
            if operation.get("security") is None:
                operation.pop("security", None)
    return paths, top_security, schemes


def _mark_security(stack: list[tuple[int, str]], paths: dict[str, dict[str, dict[str, Any]]]) -> None:
    keys = [k for _, k in stack]
    if len(keys) == 4 and keys[0] == "paths" and keys[2] in _METHODS:
        paths.setdefault(keys[1], {}).setdefault(keys[2], {})["security"] = True
