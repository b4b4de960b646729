"""Which stored fields users write: what makes data read back from the database user data.

Every row the app reads back is "stored data" to the taint engine, but most columns hold
what the app wrote itself (ids, links it built, counters). A field is user-written when a
form or serializer lets the client set it (a Django ``ModelForm``/DRF serializer's
``Meta.fields``, a WTForms form's fields), or when the code stores request data in it
(``Comment(text=request.form["text"])``, ``post.body = data["body"]``), as the taint engine
follows the value. Fields are ``Model.field`` when the writer names its model (a
constructor, ``Meta.model``), else just ``field``; a printed ``comment.text`` read from a
``Comment`` query matches ``Comment.text`` or ``text``, never ``Notification.text``.
"""

from __future__ import annotations

import ast

from ..knowledge import declare_section, load
from ..source import SourceDoc
from ..syntax import dotted, string_value
from ..taint.labels import Label

declare_section(
    "typed_fields",
    "Field classes of a form, serializer or model `library` whose value is converted from the"
    " submitted text: `kind` = \"value\" (numbers, dates, booleans: no markup) or \"web_url\""
    " (a URL validated to http(s)/ftp(s): never `javascript:`).",
    required={"library": str, "kind": str, "classes": list},
)

#: A ``Meta.fields`` of ``"__all__"`` (or a form over every field): any field name.
ANY_FIELD = "*"
_FORM_BASES = ("Form", "ModelForm", "Serializer", "ModelSerializer", "FlaskForm")
#: Calls storing their keyword arguments as fields of a record.
_RECORD_WRITERS = frozenset({"create", "update", "get_or_create", "update_or_create", "insert", "values"})


def form_fields(doc: SourceDoc) -> set[str]:
    """Fields clients set through the forms and serializers this file declares."""
    found: set[str] = set()
    for node in doc.nodes:
        if not isinstance(node, ast.ClassDef) or not any((dotted(b) or "").endswith(_FORM_BASES) for b in node.bases):
            continue
        for item in node.body:
            if isinstance(item, ast.ClassDef) and item.name == "Meta":
                model = _meta_model(item)
                found |= {f"{model}.{name}" if model and name != ANY_FIELD else name for name in _meta_fields(item)}
            elif isinstance(item, ast.Assign) and isinstance(item.value, ast.Call) \
                    and (dotted(item.value.func) or "").endswith(("Field", "Area")) \
                    and field_kind(doc, item.value.func) != "value":
                found |= {t.id for t in item.targets if isinstance(t, ast.Name)}
    return found


def declared_kinds(doc: SourceDoc) -> dict[str, str]:
    """``Class.field`` → the kind of every field a class of this file declares with a field
    class (``website = models.URLField()``): ``"value"``, ``"web_url"``, or ``"text"`` for
    any other field class (so a bare field name is typed only when every model agrees)."""
    found: dict[str, str] = {}
    for node in doc.nodes:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, (ast.Assign, ast.AnnAssign)) and isinstance(item.value, ast.Call) \
                    and (dotted(item.value.func) or "").endswith("Field"):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                kind = field_kind(doc, item.value.func) or "text"
                found.update({f"{node.name}.{t.id}": kind for t in targets if isinstance(t, ast.Name)})
    return found


def field_kind(doc: SourceDoc, func: ast.expr, depth: int = 0) -> str | None:
    """The ``[[typed_fields]]`` kind of a field class: resolved into its library, or a class
    of this file subclassing one (``class RUDecimalField(DecimalField)``)."""
    resolved = doc.resolve(func) or ""
    name = resolved.rsplit(".", 1)[-1] or (dotted(func) or "").rsplit(".", 1)[-1]
    for row in load().rows("typed_fields"):
        if name in row["classes"] and resolved.split(".", 1)[0] == row["library"]:
            row.hit()
            return row["kind"]
    if depth < 3 and isinstance(func, ast.Name):
        local = next((n for n in doc.nodes if isinstance(n, ast.ClassDef) and n.name == func.id), None)
        if local is not None:
            return next((k for b in local.bases if (k := field_kind(doc, b, depth + 1))), None)
    return None


