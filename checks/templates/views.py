"""The view side of a template: which templates a Python file renders, with which values.

The ``template_renders`` fact holds, per Python file, every render call found through the
``[[template_renders]]`` data rows (``render_template``, Django ``render``,
``TemplateResponse``, ``get_template(...).render``), the template names it may render, the
context names it passes, and which of them carry request data or stored data. Taint comes
from the taint engine: its flow walks the file once with the context values watched, so a
value is tainted here exactly when the engine would follow it to a sink. The fact also
records the template language the file implies and custom filters or tags that mark their
input safe without escaping it (``Markup(value.replace("\\n", "<br>"))``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..knowledge import Row, declare_section, load
from ..model import Position, Range
from ..project import fact_extractor
from ..source import SourceDoc
from ..syntax import dotted, string_value
from ..taint.flow import ModuleFlow
from ..taint.labels import Label, Origin
from ..taint.model import matches, model_for
from . import stored

declare_section(
    "template_renders",
    "Calls that render a template with a context: `name_arg`/`name_keyword` locate the template"
    " name, `context_arg`/`context_keyword` the context dict; `keywords = true`: other keyword"
    " arguments are context values too; `engine` = the template language the call implies.",
    required={"call": str, "name_arg": int},
    optional={"name_keyword": str, "context_arg": int, "context_keyword": str, "keywords": bool, "engine": str},
)

#: Keyword arguments of render calls that are not context values.
_NOT_CONTEXT = frozenset({"status", "status_code", "headers", "media_type", "mimetype", "content_type", "using", "background", "request"})
#: Imports that say which template language a project's templates are written in.
_ENGINE_IMPORTS = {"django": "django", "flask": "jinja", "jinja2": "jinja", "quart": "jinja", "starlette": "jinja", "fastapi": "jinja"}
#: Imports of files that may declare forms or mark markup safe without rendering anything.
_FORM_IMPORTS = ("markupsafe", "wtforms", "flask_wtf", "rest_framework")
#: Decorators registering a template filter or tag (the name is the first string argument,
#: a `name=` keyword, or the function's own name).
_FILTER_DECORATORS = ("*.template_filter", "*.app_template_filter", "*.filter", "*.simple_tag", "*.template_global")
_MARK_SAFE = ("markupsafe.Markup", "flask.Markup", "jinja2.Markup", "django.utils.safestring.mark_safe", "django.utils.html.mark_safe")
#: Calls that escape their argument: a filter applying one to its input escapes it.
_ESCAPES = ("escape", "conditional_escape", "escape_silent", "clean", "linkify", "format_html", "urlize", "sanitize")


@dataclass(frozen=True)
class Passed:
    """A context value carrying user data: its name and where the data came from."""

    name: str
    #: Where the data came from without its position ("user input from `request.args`"): a
    #: fact must not change when lines move (the scan's cache and the editor compare facts
    #: without positions).
    what: str
    stored: bool
    #: The model class stored data was read from, when the query names it (``Post``).
    model: str | None = None
    #: The value is a record (built, fetched or updated by the view) that user data reached
    #: through some of its fields: only those fields are user text.
    record: bool = False
    at: Position | None = None
    #: Every value starts with text that fixes the URL's scheme (``f"?month={m}"``,
    #: ``"/search/?q=" + q``): the user data cannot make it a ``javascript:`` link.
    fixed_scheme: bool = False

    @property
    def origin(self) -> str:
        """``what`` and its line: "user input from `request.args` (line 12)"."""
        return f"{self.what} (line {self.at.line + 1})" if self.at is not None else self.what


@dataclass(frozen=True)
class RenderFact:
    templates: tuple[str, ...]
    range: Range
    function: str
    #: Every context name the call passes (a value not listed is unknown unless complete).
    names: tuple[str, ...]
    tainted: tuple[Passed, ...]
    #: Context names whose every value is a literal the view's author wrote, or user data
    #: the view escaped (``escape(request.args["q"])``): safe to print marked safe.
    constants: tuple[str, ...]
    #: The whole context is known (no ``**kwargs``, ``locals()`` or opaque dict).
    complete: bool


@dataclass(frozen=True)
class TemplateFacts:
    renders: tuple[RenderFact, ...] = ()
    engine: str | None = None
    #: Names of custom filters and tags that return their input marked safe, unescaped.
    unsafe_filters: tuple[str, ...] = ()
    #: Record fields clients write (see :mod:`.stored`); ``"*"``: any field.
    written_fields: tuple[str, ...] = ()
    #: Of those, the fields a view stores request data in directly (no form validates them).
    direct_fields: tuple[str, ...] = ()
    #: ``(Class.field, kind)`` of the fields classes here declare (:func:`stored.declared_kinds`).
    field_kinds: tuple[tuple[str, str], ...] = ()


@dataclass
class _Call:
    node: ast.Call
    row: Row
    templates: tuple[str, ...]
    function: str
    #: context name → the expressions whose taint is that value's.
    values: dict[str, list[ast.AST]]
    complete: bool
    #: context name → the expression its variable was assigned from in the view.
    bindings: dict[str, ast.AST]


@fact_extractor("template_renders")
def template_facts(doc: SourceDoc) -> TemplateFacts | None:
    if doc.tree is None or not any(root in doc.names.imported_roots for root in (*_ENGINE_IMPORTS, *_FORM_IMPORTS)):
        return None
    engine = next((_ENGINE_IMPORTS[r] for r in sorted(doc.names.imported_roots) if r in _ENGINE_IMPORTS), None)
    if "django" in doc.names.imported_roots:
        engine = "django"
    calls = list(_render_calls(doc))
    writes = stored.write_candidates(doc)
    renders: list[RenderFact] = []
    fields = stored.form_fields(doc)
    direct: set[str] = set()
    if calls or writes:
        watch = [node for call in calls for nodes in [*call.values.values(), list(call.bindings.values())] for node in nodes]
        flow = ModuleFlow(doc, model_for(load()), watch=[*watch, *(node for nodes in writes.values() for node in nodes)])
        flow.run()
        direct = stored.written(writes, flow.watched)
        fields |= direct
        renders = [_render_fact(doc, call, flow.watched) for call in calls]
    filters = tuple(sorted(_unsafe_filters(doc)))
    kinds = tuple(sorted(stored.declared_kinds(doc).items()))
    if not renders and not filters and not fields and not kinds and engine is None:
        return None
    return TemplateFacts(tuple(renders), engine, filters, tuple(sorted(fields)), tuple(sorted(direct)), kinds)


def _render_fact(doc: SourceDoc, call: _Call, watched: dict[int, frozenset[Label]]) -> RenderFact:
    tainted = []
    escaped = set()
    authored = {  # literals and the app's own URLs: whatever request data went into them
        name for name, nodes in call.values.items()
        if all(_literal(n) or _app_url(call.bindings.get(name) if isinstance(n, ast.Name) else n) for n in nodes)
    }
    for name, nodes in call.values.items():
        if name in authored:
            continue
        seen = [label for node in nodes for label in watched.get(id(node), ())]
        labels = [label for label in seen if _user_data(label)]
        if labels:
            first = min(labels, key=lambda l: (l.origin.stored, l.origin.range.start, l.origin.what))
            bound = call.bindings.get(name)
            record = bound is not None and _is_record(bound, watched)
            model = _record_class(bound) if record else _stored_model(doc, first.origin) if first.origin.stored else None
            fixed = all(_fixes_scheme(call.bindings.get(name) if isinstance(n, ast.Name) else n) for n in nodes)
            tainted.append(Passed(name, _describe(first), first.origin.stored, model, record, first.origin.range.start, fixed))
        elif seen and all(_escaped(label) for label in seen):
            escaped.add(name)
    return RenderFact(call.templates, doc.range_of(call.node), call.function, tuple(sorted(call.values)),
                      tuple(sorted(tainted, key=lambda p: p.name)), tuple(sorted(escaped | authored)), call.complete)


#: Calls building a URL of the app itself (a path it routes): no scheme a user could choose.
_URL_BUILDERS = frozenset({"url_for", "reverse", "reverse_lazy", "url_path_for", "static"})


def _app_url(node: ast.AST | None) -> bool:
    """``url_for(...)``, ``reverse(...)``, or a choice between such URLs and constants
    (``url_for("index", page=n) if more else None``): the app's own link."""
    if isinstance(node, ast.IfExp):
        return all(_app_url(branch) or _literal(branch) for branch in (node.body, node.orelse))
    if isinstance(node, ast.Call):
        return (dotted(node.func) or "").rsplit(".", 1)[-1] in _URL_BUILDERS
    return False


