"""Model definitions read from Django migrations, for models no class of the tree defines.

A view may use a model whose class is gone from ``models.py`` (moved out, or deleted while
its migrations and views stayed) or was never in the tree. Without its fields the access
rules cannot tell a shared catalogue from per-user records and treat it as private. Its
migrations still say what it holds: ``CreateModel`` lists the fields, ``AddField``,
``RemoveField`` and ``DeleteModel`` change them later. The operations are recorded per file
(:func:`migration_operations`) and replayed on the project view in order
(:meth:`.view.ProjectView.add`); a model a class defines always wins.
"""

from __future__ import annotations

import ast

from ..source import SourceDoc
from ..syntax import dotted, keyword, string_value

#: Field classes keying another model (Django's, as a migration writes them).
_KEY_FIELDS = ("ForeignKey", "OneToOneField")
_USER_TARGETS = ("user", "users", "auth_user_model", "account", "accounts")


def migration_operations(doc: SourceDoc) -> list[list]:
    """The model operations of a Django migration file, in order, as plain lists:
    ``["create", name, fields]``, ``["add", model, field]``, ``["remove", model, name]``,
    ``["delete", model]`` (``fields``/``field``: :func:`_field` entries). Empty for any
    other file."""
    if doc.tree is None or "migrations" not in doc.path.replace("\\", "/").split("/")[:-1]:
        return []
    ops: list[list] = []
    for cls in doc.tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name == "Migration"):
            continue
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "operations" for t in stmt.targets) and isinstance(stmt.value, (ast.List, ast.Tuple)):
                ops.extend(op for op in map(_operation, stmt.value.elts) if op is not None)
    return ops


def _operation(node: ast.expr) -> list | None:
    if not isinstance(node, ast.Call):
        return None
    kind = (dotted(node.func) or "").rsplit(".", 1)[-1]
    name = _text(node, "name", 0)
    model = _text(node, "model_name", 0)
    if kind == "CreateModel" and name:
        fields = keyword(node, "fields")
        items = fields.value if fields is not None else node.args[1] if len(node.args) > 1 else None
        pairs = items.elts if isinstance(items, (ast.List, ast.Tuple)) else []
        return ["create", name, [f for f in map(_pair, pairs) if f is not None]]
    if kind == "AddField" and model:
        field = keyword(node, "field")
        field_name = _text(node, "name", 1)
        return ["add", model, _field(field_name, field.value)] if field is not None and field_name else None
    if kind == "RemoveField" and model and _text(node, "name", 1):
        return ["remove", model, _text(node, "name", 1)]
    if kind == "DeleteModel" and name:
        return ["delete", name]
    return None


def _text(call: ast.Call, name: str, position: int) -> str | None:
    found = keyword(call, name)
    value = found.value if found is not None else call.args[position] if len(call.args) > position else None
    return string_value(value) if value is not None else None


def _pair(node: ast.expr) -> list | None:
    """``("owner", models.ForeignKey(to=settings.AUTH_USER_MODEL, ...))`` → a field entry."""
    if isinstance(node, ast.Tuple) and len(node.elts) == 2 and string_value(node.elts[0]):
        return _field(str(string_value(node.elts[0])), node.elts[1])
    return None


def _field(name: str, value: ast.expr) -> list:
    """``[name, keys a user, referenced model (lower case) or None]``."""
    target = None
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in _KEY_FIELDS:
        to = keyword(value, "to")
        ref = to.value if to is not None else value.args[0] if value.args else None
        text = (string_value(ref) or dotted(ref) or "") if ref is not None else ""
        target = text.rsplit(".", 1)[-1].lower() or None
    return [name, target in _USER_TARGETS, target]


def replay(models: dict[str, dict], migrated: set[str], declared: set[str], module: str, ops: list[list]) -> None:
    """Apply a migration file's ``ops`` to ``models`` (the view's), for the models no class
    defines (``declared``); ``migrated`` holds the names the migrations defined so far."""
    by_lower = {name.lower(): name for name in migrated}
    for op in ops:
        if op[0] == "create" and op[1] not in declared:
            models[op[1]] = {"fields": [], "table": None, "module": module}
            migrated.add(op[1])
            by_lower[op[1].lower()] = op[1]
            for field in op[2]:
                _add(models[op[1]], field)
            continue
        name = by_lower.get(str(op[1]).lower())
        if name is None or name in declared or name not in models:
            continue
        if op[0] == "add":
            _add(models[name], op[2])
        elif op[0] == "remove":
            _remove(models[name], op[2])
        elif op[0] == "delete":
            del models[name]
            migrated.discard(name)
            by_lower.pop(name.lower(), None)


def _add(info: dict, field: list) -> None:
    name, user, target = field
    info["fields"].append(name)
    if user:
        info.setdefault("user_fks", []).append(name)
    if target:
        info.setdefault("fks", {})[name] = target


def _remove(info: dict, name: str) -> None:
    info["fields"] = [f for f in info["fields"] if f != name]
    if name in info.get("user_fks", ()):
        info["user_fks"] = [f for f in info["user_fks"] if f != name]
    info.get("fks", {}).pop(name, None)
