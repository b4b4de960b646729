"""Fixes for the access-control rules, in the project's own idiom.

A missing guard gets the guard the neighbouring routes already use (copied as written, so it
needs no new import), else a project guard (imported relative to this module), else the
framework's standard one. An unchecked fetch gets the owner field the model really has.
All of these change behaviour, so they are UNSAFE: offered one at a time, never in fix-all.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass

from ..knowledge import Knowledge
from ..model import Edit, Position, Range
from ..source import SourceDoc
from .analysis import Verdict
from .ownership import Unchecked
from .permission_method import permission_branches
from .view import ProjectView

_STYLE_OF = {"decorator": "decorator", "dependency": "dependency", "permission": "permission", "mixin": "mixin"}


@dataclass
class GuardChoice:
    text: str  # as it is written on the route (decorator text, dependency callable, class name)
    style: str  # decorator | dependency | permission | mixin
    imports: tuple[str, ...]
    source: str = "default"  # sibling (the neighbouring routes use it) | project | default


def relative_import(module: str, target_module: str, name: str) -> str:
    """``from .auth import login_required`` from ``pkg.views`` to ``pkg.auth``."""
    here, there = module.split("."), target_module.split(".")
    common = 0
    while common < min(len(here) - 1, len(there)) and here[common] == there[common]:
        common += 1
    if not module or common == 0:
        return f"from {target_module} import {name}"
    return f"from {'.' * (len(here) - common)}{'.'.join(there[common:])} import {name}"


def choose_guard(doc: SourceDoc, verdict: Verdict, siblings: list[Verdict], view: ProjectView, knowledge: Knowledge, kind: str) -> GuardChoice | None:
    """The guard to add: the siblings' convention, a project guard, or the framework default."""
    framework = verdict.route.framework
    wanted = {"login": ("login", "admin"), "admin": ("admin",)}[kind]
    counts: Counter[tuple[str, str]] = Counter()
    for other in siblings:
        if other is verdict or other.route.is_class != verdict.route.is_class or other.route.framework != framework:
            continue
        for guard in other.route.guards:
            if framework == "django" and verdict.route.is_class and guard.source == "decorator":
                continue  # applied through method_decorator; Django ignores a `decorators` attribute
            if guard.kind in wanted and guard.text and guard.source in _STYLE_OF:
                # Prefer the wanted kind, then the project's own guards over library ones.
                # and guards that name the caller (`current_user`), which ownership checks need.
                weight = (2 if guard.kind == kind else 1) + (1 if guard.module else 0)
                weight += 1 if any(w in guard.text.lower() for w in ("user", "account", "current")) else 0
                weight -= 1 if "'" in guard.text or '"' in guard.text else 0  # a route-specific permission
                counts[(guard.text, guard.source)] += weight
    if counts:
        (text, source), _ = counts.most_common(1)[0]
        return GuardChoice(text, _STYLE_OF[source], (), "sibling")
    if framework == "fastapi":
        return _project_dependency(doc, view, kind)
    style_for = {"flask": "decorator", "django": "decorator", "starlette": "decorator", "drf": "permission"}
    target_framework = "django-cbv" if framework == "django" and verdict.route.is_class else framework
    for row in knowledge.rows("access_guards"):
        if row["framework"] == target_framework and row.get("default") and row["kind"] == kind and row.get("import"):
            name = row["path"].rsplit(".", 1)[-1]
            style = "mixin" if target_framework == "django-cbv" else style_for.get(framework, "decorator")
            text = 'requires("authenticated")' if framework == "starlette" else name
            return GuardChoice(text, style, (row["import"],))
    return None


def _project_dependency(doc: SourceDoc, view: ProjectView, kind: str) -> GuardChoice | None:
    candidates = sorted(key for key, k in view.guards.items() if k == kind and "user" in key.rsplit(".", 1)[-1])
    candidates += sorted(key for key, deps in view.deps.items() if "current" in key.rsplit(".", 1)[-1] and kind == "login")
    for key in candidates:
        module, name = key.rsplit(".", 1)
        imports = () if module == doc.module_name else (relative_import(doc.module_name, module, name),)
        return GuardChoice(name, "dependency", (*imports, "from fastapi import Depends"), "project")
    return None