#: Leading text that decides a URL's scheme: a relative path, query or fragment, or an
#: explicit web (or mail/phone) scheme. Whatever follows cannot turn it into ``javascript:``.
_SCHEME_FIXED = re.compile(r"^(?:[/?#]|\.{1,2}/|(?:https?|ftp|mailto|tel):)", re.IGNORECASE)


def _fixes_scheme(node: ast.AST | None) -> bool:
    """An f-string or ``+`` concatenation whose leading literal fixes the URL's scheme."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.JoinedStr):
        node = node.values[0] if node.values else None
    text = string_value(node) if isinstance(node, ast.Constant) else None
    return text is not None and bool(_SCHEME_FIXED.match(text))


def _literal(node: ast.AST) -> bool:
    """A literal string, number or constant container: text the view's author wrote."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _literal(k) for k in node.keys) and all(_literal(v) for v in node.values)
    return False


def _user_data(label: Label) -> bool:
    return (label.origin.proven or label.origin.stored) and label.live_for("html")


def _escaped(label: Label) -> bool:
    return (label.origin.proven or label.origin.stored) and not label.live_for("html")


def _describe(label: Label) -> str:
    origin = label.origin
    if origin.stored:
        return f"stored data from `{origin.what}`"
    if origin.kind == "source":
        return f"user input from `{origin.what}`"
    return f"route parameter `{origin.name}`"


