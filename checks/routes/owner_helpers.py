"""Ownership checked inside the project's own helpers and services.

Real apps rarely compare owners in the route itself: the handler passes the caller to a
CRUD or service function (``crud.get_note(db, note_id, owner_id=current_user.id)``,
``service.delete(note_id, user)``) whose body filters on the owner column or compares the
loaded record's owner and raises or returns None. What such a helper does with each of its
parameters is recorded per file (the project index), so the route analysis can read, at the
call, whether the caller fills the parameter the owner is matched against.

Two kinds of fact come from here:

- owner parameters of a fetch helper (:func:`owner_parameters`): ``Note.owner_id ==
  owner_id`` in its query, ``filter_by(user_id=uid)``, ``{"user_id": uid}``, or ``if
  note.owner_id != user.id: raise`` after the fetch. A helper that compares with the caller
  itself (``current_user``) is constrained on its own;
- owner checkers (:func:`owner_check_fact`): a function given a record and the caller that
  compares the two (``def ensure_owner(note, user): if note.user_id != user.id: abort(403)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..source import SourceDoc
from ..syntax import string_value, walk
from .identity import is_caller


@dataclass(frozen=True)
class OwnerMatch:
    """One place a helper ties a record's owner to a value."""

    field: str  # the owner column or attribute (user_id, owner)
    record: str | None  # the parameter holding the compared record, None for a query or a local
    against: str | None  # the parameter the owner is matched against; None: the caller itself


def _owner_access(expr: ast.AST, owner_fields: frozenset[str]) -> str | None:
    """The owner field ``expr`` reads: ``note.user_id``, ``Note.owner_id``, ``note.owner.id``,
    ``row["user_id"]``, ``doc.get("user_id")``."""
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Attribute) and sub.attr in owner_fields:
            return sub.attr
        if isinstance(sub, ast.Subscript):
            key = string_value(sub.slice)
            if key in owner_fields:
                return key
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "get" and sub.args:
            key = string_value(sub.args[0])
            if key in owner_fields:
                return key
    return None


def _root_name(expr: ast.AST) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _matched_value(value: ast.AST, params: list[str]) -> tuple[bool, str | None]:
    """(whether ``value`` is the caller or a parameter, which parameter; None for the caller)."""
    if is_caller(value, frozenset()):
        return True, None
    names = [n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in params]
    return (True, names[0]) if names else (False, None)


def owner_matches(func: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str], owner_fields: frozenset[str]) -> list[OwnerMatch]:
    """Every comparison, keyword or document key in ``func`` that ties an owner field to a
    parameter or to the caller itself."""
    found: list[OwnerMatch] = []
    for node in walk(func):
        if isinstance(node, ast.Compare) and len(node.comparators) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            sides = [node.left, node.comparators[0]]
            for record_side, value_side in (sides, sides[::-1]):
                field = _owner_access(record_side, owner_fields)
                if field is None or _owner_access(value_side, owner_fields) is not None:
                    continue
                matched, against = _matched_value(value_side, params)
                if matched:
                    root = _root_name(record_side)
                    found.append(OwnerMatch(field, root if root in params else None, against))
                    break
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] in owner_fields:
            matched, against = _matched_value(node.value, params)
            if matched:
                found.append(OwnerMatch(node.arg.split("__")[0], None, against))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                name = string_value(key) if key is not None else None
                if name in owner_fields:
                    matched, against = _matched_value(value, params)
                    if matched:
                        found.append(OwnerMatch(str(name), None, against))
    return found


def owner_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str], id_params: set[str], owner_fields: frozenset[str]) -> tuple[list[list[object]], bool]:
    """For a fetch helper: ``[owner field, parameter index]`` for each parameter the loaded
    record's owner is matched against (the id parameters excluded: ``filter_by(user_id=
    user_id)`` keyed by that very id is a fetch by it), and whether the helper matches the
    owner with the caller itself (then it is constrained on its own)."""
    bindings: list[list[object]] = []
    for match in owner_matches(func, params, owner_fields):
        if match.against is None:
            return [], True
        if match.against in id_params or match.against == match.record:
            continue
        entry: list[object] = [match.field, params.index(match.against)]
        if entry not in bindings:
            bindings.append(entry)
    return bindings, False


def owner_check_fact(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, owner_fields: frozenset[str]) -> tuple[str, dict[str, object]] | None:
    """``(qualified name, {"params": [...], "against": [indexes]})`` for a module-level
    function or method that compares the owner of a record it is given with another of its
    parameters (``against``) or with the caller itself (``against`` empty)."""
    owner = doc.parent(func)
    if isinstance(owner, ast.ClassDef) and isinstance(doc.parent(owner), ast.Module):
        key = f"{owner.name}.{func.name}"
        params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]][1:]
    elif isinstance(owner, ast.Module):
        key = func.name
        params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    else:
        return None
    if not params or params[0] in ("request", "req"):
        return None  # a view, called by the framework
    against: list[int] = []
    for match in owner_matches(func, params, owner_fields):
        if match.record is None:
            continue  # a query in the helper: a fetch helper's fact (owner_parameters)
        if match.against is None:
            against = []
            break
        if match.against != match.record:
            against.append(params.index(match.against))
    else:
        if not against:
            return None
    module = doc.module_name
    return (f"{module}.{key}" if module else key), {"params": params, "against": sorted(set(against))}


def compares_record_with_caller(func: ast.FunctionDef | ast.AsyncFunctionDef, records: set[str]) -> bool:
    """Whether ``func`` compares a record (a name in ``records``, or ``self.get_object()``) or
    something reached through it with the caller: DRF ``has_object_permission(self, request,
    view, obj)`` returning ``obj.owner == request.user``, Django ``test_func`` returning
    ``self.get_object().author == self.request.user`` or testing ``request.user in
    obj.members.all()``. A method that only looks at the HTTP method or returns True checks
    nothing about ownership."""
    names = set(records)
    for node in ast.walk(func):  # post = self.get_object()
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and _gets_object(node.value):
            names.add(node.targets[0].id)
    for node in ast.walk(func):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if any(is_caller(s, frozenset()) for s in sides) and any(_mentions_record(s, names) and not is_caller(s, frozenset()) for s in sides):
            return True
    return False


def _gets_object(expr: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get_object" for n in ast.walk(expr))


def _mentions_record(expr: ast.AST, names: set[str]) -> bool:
    return _gets_object(expr) or any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))


def scope_helper_fact(func: ast.FunctionDef | ast.AsyncFunctionDef, owner_fields: frozenset[str]) -> dict[str, object] | None:
    """``{"param": index, "shared": bool}`` for a helper that builds the query of the records a
    given user may see: ``get_user_calendars(user)`` returning ``Calendar.objects.filter(Q(user=
    user) | Q(id__in=shared_ids))``. ``param`` is the parameter the owner field is matched
    against; ``shared`` says the query also admits records owned by others (an OR beside the
    owner condition): seeing such a record does not mean the caller may change it."""
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
    if params[:1] in (["self"], ["cls"]):
        params = params[1:]
    if not params or params[0] in ("request", "req"):
        return None
    if not any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(func)):
        return None
    matches = [m for m in owner_matches(func, params, owner_fields) if m.record is None and m.against is not None]
    if not matches:
        return None
    shared = any(
        isinstance(n, (ast.BinOp, ast.AugAssign)) and isinstance(n.op, ast.BitOr)
        or isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute)) and (n.func.id if isinstance(n.func, ast.Name) else n.func.attr) == "or_"
        for n in ast.walk(func)
    )
    return {"param": params.index(str(matches[0].against)), "shared": shared}