def _meta_fields(meta: ast.ClassDef) -> set[str]:
    for item in meta.body:
        if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "fields" for t in item.targets):
            if string_value(item.value) == "__all__":
                return {ANY_FIELD}
            if isinstance(item.value, (ast.List, ast.Tuple)):
                return {text for text in (string_value(e) for e in item.value.elts) if text}
    return set()


def _meta_model(meta: ast.ClassDef) -> str | None:
    for item in meta.body:
        if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model" for t in item.targets):
            return (dotted(item.value) or "").rsplit(".", 1)[-1] or None
    return None


def write_candidates(doc: SourceDoc) -> dict[str, list[ast.AST]]:
    """field name → values this file stores in a field of that name (a record's keyword
    argument, an attribute assignment); only in files that read the request."""
    found: dict[str, list[ast.AST]] = {}
    if "request" not in doc.text:
        return found
    for node in doc.nodes:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name[:1].isupper() or name in _RECORD_WRITERS:
                model = name if name[:1].isupper() else model_of(dotted(func) or "")
                for kw in node.keywords:
                    if kw.arg is not None:
                        found.setdefault(f"{model}.{kw.arg}" if model else kw.arg, []).append(kw.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and not (isinstance(target.value, ast.Name) and target.value.id in ("self", "cls")):
                    model = _record_model(doc, target.value)
                    found.setdefault(f"{model}.{target.attr}" if model else target.attr, []).append(node.value)
    return _attach_to_models(found)


def _attach_to_models(found: dict[str, list[ast.AST]]) -> dict[str, list[ast.AST]]:
    """A field written on a record of unknown model (``item.link = ...`` after a helper
    fetched ``item``) belongs to the one model this file writes that field of, if any: a
    view module creating and editing the same kind of record."""
    for bare in [key for key in found if "." not in key]:
        owners = [key for key in found if key.endswith("." + bare)]
        if len(owners) == 1:
            found[owners[0]].extend(found.pop(bare))
    return found


def _record_model(doc: SourceDoc, record: ast.AST) -> str | None:
    """The model of ``record`` in ``record.field = value``: the class its variable was
    assigned from in the same function (``Item(...)``, ``Item.query.get(...)``,
    ``get_object_or_404(Item, ...)``)."""
    if not isinstance(record, ast.Name):
        return None
    for node in ast.walk(doc.scope_of(record)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and any(isinstance(t, ast.Name) and t.id == record.id for t in node.targets):
            call = node.value
            model = model_of(dotted(call.func) or "")
            if model is None and call.args and isinstance(call.args[0], ast.Name):
                model = model_of(call.args[0].id)
            if model is not None:
                return model
    return None


def written(candidates: dict[str, list[ast.AST]], watched: dict[int, frozenset[Label]]) -> set[str]:
    """The candidate fields that some value carrying request data reaches."""
    return {
        field for field, nodes in candidates.items()
        if any(label.origin.kind == "source" and not label.origin.stored and label.live_for("html")
               for node in nodes for label in watched.get(id(node), ()))
    }


def model_of(expression: str) -> str | None:
    """The model class an expression starts from (``Post`` of ``Post.objects.get()``)."""
    first = expression.split(".", 1)[0]
    return first if first[:1].isupper() and first.isidentifier() else None


def is_written(field: str, model: str | None, written: frozenset[str]) -> bool:
    """Whether clients write ``field`` (of ``model``, when known) per the ``written`` set."""
    if ANY_FIELD in written or field in written:
        return True
    if model is not None:
        return f"{model}.{field}" in written
    return any(entry.endswith("." + field) for entry in written)


def field_of(value: str) -> str | None:
    """The field a printed expression reads last (``text`` of ``comment.text|e``), None for
    a subscript or call (a raw row ``post[0]``: no name to go by)."""
    value = value.strip()
    if not value or value.endswith((")", "]")):
        return None
    last = value.rsplit(".", 1)[-1]
    return last if last.isidentifier() else None