def _public_permissions(route_node: ast.AST, opened: set[str], doc: SourceDoc) -> list[ast.expr]:
    """The ``AllowAny`` entries of the route's ``permission_classes`` (attribute or decorator)."""
    lists: list[ast.expr] = []
    if isinstance(route_node, ast.ClassDef):
        lists = [s.value for s in route_node.body if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "permission_classes" for t in s.targets)]
    elif isinstance(route_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        lists = [d.args[0] for d in route_node.decorator_list if isinstance(d, ast.Call) and d.args and (doc.source_of(d.func) or "").endswith("permission_classes")]
    return [e for lst in lists if isinstance(lst, (ast.List, ast.Tuple)) for e in lst.elts if doc.source_of(e) in opened]


def guard_edits(doc: SourceDoc, verdict: Verdict, choice: GuardChoice) -> list[Edit] | None:
    route = verdict.route
    node = route.node
    opened = {g.text for g in route.guards if g.kind == "public" and g.source == "permission" and g.text}
    if opened:
        # An explicit AllowAny would still win over an added guard: replace it instead.
        if choice.style != "permission":
            return None
        found = _public_permissions(node, opened, doc)
        return [Edit(doc.range_of(e), choice.text) for e in found] or None
    if choice.style == "dependency":
        deco = route.decorator
        if deco is None:
            return None
        existing = next((kw for kw in deco.keywords if kw.arg == "dependencies"), None)
        if existing is not None and isinstance(existing.value, ast.List):
            end = doc.range_of(existing.value).end
            insert = Position(end.line, end.column - 1)
            sep = ", " if existing.value.elts else ""
            return [Edit(Range(insert, insert), f"{sep}Depends({choice.text})")]
        end = doc.range_of(deco).end
        insert = Position(end.line, end.column - 1)
        sep = ", " if deco.args or deco.keywords else ""
        return [Edit(Range(insert, insert), f"{sep}dependencies=[Depends({choice.text})]")]
    if isinstance(node, ast.ClassDef):
        if choice.style == "permission" and not _defaults_apply(node):
            return None
        if choice.style == "mixin":
            if not node.bases:
                return None
            start = doc.range_of(node.bases[0]).start
            return [Edit(Range(start, start), f"{choice.text}, ")]
        attribute = "permission_classes" if choice.style == "permission" else "decorators"
        existing = next((s.value for s in node.body if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attribute for t in s.targets)), None)
        if isinstance(existing, (ast.List, ast.Tuple)):
            # A second assignment would be overridden by (or override) the view's own list:
            # the guard joins it, and DRF requires every permission of the list to pass.
            start = doc.range_of(existing).start
            after = Position(start.line, start.column + 1)
            return [Edit(Range(after, after), f"{choice.text}, " if existing.elts else choice.text)]
        if existing is not None:
            return None
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str) and len(node.body) > 1:
            first = node.body[1]
        indent = " " * first.col_offset
        line = first.lineno - 1
        while line - 1 > node.lineno - 1 and doc.lines.line_text(line - 1).strip().startswith("#"):
            line -= 1  # above the comments that belong to the first statement
        return [Edit(Range(Position(line, 0), Position(line, 0)), f"{indent}{attribute} = [{choice.text}]\n")]
    def_line = node.lineno - 1
    indent = " " * node.col_offset
    text = f"@permission_classes([{choice.text}])" if choice.style == "permission" else f"@{choice.text}"
    return [Edit(Range(Position(def_line, 0), Position(def_line, 0)), f"{indent}{text}\n")]


def _defaults_apply(cls: ast.ClassDef) -> bool:
    """Whether the view's ``permission_classes`` decide its permissions: not when its
    ``get_permissions()`` returns a list of its own on some path (an added class would not
    reach that path) or cannot be read."""
    method = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "get_permissions"), None)
    if method is None:
        return True
    branches = permission_branches(method)
    return branches is not None and all(branch.keeps_defaults for branch in branches)


def guard_imports(verdict: Verdict, choice: GuardChoice) -> tuple[str, ...]:
    imports = list(choice.imports)
    if choice.style == "permission" and not verdict.route.is_class:
        imports.append("from rest_framework.decorators import permission_classes")
    if choice.style == "dependency" and "from fastapi import Depends" not in imports:
        imports.append("from fastapi import Depends")
    return tuple(imports)