def _rows() -> list[Row]:
    return load().rows("template_renders")


def _render_calls(doc: SourceDoc):
    rows = _rows()
    names = {row["call"].rsplit(".", 1)[-1] for row in rows}
    for node in doc.nodes:
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name not in names:
            continue
        for row in rows:
            if _matches_row(doc, node, row):
                found = _describe_call(doc, node, row)
                if found is not None:
                    row.hit()
                    yield found
                break


def _matches_row(doc: SourceDoc, node: ast.Call, row: Row) -> bool:
    pattern = row["call"]
    if pattern.endswith(".get_template().render"):
        return isinstance(node.func, ast.Attribute) and _template_loader(doc, node.func.value) is not None
    return matches(pattern, doc.resolve(node.func), dotted(node.func))


def _single_binding(doc: SourceDoc, name: ast.Name) -> ast.AST | None:
    """The value ``name`` is assigned, when its function assigns it exactly once."""
    scope = doc.scope_of(name)
    assigned = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id == name.id]
    return assigned[0] if len(assigned) == 1 else None


def _is_record(bound: ast.AST, watched: dict[int, frozenset[Label]]) -> bool:
    """A record object: built by a model class (``Note(title=...)``) or bound to a value
    without user data that the view then updates field by field (``obj.title = ...``)."""
    if isinstance(bound, ast.Call) and _record_class(bound) is not None:
        return True
    return not any(_user_data(label) and not label.origin.stored for label in watched.get(id(bound), ()))


def _stored_model(doc: SourceDoc, origin: Origin) -> str | None:
    """The model class stored data was read from: named by the query (``Post.objects.get``),
    else the model argument of the call that read it (``get_object_or_404(Client, pk=...)``,
    found by the source's place when the name is bound more than once)."""
    model = stored.model_of(origin.what)
    if model is not None or origin.path not in ("", doc.path):
        return model
    call = next((node for node in doc.nodes if isinstance(node, ast.Call) and doc.range_of(node.func) == origin.range), None)
    return _record_class(call)


def _record_class(bound: ast.AST | None) -> str | None:
    """The model class of a record expression: ``Note`` of ``Note(...)``/``Note.objects.get(...)``,
    ``Item`` of ``get_object_or_404(Item, ...)``."""
    if not isinstance(bound, ast.Call):
        return None
    model = stored.model_of(dotted(bound.func) or "")
    if model is None and bound.args and isinstance(bound.args[0], ast.Name):
        model = stored.model_of(bound.args[0].id)
    return model


def _template_loader(doc: SourceDoc, receiver: ast.AST) -> ast.Call | None:
    """The ``get_template(...)`` call a ``.render`` receiver is (directly or through a name
    assigned once in the same function)."""
    if isinstance(receiver, ast.Name):
        receiver = _single_binding(doc, receiver) or receiver
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) and receiver.func.attr in ("get_template", "select_template"):
        return receiver
    return None


def _describe_call(doc: SourceDoc, node: ast.Call, row: Row) -> _Call | None:
    shift = 0
    if row["call"].endswith(".get_template().render"):
        loader = _template_loader(doc, node.func.value)  # type: ignore[attr-defined]
        templates = _template_names(loader.args[0]) if loader is not None and loader.args else ()
    else:
        name_node = _argument(node, row["name_arg"], row.get("name_keyword"))
        if name_node is None or not _template_names(name_node):
            # TemplateResponse(request, "x.html", {...}): the name (and the context after it)
            # one position later than the older TemplateResponse("x.html", {...}).
            name_node = next((a for a in node.args if _template_names(a)), None)
            if name_node is not None:
                shift = node.args.index(name_node) - row["name_arg"]
        templates = _template_names(name_node) if name_node is not None else ()
    if not templates:
        return None
    values: dict[str, list[ast.AST]] = {}
    complete = True
    if "context_arg" in row or "context_keyword" in row:
        context = _argument(node, row.get("context_arg", -1) + shift, row.get("context_keyword"))
        if context is not None and not (isinstance(context, ast.Constant) and isinstance(context.value, str)):
            complete &= _context_entries(doc, context, values)
    if row.get("keywords"):
        for kw in node.keywords:
            if kw.arg is None:
                complete &= _context_entries(doc, kw.value, values)
            elif kw.arg not in _NOT_CONTEXT and kw.arg != row.get("context_keyword") and kw.arg != row.get("name_keyword"):
                values.setdefault(kw.arg, []).append(kw.value)
    scope = doc.scope_of(node)
    function = getattr(scope, "name", "<module>")
    bindings = {}
    for name, nodes in values.items():
        bound = _single_binding(doc, nodes[0]) if len(nodes) == 1 and isinstance(nodes[0], ast.Name) else None
        if bound is not None:
            bindings[name] = bound
    return _Call(node, row, templates, function, values, complete, bindings)


def _argument(node: ast.Call, index: int, keyword: str | None) -> ast.AST | None:
    if keyword is not None:
        for kw in node.keywords:
            if kw.arg == keyword:
                return kw.value
    if 0 <= index < len(node.args) and not isinstance(node.args[index], ast.Starred):
        return node.args[index]
    return None


def _template_names(node: ast.AST) -> tuple[str, ...]:
    """Template names a name argument may hold: a string, or a list/tuple of strings."""
    text = string_value(node)
    if text is not None:
        return (text,) if text else ()
    if isinstance(node, (ast.List, ast.Tuple)):
        return tuple(t for t in (string_value(e) for e in node.elts) if t)
    return ()