def ownership_edits(doc: SourceDoc, item: Unchecked) -> tuple[list[Edit], tuple[str, ...]] | None:
    """Edits adding the owner constraint to the query (or a check right after the fetch)."""
    field = item.model.owner_field
    user = item.user_expr
    if item.model.ambiguous:
        return None
    if item.row is not None and item.row["style"] == "add_sql_condition" and item.call is not None and user is not None:
        return sql_owner_edits(doc, item.call, item.model.name, field, user)
    if user is None or item.row is None and item.call is not None:
        return None
    if field is None and item.row is not None and item.row["style"] == "add_key" and item.call is not None:
        field = _owner_key_of(doc, item.model.name)  # a collection without a model class
    if field is None:
        if not item.model.is_user_model:
            return None
        field = "id"
    value = _caller_id(doc, user) if field == "id" or field.endswith("_id") else user
    call = item.call
    if call is None and item.queryset_values:  # get_queryset: narrow every unscoped return
        edits = []
        for returned in item.queryset_values:
            narrowed = doc.source_of(returned)
            if not isinstance(returned, (ast.Name, ast.Attribute, ast.Call)):
                narrowed = f"({narrowed})"
            edits.append(Edit(doc.range_of(returned), f"{narrowed}.filter({field}={value})"))
        return edits, ()
    if call is None:  # class view: scope the queryset
        stmt = item.anchor
        if not isinstance(stmt, ast.Assign):
            return None
        indent = " " * stmt.col_offset
        line = (stmt.end_lineno or stmt.lineno)
        text = (f"\n{indent}def get_queryset(self):\n"
                f"{indent}    return {item.model.name}.objects.filter({field}={value})\n")
        return [Edit(Range(Position(line, 0), Position(line, 0)), text)], ()
    style = item.row["style"] if item.row else "none"
    if field == "id" and style != "none":
        style = "check_after"  # the user model: compare identities after the fetch
    if style in ("query_get", "query_get_or_404"):
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if receiver is None or not call.args:
            return None
        finisher = "first_or_404()" if style == "query_get_or_404" else "first()"
        text = f"{doc.source_of(receiver)}.filter_by(id={doc.source_of(call.args[0])}, {field}={value}).{finisher}"
        return [Edit(doc.range_of(call), text)], ()
    if style in ("add_keyword", "add_key"):
        end = doc.range_of(call).end
        if style == "add_key":
            if not call.args or not isinstance(call.args[0], ast.Dict):
                return None
            end = doc.range_of(call.args[0]).end
            insert = Position(end.line, end.column - 1)
            return [Edit(Range(insert, insert), f', "{field}": {value}')], ()
        given = next((kw for kw in call.keywords if kw.arg == field), None)
        if given is not None:  # filter_by(user_id=user_id) with the client's id: bind it to the caller
            return [Edit(doc.range_of(given.value), value)], ()
        insert = Position(end.line, end.column - 1)
        sep = ", " if call.args or call.keywords else ""
        return [Edit(Range(insert, insert), f"{sep}{field}={value}")], ()
    if style == "add_compare":
        for arg in call.args:
            for node in ast.walk(arg):
                if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute):
                    end = doc.range_of(call).end
                    insert = Position(end.line, end.column - 1)
                    return [Edit(Range(insert, insert), f", {doc.source_of(node.left.value)}.{field} == {value}")], ()
        return None
    if style == "check_after":
        return _check_after(doc, item, field, value)
    return None


def _check_after(doc: SourceDoc, item: Unchecked, field: str, value: str) -> tuple[list[Edit], tuple[str, ...]] | None:
    call = item.call
    assert call is not None
    stmt = doc.parent(call)
    if isinstance(stmt, ast.Await):
        stmt = doc.parent(stmt)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    var = stmt.targets[0].id
    indent = " " * stmt.col_offset
    fastapi = "fastapi" in " ".join(doc.names.imports.values())
    reject = "raise HTTPException(status_code=404)" if fastapi else "abort(404)"
    imports = ("from fastapi import HTTPException",) if fastapi else ("from flask import abort",)
    line = stmt.end_lineno or stmt.lineno
    text = f"{indent}if {var} is None or {var}.{field} != {value}:\n{indent}    {reject}\n"
    return [Edit(Range(Position(line, 0), Position(line, 0)), text)], imports


def token_edit(doc: SourceDoc, value: ast.expr) -> Edit:
    return Edit(doc.range_of(value), "secrets.token_urlsafe(32)")


_CLAUSE_END = re.compile(r"\s+(?:order\s+by|group\s+by|limit|returning|for\s+update)\b|\s*;?\s*$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\?|%s|%\((\w+)\)s|(?<![:\w]):(\w+)")
_QUOTES = ('"""', "'" * 3, '"', "'")