def _context_entries(doc: SourceDoc, context: ast.AST, values: dict[str, list[ast.AST]]) -> bool:
    """Add the entries of a context dict (a literal, ``dict(...)``, or a name bound to one
    in the same function, with its later ``ctx["k"] = v``); False when not fully known."""
    if isinstance(context, ast.Name):
        return _named_context(doc, context, values)
    if isinstance(context, ast.Dict):
        complete = True
        for key, value in zip(context.keys, context.values):
            text = string_value(key) if key is not None else None
            if text is None:
                complete = complete and key is not None
                if key is None:
                    complete = _context_entries(doc, value, values) and complete
                continue
            values.setdefault(text, []).append(value)
        return complete
    if isinstance(context, ast.Call) and isinstance(context.func, ast.Name) and context.func.id == "dict" and not context.args:
        for kw in context.keywords:
            if kw.arg is not None:
                values.setdefault(kw.arg, []).append(kw.value)
        return all(kw.arg is not None for kw in context.keywords)
    return False


def _named_context(doc: SourceDoc, name: ast.Name, values: dict[str, list[ast.AST]]) -> bool:
    scope = doc.scope_of(name)
    complete = True
    bound = False
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name.id:
                bound = True
                complete = _context_entries(doc, node.value, values) and complete
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name.id:
                key = string_value(target.slice)
                if key is None:
                    complete = False
                else:
                    values.setdefault(key, []).append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name.id:
            complete = all(_context_entries(doc, a, values) for a in node.args) and complete
            for kw in node.keywords:
                values.setdefault(kw.arg or "", []).append(kw.value)
    return bound and complete


def _unsafe_filters(doc: SourceDoc) -> set[str]:
    """Filters/tags whose result is their input marked safe without escaping."""
    found: set[str] = set()
    functions = {n.name: n for n in doc.nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for func in functions.values():
        for decorator in func.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if any(matches(p, doc.resolve(target), dotted(target)) for p in _FILTER_DECORATORS) and _marks_input_safe(doc, func):
                found.add(_registered_name(decorator) or func.name)
    for node in doc.nodes:  # env.filters["nl2br"] = nl2br
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            key = string_value(target.slice)
            if isinstance(target.value, ast.Attribute) and target.value.attr in ("filters", "globals") and key \
                    and isinstance(node.value, ast.Name) and node.value.id in functions and _marks_input_safe(doc, functions[node.value.id]):
                found.add(key)
    return found


def _registered_name(decorator: ast.AST) -> str | None:
    if not isinstance(decorator, ast.Call):
        return None
    for kw in decorator.keywords:
        if kw.arg == "name":
            return string_value(kw.value)
    return string_value(decorator.args[0]) if decorator.args else None


def _marks_input_safe(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A return of ``Markup(...)``/``mark_safe(...)`` built from the first parameter
    without an escaping call on the way."""
    params = [a.arg for a in func.args.args if a.arg not in ("self", "cls", "context", "eval_ctx")]
    if not params:
        return False
    first = params[0]
    for node in ast.walk(func):
        if not isinstance(node, ast.Return) or not isinstance(node.value, ast.Call):
            continue
        call = node.value
        if not any(matches(p, doc.resolve(call.func), dotted(call.func)) for p in _MARK_SAFE) or not call.args:
            continue
        inner = call.args[0]
        uses_input = any(isinstance(n, ast.Name) and n.id in _bound_from(func, first) for n in ast.walk(inner))
        escapes = any(isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] in _ESCAPES for n in ast.walk(func))
        if uses_input and not escapes:
            return True
    return False


def _bound_from(func: ast.AST, name: str) -> set[str]:
    """``name`` and the local names assigned from expressions using it (one level per
    assignment, in order): ``text = value.replace(...)`` carries ``value``."""
    names = {name}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node.value)):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names