def sql_owner_edits(doc: SourceDoc, call: ast.Call, table: str, field: str | None, user: str) -> tuple[list[Edit], tuple[str, ...]] | None:
    """Raw SQL: ``AND <owner column> = <placeholder>`` at the end of the WHERE clause, in the
    statement's own placeholder style, with the caller's id bound as one more parameter
    (``?``/``%s`` append to the parameter tuple, ``:name``/``%(name)s`` add a dict key). The
    owner column is the model's, else the one the module's other SQL on that table uses."""
    if not call.args or len(call.args) != 2:
        return None
    literal = call.args[0]
    if isinstance(literal, ast.Call) and literal.args and (doc.source_of(literal.func) or "").rsplit(".", 1)[-1] == "text":
        literal = literal.args[0]
    text = literal.value if isinstance(literal, ast.Constant) and isinstance(literal.value, str) else None
    source = doc.source_of(literal) or ""
    quote = next((q for q in _QUOTES if len(source) >= 2 * len(q) and source.startswith(q) and source.endswith(q)), None)
    if text is None or quote is None or source[len(quote):-len(quote)] != text:
        return None  # f-strings, concatenations, escapes: no sound place to insert
    column = field or _owner_column_of(doc, table)
    where = re.search(r"\bwhere\b", text, re.IGNORECASE)
    if column is None or where is None or re.search(rf"\b{re.escape(column)}\s*=", text[where.end():], re.IGNORECASE):
        return None
    end = _CLAUSE_END.search(text, where.end())
    at = end.start() if end else len(text)
    styles = {"?" if m.group(0) == "?" else "%s" if m.group(0) == "%s" else "named" for m in _PLACEHOLDER.finditer(text)}
    if len(styles) != 1 or "\n" in text[:at]:
        return None
    style = styles.pop()
    value = _caller_id(doc, user)
    params = call.args[1]
    start = doc.range_of(literal).start
    condition_at = Position(start.line, start.column + len(quote) + at)
    if style in ("?", "%s"):
        if not isinstance(params, (ast.Tuple, ast.List)):
            return None
        items = [doc.source_of(e) or "" for e in params.elts] + [value]
        opening, closing = ("(", ")") if isinstance(params, ast.Tuple) else ("[", "]")
        condition = f" AND {column} = {style}"
        params_text = opening + ", ".join(items) + closing
    else:
        if not isinstance(params, ast.Dict) or "owner_id" in text:
            return None
        condition = f" AND {column} = " + ("%(owner_id)s" if "%(" in text else ":owner_id")
        params_text = (doc.source_of(params) or "{}")[:-1].rstrip().rstrip(",") + f', "owner_id": {value}}}'
    return [Edit(Range(condition_at, condition_at), condition), Edit(doc.range_of(params), params_text)], ()


def _caller_id(doc: SourceDoc, user: str) -> str:
    """The caller's id as the module spells it: the name itself when it holds an id
    (``current_user_id``), ``user["id"]`` when the module indexes it so (a dict or row),
    else ``user.id``."""
    if re.search(r"(^|_)(id|uid)$", user):
        return user
    for spelling in (f'{user}["id"]', f"{user}['id']"):
        if spelling in doc.text:
            return spelling
    return f"{user}.id"


def _owner_column_of(doc: SourceDoc, table: str) -> str | None:
    """The owner column the module's other SQL uses on ``table`` (``WHERE user_id = ?`` in
    the list route, ``INSERT INTO notes (user_id, body)``)."""
    wanted = table.lower().removesuffix("s")
    for node in doc.nodes_depth_first:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 2000):
            continue
        tables = {t.lower().removesuffix("s") for t in re.findall(r"\b(?:from|into|update|join)\s+[`\"]?(\w+)", node.value, re.IGNORECASE)}
        if wanted not in tables:
            continue
        for column in ("user_id", "owner_id", "account_id", "customer_id"):
            if re.search(rf"\b{column}\b", node.value, re.IGNORECASE):
                return column
    return None


_OWNER_COLUMNS = ("user_id", "owner_id", "account_id", "customer_id")


def _owner_key_of(doc: SourceDoc, collection: str) -> str | None:
    """The owner key the module's other Mongo filters on ``collection`` use
    (``db.cards.find({"user_id": current_user.id})`` in the list route)."""
    for node in doc.nodes_depth_first:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args and isinstance(node.args[0], ast.Dict)):
            continue
        base = node.func.value
        name = base.attr if isinstance(base, ast.Attribute) else base.slice.value if isinstance(base, ast.Subscript) and isinstance(base.slice, ast.Constant) else None
        if name != collection:
            continue
        keys = {k.value for k in node.args[0].keys if isinstance(k, ast.Constant)}
        found = next((c for c in _OWNER_COLUMNS if c in keys), None)
        if found:
            return found
    return None
