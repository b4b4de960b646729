"""Following tainted values through the statements of one function.

One ordered pass over each function body (no fixpoint: a loop body is walked once and its
result merged), so the cost is linear in the size of the code. Branches are walked on copies
of the environment and merged; an ``if`` whose body always leaves (``return``, ``raise``,
``abort()``) makes its negated test hold afterwards, which is how allowlist and regex guards
clear a value. Each function's parameters start as symbolic labels (or as real sources for
route handlers); what reaches the return value or a sink becomes the function's summary.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .. import deadline
from ..source import SourceDoc
from ..syntax import dotted, string_value
from .containers import ContainerMixin, is_item_key, merged_item
from .constants import UNKNOWN, agreed, assigned_names, evaluate, match_case
from .guards import GuardMixin
from .hits import Incoming, SinkHit
from .labels import CATEGORIES, CLEAN, IN_NAME, ONE_SEGMENT, Label, Origin, clear, held, mapping_keys, mark, step, structured, unheld, union, without_fact
from .model import TaintModel, matches, source_matches
from .routes import route_parameters
from .sinks import SinkMixin
from .summaries import OutgoingCall, ParamReturn, ParamSink, Summary

__all__ = ["Incoming", "ModuleFlow", "SinkHit"]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Env = dict[str, frozenset[Label]]

_SQL_TEXT = re.compile(
    r"(?is)\b(select\s.+?\bfrom\b|insert\s+into\b|update\s+\S+\s+set\b|delete\s+from\b|\bwhere\s|order\s+by\b|values\s*\(|drop\s+table\b)"
)
_HTML_TEXT = re.compile(r"<[a-zA-Z!/]")
_PERCENT_SPEC = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGc%])")
_FIXED_HOST = re.compile(r"^[a-zA-Z][\w+.-]*://[^/?#{}\s]+[/?#]")
_FIXED_LOCAL = re.compile(r"^/[^/\\]")
#: Stands for a value the server chose (no user data) inside a built URL: a host from the
#: configuration fixes the host as much as a literal does.
_SERVER_TEXT = "\x00"
#: Suffix of the ``known`` entry saying a name holds a path of this app (``url = reverse(...)``).
_APP_PATH = "#app-path"
#: Builtins whose result carries their arguments' data.
_PROPAGATING_BUILTINS = frozenset(
    {"str", "repr", "format", "bytes", "bytearray", "list", "tuple", "set", "frozenset", "dict", "sorted",
     "reversed", "iter", "next", "min", "max", "ascii", "enumerate", "zip", "map", "filter", "getattr", "vars"}
)
#: Methods that carry their arguments' data even on an untainted receiver ("/".join(parts)).
_PROPAGATING_METHODS = frozenset({"join", "joinpath", "format", "format_map", "urljoin", "with_name", "with_suffix"})
#: Methods that put their arguments into the receiver (``parts.append(name)``).
#: String methods whose result holds no "/" when their receiver holds none.
_SEGMENT_KEEPING = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title", "get"})
#: Methods reading what a mapping holds (not its keys): values held under fixed keys are data again.
_ITEM_READS = frozenset({"get", "values", "items", "pop", "popitem", "setdefault"})
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "write"})
_EXITS = frozenset({"abort", "exit", "sys.exit", "flask.abort", "fastapi.HTTPException"})
_NON_DATA_PARAMS = frozenset({"self", "cls", "request", "req"})
#: How many function summaries may be under construction at once (f calls g calls h...).
#: Each level costs about ten interpreter frames; past this a call is treated like a call
#: into unknown code (its arguments reach its result), which keeps the analysis sound and
#: lets 140 helpers calling each other, or 500 mutually recursive functions, be analysed.
_MAX_SUMMARY_DEPTH = 32


@dataclass
class FunctionResult:
    summary: Summary
    hits: list[SinkHit] = field(default_factory=list)


def _table_entries(value: ast.expr) -> tuple[str, ...]:
    """The function names of a dict literal whose values are all plain names."""
    if not isinstance(value, ast.Dict) or not value.values:
        return ()
    if not all(isinstance(v, ast.Name) for v in value.values):
        return ()
    return tuple(dict.fromkeys(v.id for v in value.values))  # type: ignore[union-attr]


class ModuleFlow:
    """Taint results for every function of one document (computed on demand, once each)."""

    def __init__(
        self,
        doc: SourceDoc,
        model: TaintModel,
        extra_sanitizers: Iterable[str] = (),
        external: Callable[[str], Summary | None] = lambda path: None,
        watch: Iterable[ast.AST] = (),
        checks_nothing: Callable[[str], bool] = lambda path: False,
    ) -> None:
        assert doc.tree is not None
        self.doc = doc
        #: Expressions whose taint a caller wants to know (template context values): id →
        #: union of what every walk over them saw, in :attr:`watched` after :meth:`run`.
        self.watch = frozenset(id(node) for node in watch)
        self.watched: dict[int, frozenset[Label]] = {}
        self._walker = _WatchingWalker if self.watch else _Walker
        self.model = model
        self.extra_sanitizers = frozenset(extra_sanitizers)
        self.external = external
        #: Whether the project function at a dotted path is a validator whose body checks
        #: nothing (facts of its own module: checks/invented/sanitizers.py).
        self.checks_nothing = checks_nothing
        self.results: dict[int, FunctionResult] = {}
        self._busy: set[int] = set()
        self.module_env: Env = {}
        self.functions: dict[str, FunctionNode] = {
            stmt.name: stmt for stmt in doc.tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        #: Methods of module-level classes by "Class.method", and the class of each method,
        #: so ``self.helper(x)`` uses the helper's summary.
        self.methods: dict[str, FunctionNode] = {}
        self.class_of: dict[int, str] = {}
        for stmt in doc.tree.body:
            if isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.methods[f"{stmt.name}.{item.name}"] = item
                        self.class_of[id(item)] = stmt.name
        #: Dispatch tables: module-level dicts (``HANDLERS = {"add": add, ...}``) whose
        #: values are all functions of the module; ``HANDLERS[name](args)`` calls each.
        self.tables: dict[str, tuple[str, ...]] = {}
        for stmt in doc.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                entries = _table_entries(stmt.value)
                if entries and all(name in self.functions for name in entries):
                    self.tables[stmt.targets[0].id] = entries
        #: Calls passing request data to functions of other modules (for their files).
        self.outgoing: list[OutgoingCall] = []
        self.incoming: list[Incoming] = []

    # -- driving ---------------------------------------------------------------------
    def run(self, incoming: Iterable[Incoming] = ()) -> list[SinkHit]:
        """Analyse the module body and every function; all sink hits of the document.

        ``incoming`` are calls from other files passing request data into this module's
        functions; with the calls found here they turn parameter-fed sinks into findings.
        """
        walker = self._walker(self, None, self.doc.tree, {})
        walker.block(self.doc.tree.body, walker.env)
        self.module_env = walker.env
        hits = list(walker.hits)
        for node in _function_defs(self.doc.tree.body):
            hits.extend(self.function(node).hits)
        self._enter(hits, [*incoming, *self.incoming])
        return [hit for hit in hits if not hit.latent]

    def _enter(self, hits: list[SinkHit], incoming: list[Incoming]) -> None:
        """Report parameter-fed sinks that callers reach with request data, at the sink."""
        by_place = {(self.doc.range_of(h.node), h.category): h for h in hits if h.via is None and isinstance(h.node, ast.AST)}
        for call in sorted(incoming, key=lambda c: (c.path, c.range.start, c.param, c.keyword)):
            for func in self._targets(call.function):
                self._enter_one(hits, by_place, call, func)

    def _targets(self, name: str) -> list[FunctionNode]:
        """The functions an incoming call reaches: one, or every entry of a dispatch table
        (``TABLE[]``)."""
        if name.endswith("[]"):
            return [self.functions[entry] for entry in self.tables.get(name[:-2], ())]
        func = self.functions.get(name) or self.methods.get(name)
        return [func] if func is not None else []

    def _enter_one(self, hits: list[SinkHit], by_place: dict, call: Incoming, func: FunctionNode) -> None:
        summary = self.function(func).summary
        param = call.param if call.param >= 0 else summary.param_index(call.keyword)
        if call.path != self.doc.path and summary.method and call.param >= 0:
            param += 1  # another file's call counts its own arguments: self is not one
        for sink in summary.sinks:
            if sink.param != param or sink.direct or sink.path != self.doc.path:
                continue
            labels = tuple(
                label for label in call.labels
                if label.live_for(sink.category) and (not sink.needs_text or sink.needs_text in label.text)
                and not (sink.keys_only and label.held) and not (sink.in_name and sink.category == "path" and ONE_SEGMENT in label.cleared)
            )
            if not labels:
                continue
            hit = by_place.get((sink.range, sink.category))
            if hit is None:
                hit = SinkHit(sink.category, sink.sink, sink.range, None, None, labels, func)
                by_place[(sink.range, sink.category)] = hit
                hits.append(hit)
            elif hit.entry is not None or (any(label.origin.proven for label in hit.labels) and not hit.latent):
                continue
            hit.labels, hit.latent = labels, False
            hit.entry = (call.path, call.range, call.caller)

    def assigned_in(self, body: list[ast.stmt]) -> set[str]:
        """Names a block stores to (computed once per block and document: nested loops and
        the second pass over the file ask again)."""
        cache = self.doc.__dict__.setdefault("_taint_assigned", {})
        found = cache.get(id(body))
        if found is None:
            found = cache[id(body)] = assigned_names(body)
        return found

    def function(self, func: FunctionNode) -> FunctionResult:
        known = self.results.get(id(func))
        if known is not None:
            return known
        if id(func) in self._busy:  # recursion: no summary yet
            return FunctionResult(Summary(func.name, _param_names(func)))
        self._busy.add(id(func))
        try:
            result = self._analyse(func)
        finally:
            self._busy.discard(id(func))
        self.results[id(func)] = result
        return result

    def summary_for_call(self, call: ast.Call, scope: ast.AST, resolve: Callable[[], str | None]) -> Summary | None:
        """The summary of the project function ``call`` calls, if any (None past
        :data:`_MAX_SUMMARY_DEPTH` nested summaries: the callee is then unknown code)."""
        if len(self._busy) >= _MAX_SUMMARY_DEPTH:
            return None
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            owner = self.class_of.get(id(scope))
            method = self.methods.get(f"{owner}.{func.attr}") if owner else None
            return self.function(method).summary if method is not None else None
        if isinstance(func, ast.Name):
            binding = self.doc.names.binding(func.id, scope) if scope is not self.doc.tree else None
            local = self.functions.get(func.id)
            if local is not None and binding is None:
                return self.function(local).summary
        resolved = resolve()
        if resolved is None or resolved.endswith("()") or "." not in resolved:
            return None
        if self.doc.module_name and resolved.startswith(self.doc.module_name + "."):
            local = self.functions.get(resolved[len(self.doc.module_name) + 1 :])
            if local is not None:
                return self.function(local).summary
        return self.external(resolved)

    # -- one function ---------------------------------------------------------------
    def _analyse(self, func: FunctionNode) -> FunctionResult:
        route, returns_html, segments = route_parameters(self.doc, func, self.model)
        env: Env = {}
        params = _param_names(func)
        for index, arg in enumerate(_all_args(func)):
            if route is not None and arg.arg in route:
                origin = Origin("param", "route parameter", arg.arg, self.doc.range_of(arg), index, route=True,
                                structured=_is_structured(self.doc, arg))
            elif route is None and arg.arg not in _NON_DATA_PARAMS:
                origin = Origin("param", "parameter", arg.arg, self.doc.range_of(arg), index)
            else:
                continue
            facts = frozenset({ONE_SEGMENT}) if arg.arg in segments else frozenset()
            env[arg.arg] = frozenset({Label(origin, cleared=facts, alias=arg.arg)})
        walker = self._walker(self, func, func, env, is_route=returns_html)
        # A route whose URL rule has no text parameter answers one path only.
        walker.fixed_path = route is not None and not route and _rule_is_fixed(func)
        walker.block(func.body, walker.env)
        returns = []
        sources = []
        for label in walker.returned:
            if label.origin.kind == "param" and not label.origin.route:
                returns.append(ParamReturn(label.origin.param, label.cleared, label.text, label.built))
            elif label.origin.proven and label.cleared != frozenset({"*"}):
                sources.append((replace(label.origin, path=label.origin.path or self.doc.path), label.cleared))
        owner = self.class_of.get(id(func))
        summary = Summary(
            f"{owner}.{func.name}" if owner else func.name,
            params,
            tuple(sorted(dict.fromkeys(returns), key=_return_order)),
            tuple(sorted(dict.fromkeys(walker.param_sinks), key=_sink_order)),
            tuple(sorted(dict.fromkeys(sources), key=_source_order)),
            method=bool(params) and params[0] in ("self", "cls"),
            path=self.doc.path,
            returns_type=self._returned_type(func),
        )
        return FunctionResult(summary, walker.hits)

    def _returned_type(self, func: FunctionNode) -> str:
        """The one type every ``return`` of ``func`` gives back (``ldap3.Connection`` for
        ``return ldap3.Connection(...)`` or a local bound to it), else ""."""
        found = set()
        for node in _own_returns(func.body):
            resolved = self.doc.names.resolve(node.value, func) if node.value is not None else None
            if resolved is None or "." not in resolved:
                return ""
            owner, _, last = resolved.removesuffix("()").rpartition(".")
            found.add(resolved.removesuffix("()") if resolved.endswith("()") and last[:1].isupper() else resolved)
        return found.pop() if len(found) == 1 else ""

    def retyped(self, resolved: str) -> str | None:
        """``helpers.ldap.get_connection().search`` as ``ldap3.Connection.search`` when the
        project function returns an ``ldap3.Connection``; None when unknown."""
        called, marker, rest = resolved.partition("().")
        if not marker or not rest:
            return None
        local = self.functions.get(called.removeprefix(self.doc.module_name + ".") if self.doc.module_name else called)
        summary = self.function(local).summary if local is not None else self.external(called)
        if summary is None or not summary.returns_type:
            return None
        return f"{summary.returns_type}.{rest}"


def _return_order(item: ParamReturn) -> tuple:
    return (item.param, sorted(item.cleared), sorted(item.text), item.built)


def _source_order(item: tuple[Origin, frozenset[str]]) -> tuple:
    origin, cleared = item
    return (origin.range.start, origin.what, origin.name, origin.path, sorted(cleared))


def _sink_order(sink: ParamSink) -> tuple:
    """Summaries list their sinks in a fixed order, so results never depend on set order."""
    return (sink.param, sink.category, sink.path, sink.range.start, sink.sink, sink.direct, sink.needs_text, len(sink.steps),
            sink.keys_only, sink.in_name)


_STRUCTURED_TYPES = frozenset({"dict", "list", "typing.Dict", "typing.List", "typing.Any"})


def _is_structured(doc: SourceDoc, arg: ast.arg) -> bool:
    """A parameter parsed from JSON into dicts/lists (``criteria: dict``)."""
    annotation = arg.annotation
    if annotation is None:
        return False
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return doc.names.resolve(annotation) in _STRUCTURED_TYPES


#: Sources that are the request's path alone (no query string, no host).
_PATH_OF_ROUTE = frozenset({"flask.request.path"})


def _rule_is_fixed(func: FunctionNode) -> bool:
    """Every route decorator's URL rule is literal text, with no ``<variable>`` part."""
    rules = [d.args[0] for d in func.decorator_list if isinstance(d, ast.Call) and d.args]
    texts = [string_value(rule) for rule in rules]
    return bool(texts) and all(text is not None and "<" not in text and "{" not in text for text in texts)


def _own_returns(body: list[ast.stmt]) -> Iterator[ast.Return]:
    """The ``return`` statements of a function body, not of functions nested in it."""
    stack = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Return):
            yield stmt
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in _block_fields(type(stmt)):
                children = getattr(stmt, name, None)
                if isinstance(children, list):
                    stack.extend(c for c in children if isinstance(c, (ast.stmt, ast.excepthandler, ast.match_case)))


def _small_literal(source: ast.AST | None) -> ast.AST | None:
    """A dict/list/tuple literal small enough to track item by item."""
    if isinstance(source, ast.Dict):
        return source if len(source.keys) <= 64 else None
    if isinstance(source, (ast.List, ast.Tuple)):
        return source if len(source.elts) <= 64 else None
    return None


def _function_defs(body: list[ast.stmt]) -> Iterator[FunctionNode]:
    """Every function defined in ``body`` (nested ones too), visiting statements only."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield stmt
        for name in _block_fields(type(stmt)):
            children = getattr(stmt, name, None)
            if isinstance(children, list):
                stack.extend(reversed([c for c in children if isinstance(c, (ast.stmt, ast.excepthandler, ast.match_case))]))


@lru_cache(maxsize=None)
def _block_fields(kind: type) -> tuple[str, ...]:
    """The fields of a statement type that hold nested blocks (none for simple statements)."""
    return tuple(name for name in ("body", "orelse", "finalbody", "handlers", "cases") if name in kind._fields)


def _all_args(func: FunctionNode) -> list[ast.arg]:
    args = func.args
    found = [*args.posonlyargs, *args.args]
    if args.vararg:
        found.append(args.vararg)
    found.extend(args.kwonlyargs)
    if args.kwarg:
        found.append(args.kwarg)
    return found


def _param_names(func: FunctionNode) -> tuple[str, ...]:
    return tuple(a.arg for a in _all_args(func))


class _Walker(GuardMixin, SinkMixin, ContainerMixin):
    """Walks the statements of one scope, keeping name → taint."""

    def __init__(self, flow: ModuleFlow, func: FunctionNode | None, scope: ast.AST, env: Env, is_route: bool = False) -> None:
        self.flow = flow
        self.doc = flow.doc
        self.model = flow.model
        self.func = func
        self.scope = scope
        self.env = env
        self.is_route = is_route
        self.hits: list[SinkHit] = []
        self.param_sinks: list[ParamSink] = []
        self.returned: frozenset[Label] = CLEAN
        self._reported: set[tuple[int, str]] = set()
        #: Names holding a known constant at the current statement (see constants.py).
        self.known: dict[str, object] = {}
        #: The function is a route with a fixed URL rule: ``request.path`` is that rule.
        self.fixed_path = False
        #: Per enclosing loop, the environments a ``break``/``continue`` leaves it with.
        self._loop_exits: list[list[Env]] = []

    # -- statements -----------------------------------------------------------------
    def block(self, body: list[ast.stmt], env: Env) -> tuple[Env, bool]:
        """Walk ``body`` updating ``env`` in place; True when the block always leaves."""
        for stmt in body:
            if self.stmt(stmt, env):
                return env, True
        return env, False

    def stmt(self, node: ast.stmt, env: Env) -> bool:
        deadline.check()  # one call can walk a whole generated module
        if isinstance(node, ast.Assign):
            value = self.expr(node.value, env)
            for target in node.targets:
                self.assign(target, value, node.value, env)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value, env), node.value, env)
        elif isinstance(node, ast.AugAssign):
            value = self.expr(node.value, env)
            if isinstance(node.op, (ast.Add, ast.Mod)):
                value = mark(value, self._text_kinds(node.value), built=True)
            if isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
                value = self._after_prefix(value, self._leading_text(node.target, self.known))
            current = self.expr(node.target, env) if isinstance(node.target, (ast.Name, ast.Subscript)) else CLEAN
            self.assign(node.target, union(current, value), None, env)
            if isinstance(node.target, ast.Name):
                combined = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
                self._remember(node.target.id, combined, self.known)
        elif isinstance(node, ast.Expr):
            self.expr(node.value, env)
            return self._is_exit_call(node.value)
        elif isinstance(node, ast.Return):
            if node.value is not None:
                value = self.expr(node.value, env)
                self.returned = union(self.returned, value)
                if self.is_route:
                    self._check_returned_html(node, value, env)
            return True
        elif isinstance(node, ast.Raise):
            if node.exc is not None:
                self.expr(node.exc, env)
            return True
        elif isinstance(node, (ast.Continue, ast.Break)):
            if self._loop_exits:  # what was assigned before it reaches the loop's end
                self._loop_exits[-1].append(dict(env))
            return True
        elif isinstance(node, ast.If):
            return self._if(node, env)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._assign_iterated(node.target, node.iter, env)
            self._loop(node.body, node.orelse, env)
        elif isinstance(node, ast.While):
            self.expr(node.test, env)
            self._loop(node.body, node.orelse, env)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value = self.expr(item.context_expr, env)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, item.context_expr, env)
            _, leaves = self.block(node.body, env)
            return leaves
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            return self._try(node, env)
        elif isinstance(node, ast.Match):
            return self._match(node, env)
        elif isinstance(node, ast.ClassDef):
            saved = dict(self.known)  # class attributes are not the function's names
            self.block([s for s in node.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))], dict(env))
            self.known = saved
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    env.pop(target.id, None)
                    self._forget({target.id})
        elif isinstance(node, ast.Assert):
            when_true, _ = self.guards(node.test, env)
            self._apply(env, when_true)
        return False

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], env: Env) -> None:
        changed = self.flow.assigned_in(body) if self.known else set()
        self._forget(changed)  # walked once, their values vary between rounds
        self._loop_exits.append([])
        after, leaves = self.block(body, dict(env))
        exits = self._loop_exits.pop()
        self._forget(changed if not self.known or changed else self.flow.assigned_in(body))
        self._merge_into(env, [(dict(env), False), (after, leaves), *((e, False) for e in exits)])
        if orelse:
            self.block(orelse, env)

    def _if(self, node: ast.If, env: Env) -> bool:
        self.expr(node.test, env)
        decided = evaluate(node.test, self.known)
        if decided is not UNKNOWN:  # a constant test: the other branch never runs
            _, leaves = self.block(node.body if decided else node.orelse, env)
            return leaves
        when_true, when_false = self.guards(node.test, env)
        body_env = dict(env)
        self._apply(body_env, when_true)
        else_env = dict(env)
        self._apply(else_env, when_false)
        saved = dict(self.known)
        body = self.block(node.body, body_env)
        body_known, self.known = self.known, dict(saved)
        orelse = self.block(node.orelse, else_env)
        self.known = agreed([k for k, (_, leaves) in ((body_known, body), (self.known, orelse)) if not leaves])
        return self._merge_into(env, [body, orelse])

    def _match(self, node: ast.Match, env: Env) -> bool:
        subject = self.expr(node.subject, env)
        decided = evaluate(node.subject, self.known)
        taken = match_case(decided, node.cases) if decided is not UNKNOWN else UNKNOWN
        if taken is None:
            return False  # no case matches: nothing runs
        cases = [taken] if isinstance(taken, ast.match_case) else node.cases
        saved = dict(self.known)
        branches, knowns = [], []
        for case in cases:
            branch = dict(env)
            self.known = dict(saved)
            for sub in ast.walk(case.pattern):
                name = getattr(sub, "name", None)
                if isinstance(name, str):
                    branch[name] = subject
                    self.known.pop(name, None)
            outcome = self.block(case.body, branch)
            branches.append(outcome)
            if not outcome[1]:
                knowns.append(self.known)
        if isinstance(taken, ast.match_case):
            self.known = knowns[0] if knowns else {}
            return self._merge_into(env, branches)
        self.known = agreed([saved, *knowns])
        return self._merge_into(env, [(dict(env), False), *branches])

    def _remember(self, name: str, source: ast.AST | None, known: dict[str, object]) -> None:
        """Note the constant ``name`` now holds, or forget it; and whether it is a path of
        this app (``url = reverse("list")``, then ``url = f"{url}?{query}"``)."""
        value = evaluate(source, known) if source is not None else UNKNOWN
        if value is UNKNOWN:
            known.pop(name, None)
        else:
            known[name] = value
        if source is not None and _FIXED_LOCAL.match(self._leading_text(source, known)):
            known[name + _APP_PATH] = True
        else:
            known.pop(name + _APP_PATH, None)

    def _leading_text(self, expr: ast.AST, known: dict[str, object]) -> str:
        """How the text of ``expr`` starts, as far as it is fixed ("" when unknown); a route-URL
        builder's output and a name holding an app path start with "/" + server text."""
        while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            expr = expr.left
        if isinstance(expr, ast.JoinedStr):
            if not expr.values:
                return ""
            expr = expr.values[0]
        if isinstance(expr, ast.FormattedValue):
            expr = expr.value
        text = string_value(expr)
        if text is not None:
            return text
        if isinstance(expr, ast.Name):
            if known.get(expr.id + _APP_PATH):
                return "/" + _SERVER_TEXT
            value = known.get(expr.id)
            return value if isinstance(value, str) else ""
        return self._server_text(expr) if isinstance(expr, ast.Call) else ""

    def _forget(self, names: set[str]) -> None:
        for name in names:
            self.known.pop(name, None)
            self.known.pop(name + _APP_PATH, None)

    def _try(self, node: ast.AST, env: Env) -> bool:
        start = dict(env)
        saved = dict(self.known)
        body_env, body_leaves = self.block(node.body, dict(env))  # type: ignore[attr-defined]
        if saved:
            changed = self.flow.assigned_in(node.body)  # type: ignore[attr-defined]
            self.known = {k: v for k, v in saved.items() if k not in changed}
        else:
            self.known = {}
        outcomes = []
        if node.orelse:  # type: ignore[attr-defined]
            outcomes.append(self.block(node.orelse, dict(body_env)))  # type: ignore[attr-defined]
        else:
            outcomes.append((body_env, body_leaves))
        for handler in node.handlers:  # type: ignore[attr-defined]
            handler_env = self._merged([start, body_env])
            outcomes.append(self.block(handler.body, handler_env))
        leaves = self._merge_into(env, outcomes)
        for block in (node.orelse, *(h.body for h in node.handlers)):  # type: ignore[attr-defined]
            if self.known:  # which of them ran is not known
                for name in self.flow.assigned_in(block):
                    self.known.pop(name, None)
        if node.finalbody:  # type: ignore[attr-defined]
            _, final_leaves = self.block(node.finalbody, env)  # type: ignore[attr-defined]
            leaves = leaves or final_leaves
        return leaves

    def _merge_into(self, env: Env, outcomes: list[tuple[Env, bool]]) -> bool:
        """Replace ``env`` by the merge of the outcomes that fall through; True if none do."""
        falling = [e for e, leaves in outcomes if not leaves]
        if not falling:
            return True
        merged = self._merged(falling)
        env.clear()
        env.update(merged)
        return False

    @staticmethod
    def _merged(envs: list[Env]) -> Env:
        if len(envs) == 1:
            return dict(envs[0])
        merged: Env = {}
        for name in set().union(*envs):
            if is_item_key(name):  # a branch without the entry holds what its container holds
                merged[name] = union(*(merged_item(name, e) for e in envs))
            else:
                merged[name] = union(*(e.get(name, CLEAN) for e in envs))
        return merged

    def _is_exit_call(self, expr: ast.expr) -> bool:
        if not isinstance(expr, ast.Call):
            return False
        written = dotted(expr.func)
        return written in _EXITS or self.doc.names.resolve(expr.func, self.scope) in _EXITS

    # -- assignment -----------------------------------------------------------------
    def assign(self, target: ast.AST, value: frozenset[Label], source: ast.AST | None, env: Env) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = step(value, self.doc.range_of(target), target.id) if value else CLEAN
            self._remember(target.id, source, self.known)
            self._set_items(target.id, source if _small_literal(source) else None, env)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(source, (ast.Tuple, ast.List)) and len(source.elts) == len(target.elts):
                for sub_target, sub_value in zip(target.elts, source.elts):
                    self.assign(sub_target, self.expr(sub_value, {**env}) if value else CLEAN, None, env)
            else:
                for index, elt in enumerate(target.elts):
                    cleared = self._item_sanitized(source, index, len(target.elts)) if value else ()
                    self.assign(elt.value if isinstance(elt, ast.Starred) else elt, clear(value, cleared) if cleared else value, None, env)
        elif isinstance(target, ast.Subscript):
            self._check_session(target, value, self.expr(target.slice, dict(env)))
            self._store_item(target, value, env)
            # under a key the code wrote (`row["title"] = x`) the value is not one of the keys
            self._weak_update(target.value, held(value) if isinstance(string_value(target.slice), str) else value, env)
        elif isinstance(target, ast.Attribute):
            self._weak_update(target.value, value, env)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, None, env)

    def _assign_iterated(self, target: ast.AST, iterated: ast.expr, env: Env) -> None:
        """A loop's target from what it iterates; ``for key, value in mapping.items()`` gives
        the key only the mapping's keys and the value what the mapping holds."""
        func = iterated.func if isinstance(iterated, ast.Call) else None
        if (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(func, ast.Attribute)
                and func.attr == "items" and not iterated.args and not iterated.keywords):  # type: ignore[union-attr]
            mapping = self.expr(func.value, env)
            self.assign(target.elts[0], mapping_keys(mapping), None, env)
            self.assign(target.elts[1], unheld(mapping), None, env)
            return
        self.assign(target, self.expr(iterated, env), None, env)

    def _weak_update(self, base: ast.AST, value: frozenset[Label], env: Env) -> None:
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if isinstance(base, ast.Name) and value:
            env[base.id] = union(env.get(base.id, CLEAN), value)

    # -- guards ---------------------------------------------------------------------

    # -- expressions ----------------------------------------------------------------
    def expr(self, node: ast.AST | None, env: Env) -> frozenset[Label]:
        if node is None or isinstance(node, ast.Constant):
            return CLEAN
        if isinstance(node, ast.Name):
            found = env.get(node.id)
            if found is None and self.func is not None:
                found = self.flow.module_env.get(node.id)
            return found or CLEAN
        if isinstance(node, ast.Attribute):
            # The value first, even when the attribute is a source: a sink in it must be
            # checked (``db.execute(sql).fetchall``, typed before its parentheses).
            value = self.expr(node.value, env)
            source = self._source(node, node.attr)
            if source is not None:
                return source
            if value and node.attr in self.model.attribute_sanitizers:
                resolved, written = self.doc.names.resolve(node, self.scope), dotted(node)
                for row in self.model.attribute_sanitizers[node.attr]:
                    if matches(row["call"], resolved, written):
                        row.hit()
                        return clear(value, tuple(row["clears"]))
            return value
        if isinstance(node, ast.Call):
            return self.call(node, env)
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, env)
        if isinstance(node, ast.FormattedValue):
            return self.expr(node.value, env)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):  # flattened iteratively: long chains stay linear
                return self._concat(node, env)
            if isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Tuple):
                left = self.expr(node.left, env)
                right = self._percent_values(node.left, node.right, env)
            else:
                left, right = self.expr(node.left, env), self.expr(node.right, env)
            if isinstance(node.op, ast.Mod):
                text = self._const_text(node.left) or ""
                right = self._after_prefix(right, text)
                return without_fact(mark(union(left, right), self._kinds(text), built=True), ONE_SEGMENT)
            return union(left, right)
        if isinstance(node, ast.Subscript):
            self.expr(node.slice, env)
            item = self._load_item(node, env)
            if item is not None:
                return item
            value = unheld(self.expr(node.value, env))
            index = node.slice.value if isinstance(node.slice, ast.Constant) else None
            if isinstance(node.slice, ast.UnaryOp) and isinstance(node.slice.op, ast.USub) and isinstance(node.slice.operand, ast.Constant):
                index = -node.slice.operand.value
            cleared = self._item_sanitized(node.value, index) if value and isinstance(index, int) else ()
            value = clear(value, cleared) if cleared else value
            return self._trusted_item(value, index) if value and isinstance(index, str) else value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return union(*(self.expr(e, env) for e in node.elts))
        if isinstance(node, ast.Dict):
            keys = [unheld(self.expr(k, env)) for k in node.keys if k is not None]
            # values under a written key are held; `**other` brings other's keys along
            values = [self.expr(v, env) if k is None else held(self.expr(v, env)) for k, v in zip(node.keys, node.values)]
            return union(*keys, *values)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node, env)
        if isinstance(node, ast.IfExp):
            self.expr(node.test, env)
            decided = evaluate(node.test, self.known)
            if decided is not UNKNOWN:
                return self.expr(node.body if decided else node.orelse, env)
            when_true, when_false = self.guards(node.test, env)
            body_env, else_env = dict(env), dict(env)
            self._apply(body_env, when_true)
            self._apply(else_env, when_false)
            return union(self.expr(node.body, body_env), self.expr(node.orelse, else_env))
        if isinstance(node, ast.BoolOp):
            return union(*(self.expr(v, env) for v in node.values))
        if isinstance(node, ast.Compare):
            self.expr(node.left, env)
            for comparator in node.comparators:
                self.expr(comparator, env)
            return CLEAN
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand, env)
            return CLEAN if isinstance(node.op, ast.Not) else operand
        if isinstance(node, (ast.Await, ast.Starred, ast.YieldFrom)):
            return self.expr(node.value, env)
        if isinstance(node, ast.Yield):
            value = self.expr(node.value, env)
            self.returned = union(self.returned, value)
            return CLEAN
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, env)
            self.assign(node.target, value, node.value, env)
            return value
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                self.expr(part, env)
            return CLEAN
        return CLEAN

    def _source(self, node: ast.AST, name: str, is_call: bool = False) -> frozenset[Label] | None:
        rows = self.model.sources.get(name)
        if not rows:
            return None
        resolved = self.doc.names.resolve(node, self.scope)
        written = dotted(node)
        # A row naming the resolved type wins over one matching only the written name.
        ordered = sorted(rows, key=lambda row: row["path"] != resolved) if resolved else rows
        for row in ordered:
            if source_matches(row, resolved, written):
                row.hit()
                if self.fixed_path and row["path"] in _PATH_OF_ROUTE:
                    return CLEAN  # the router only let this one path through
                what = row.get("what") or (f"{written}()" if is_call and written else written or row["path"])
                origin = Origin("source", what, self.doc.source_of(node), self.doc.range_of(node),
                                structured=row.get("structured", False), stored=row.get("stored", False))
                cleared = frozenset(row.get("trusted_for", ()))
                if "only_for" in row:
                    cleared |= CATEGORIES - frozenset(row["only_for"])
                return frozenset({Label(origin, cleared=cleared)})
        return None

    def _trusted_item(self, value: frozenset[Label], key: str) -> frozenset[Label]:
        """``request.META["HTTP_REFERER"]``: the labels of a request mapping read at a key
        that is safe where the rest of the mapping is not (``taint_source_keys``)."""
        rows = self.model.source_keys.get(key.lower())
        if not rows:
            return value
        kept = []
        for label in value:
            row = next((r for r in rows if label.origin.kind == "source" and label.origin.what in r["what"]), None)
            if row is None:
                kept.append(frozenset({label}))
            else:
                row.hit()
                kept.append(clear({label}, row["trusted_for"]))
        return union(*kept)

    def _kinds(self, text: str) -> tuple[str, ...]:
        kinds = []
        if _SQL_TEXT.search(text):
            kinds.append("sql")
        if _HTML_TEXT.search(text):
            kinds.append("html")
        return tuple(kinds)

    def _text_kinds(self, node: ast.AST) -> tuple[str, ...]:
        return self._kinds(self._const_text(node) or "")

    def _const_text(self, node: ast.AST | None) -> str | None:
        """The text of a string constant, or of a module-level name bound to one."""
        value = string_value(node)
        if value is not None:
            return value
        if isinstance(node, ast.Name):
            binding = self.doc.names.binding(node.id)
            return string_value(binding) if isinstance(binding, ast.AST) else None
        if isinstance(node, ast.JoinedStr):
            return "".join(string_value(v) or "{}" for v in node.values)
        return None

    @staticmethod
    def _within_name(taint: frozenset[Label], prefix: str, rest: list[ast.expr]) -> frozenset[Label]:
        """One path segment (no "/") written inside a file name with fixed text that is not
        all dots (``f"export_{id}.csv"``): the name cannot be ".." or ".", so the segment
        cannot climb out of the folder. Clears ``path`` for such labels."""
        if not any(ONE_SEGMENT in label.cleared or not label.origin.proven for label in taint):
            return taint
        before = re.split(r"[/\\\x00]|\{\}", prefix)[-1]  # the fixed text right before it
        after = ""
        for value in rest:
            text = string_value(value)
            if text is None:
                break
            after += text
        after = re.split(r"[/\\]", after)[0]
        if not (before + after).strip("."):
            return taint
        return union(*(
            clear({label}, ("path",)) if ONE_SEGMENT in label.cleared
            else clear({label}, (IN_NAME,)) if not label.origin.proven else frozenset({label})
            for label in taint
        ))

    @staticmethod
    def _after_prefix(taint: frozenset[Label], prefix: str) -> frozenset[Label]:
        """Data placed after a fixed scheme+host (or a local path) cannot pick the server."""
        if not taint:
            return taint
        if _FIXED_HOST.match(prefix) or prefix.startswith(_SERVER_TEXT + "/"):
            # a literal scheme and host, or a base URL the server chose, then a path
            return clear(taint, ("ssrf", "redirect"))
        if _FIXED_LOCAL.match(prefix):
            return clear(taint, ("redirect",))
        return taint

    def _percent_values(self, template: ast.AST, values: ast.Tuple, env: Env) -> frozenset[Label]:
        """Taint of ``"..." % (a, b)``'s values; ``%d``/``%f`` ones are numbers, not text."""
        taints = [self.expr(value, env) for value in values.elts]
        text = self._const_text(template)
        if text is None:
            return union(*taints)
        specs = [m.group(1) for m in _PERCENT_SPEC.finditer(text) if m.group(1) != "%"]
        if len(specs) != len(taints):
            return union(*taints)
        return union(*(t for t, spec in zip(taints, specs) if spec not in "dif"))

    def _joined(self, node: ast.JoinedStr, env: Env) -> frozenset[Label]:
        prefix = ""
        parts = []
        for index, value in enumerate(node.values):
            text = string_value(value)
            if text is not None:
                prefix += text
                continue
            taint = self.expr(value, env)
            if taint:
                taint = self._within_name(taint, prefix, node.values[index + 1:])
            parts.append(self._after_prefix(taint, prefix))
            prefix += "{}" if taint else self._server_text(value)
        text = "".join(string_value(v) or "{}" for v in node.values)
        return without_fact(mark(union(*parts), self._kinds(text), built=True), ONE_SEGMENT)

    def _concat(self, node: ast.BinOp, env: Env) -> frozenset[Label]:
        operands: list[ast.AST] = []
        current: ast.AST = node
        while isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
            operands.append(current.right)
            current = current.left
        operands.append(current)
        operands.reverse()
        prefix = ""
        parts = []
        texts = []
        for operand in operands:
            text = self._const_text(operand)
            if text is not None and not isinstance(operand, ast.JoinedStr):
                prefix += text
                texts.append(text)
                continue
            taint = self.expr(operand, env)
            parts.append(self._after_prefix(taint, prefix))
            if isinstance(operand, ast.JoinedStr):
                texts.append(text or "")
            prefix += text or ("{}" if taint else self._server_text(operand))
        built = without_fact(mark(union(*parts), self._kinds("".join(texts)), built=True), ONE_SEGMENT)
        if built and any(self._is_markup(operand) for operand in operands):
            return clear(built, ("html", "markup"))  # Markup("<p>") + text escapes the text
        return built

    def _server_text(self, expr: ast.AST) -> str:
        """What a clean value stands for in a built URL: a path of the app itself when it is
        a route-URL builder (``reverse("login")``, ``url_for("index")``: the sanitizer rows
        that clear redirects), else some text the server chose."""
        inner = expr.value if isinstance(expr, ast.FormattedValue) else expr
        if isinstance(inner, ast.Name) and self.known.get(inner.id + _APP_PATH):
            return "/" + _SERVER_TEXT
        if isinstance(inner, ast.Call) and isinstance(inner.func, (ast.Name, ast.Attribute)):
            name = self._call_name(inner.func)
            resolved = self.doc.names.resolve(inner.func, self.scope)
            if any("redirect" in row["clears"] and matches(row["call"], resolved, dotted(inner.func))
                   for row in self.model.sanitizers.get(name, ())):
                return "/" + _SERVER_TEXT
        return _SERVER_TEXT

    def _is_markup(self, expr: ast.AST) -> bool:
        """A ``Markup(...)`` value: adding plain text to it escapes that text."""
        return isinstance(expr, ast.Call) and (self.doc.names.resolve(expr.func, self.scope) or "").endswith(
            ("markupsafe.Markup", "flask.Markup", "jinja2.Markup"))

    def _comprehension(self, node: ast.AST, env: Env) -> frozenset[Label]:
        inner = dict(env)
        for gen in node.generators:  # type: ignore[attr-defined]
            self._assign_iterated(gen.target, gen.iter, inner)
            for cond in gen.ifs:
                self.expr(cond, inner)
                when_true, _ = self.guards(cond, inner)
                self._apply(inner, when_true)
        if isinstance(node, ast.DictComp):
            return union(unheld(self.expr(node.key, inner)), held(self.expr(node.value, inner)))
        return self.expr(node.elt, inner)  # type: ignore[attr-defined]

    # -- calls ----------------------------------------------------------------------
    def _call_name(self, func: ast.expr) -> str:
        """The name data rows are indexed by: the attribute, or the imported name behind an alias."""
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            target = self.doc.names.import_target(func.id, self.scope)
            return target.rsplit(".", 1)[-1] if target else func.id
        return ""

    def call(self, node: ast.Call, env: Env) -> frozenset[Label]:
        result = self._call(node, env)
        if result and not (isinstance(node.func, ast.Attribute) and node.func.attr in _SEGMENT_KEEPING):
            return without_fact(without_fact(result, ONE_SEGMENT), IN_NAME)  # decoding or replacing may bring a "/"
        return result

    def _call(self, node: ast.Call, env: Env) -> frozenset[Label]:
        func = node.func
        name = self._call_name(func)
        source = self._source(func, name, is_call=True) if name else None
        receiver = CLEAN
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, env)  # also for sources: conn.execute(...).fetchall()
        elif not isinstance(func, (ast.Attribute, ast.Name)):
            self.expr(func, env)
        args = [self.expr(a, env) for a in node.args]
        keywords = {kw.arg: self.expr(kw.value, env) for kw in node.keywords}
        if source is not None:
            return source
        if isinstance(func, ast.Attribute):
            converted = self._converted_get(node, func)
            if converted is not None:
                return clear(union(receiver, *args), converted)
            item = self._container_method(node, func, args, env)
            if item is not None:
                return item
            if func.attr == "get" and receiver and node.args and isinstance(key := string_value(node.args[0]), str):
                receiver = self._trusted_item(receiver, key)
            if func.attr in _ITEM_READS:
                receiver = unheld(receiver)
            elif func.attr == "keys" and not node.args:
                receiver = mapping_keys(receiver)
        all_args = union(*args, *keywords.values())
        resolved: list[str | None] = []

        def path() -> str | None:
            if not resolved:
                found = self.doc.names.resolve(func, self.scope)
                resolved.append(self.flow.retyped(found) or found if found and "()." in found else found)
            return resolved[0]

        tainted = bool(all_args or receiver)
        consumed: tuple[str, ...] = ()
        if tainted or name in self.model.untainted_sinks:
            consumed = self._check_sinks(node, name, path, receiver, args, keywords, env)
            if self._is_locator(node, name, path):
                return CLEAN  # the file or page found by a tainted name, not the name
        if self._selects_records(node, name, path, receiver):
            return receiver  # the records chosen, not the search words that chose them
        if not tainted:  # only a function returning request data by itself matters now
            if isinstance(func, (ast.Name, ast.Attribute)):
                summary = self.flow.summary_for_call(node, self.scope, path)
                if summary is not None and summary.sources:
                    return self._apply_summary(node, summary, args, keywords)
            return CLEAN
        sanitized = self._sanitizer(node, name, path)
        if sanitized is not None:
            return clear(union(receiver, all_args), sanitized)
        for row in self.model.fixed_key_mappings.get(name, ()):
            if matches(row["call"], path(), dotted(func)):
                row.hit()
                return held(union(receiver, all_args))
        if name in self.model.parsers:
            for row in self.model.parsers[name]:
                if matches(row["call"], path(), dotted(func)):
                    row.hit()
                    return structured(all_args)
        if consumed:  # text(f"...{x}") was reported; execute(text(...)) is the same flow
            receiver, args = clear(receiver, consumed), [clear(a, consumed) for a in args]
            keywords = {k: clear(v, consumed) for k, v in keywords.items()}
            all_args = union(*args, *keywords.values())
        if isinstance(func, ast.Attribute) and name in self.model.unescaped_renders:
            rendered = self._unescaped_render(func, name, path, all_args)
            if rendered is not None:
                return rendered
        if isinstance(func, ast.Subscript) and isinstance(func.value, (ast.Name, ast.Attribute)):
            self._dispatch(node, func.value, args, keywords)
        summary = self.flow.summary_for_call(node, self.scope, path) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if summary is not None:
            return self._apply_summary(node, summary, args, keywords)
        if all_args and isinstance(func, (ast.Name, ast.Attribute)):
            self._note_outgoing(node, path(), args, keywords)
        if isinstance(func, ast.Attribute):
            return self._method_result(node, func, receiver, args, all_args, env)
        if isinstance(func, ast.Name):
            if func.id in _PROPAGATING_BUILTINS or func.id[:1].isupper():
                return all_args
            if path() == func.id:  # another builtin: len, print, isinstance...
                return CLEAN
        return all_args

    def _method_result(
        self, node: ast.Call, func: ast.Attribute, receiver: frozenset[Label], args: list, all_args: frozenset[Label], env: Env
    ) -> frozenset[Label]:
        if receiver:
            if func.attr in _MUTATORS:
                self._weak_update(func.value, all_args, env)
            removed = self._replaced_away(node) if func.attr == "replace" else ()
            return union(clear(receiver, removed) if removed else receiver, all_args)
        if func.attr in _MUTATORS:
            self._weak_update(func.value, all_args, env)
            return CLEAN
        constant = self._const_text(func.value)
        if constant is not None:  # "...".format(x), ", ".join(xs)
            if func.attr in ("format", "format_map"):
                args = [self._after_prefix(a, constant.split("{", 1)[0]) for a in args]
                all_args = union(*args, *([all_args] if node.keywords else []))
            return mark(all_args, self._kinds(constant), built=True)
        if func.attr in _PROPAGATING_METHODS or self._is_module_function(func):
            return all_args
        if isinstance(func.value, ast.Name) and func.value.id in _PROPAGATING_BUILTINS:
            return all_args  # bytes.fromhex(x), str.join(sep, parts)
        return CLEAN

    def _replaced_away(self, node: ast.Call) -> tuple[str, ...]:
        """``name.replace("'", "&apos;")``: every occurrence of one character replaced by text
        without it leaves a value holding none, the same fact as a check rejecting that
        character (``[[taint_rejected_text]]``: no apostrophe, no XPath literal break-out).
        Only single characters: removing ``"../"`` from ``"....//"`` makes a new one."""
        if len(node.args) != 2 or node.keywords:
            return ()
        old, new = (string_value(a) for a in node.args)
        if old is None or new is None or len(old) != 1 or old in new:
            return ()
        row = self.model.rejections.get(old)
        if row is None:
            return ()
        row.hit()
        return tuple(row["clears"])

    def _is_module_function(self, func: ast.Attribute) -> bool:
        """``os.path.join``/``json.loads``: a lower-case chain rooted at an imported module."""
        parts = []
        current: ast.AST = func.value
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            return False
        target = self.doc.names.import_target(current.id, self.scope)
        if target is None:
            return False
        return all(p[:1].islower() for p in [*parts, target.rsplit(".", 1)[-1]])

    def _selects_records(self, node: ast.Call, name: str, path: Callable[[], str | None], receiver: frozenset[Label]) -> bool:
        """``records.filter(title__icontains=q)`` on records read from the database: the result
        holds stored data, whatever chose it (``q`` is the query's bound parameter, not text
        of the records). Only for receivers carrying stored data alone, so a method of the
        same name on request data keeps its taint."""
        rows = self.model.record_selectors.get(name)
        if not rows or not receiver or not isinstance(node.func, ast.Attribute):
            return False
        if not all(label.origin.stored for label in receiver):
            return False
        for row in rows:
            if matches(row["call"], path(), dotted(node.func)):
                row.hit()
                return True
        return False

    def _sanitizer(self, node: ast.Call, name: str, path: Callable[[], str | None]) -> tuple[str, ...] | None:
        rows = self.model.sanitizers.get(name)
        if rows:
            written = dotted(node.func) or (f"?.{name}" if isinstance(node.func, ast.Attribute) else None)
            for row in rows:
                if matches(row["call"], path(), written):
                    row.hit()
                    return tuple(row["clears"])
        if self.flow.extra_sanitizers and self._configured_sanitizer(path(), dotted(node.func)):
            return ("*",)
        return None

    def _converted_get(self, node: ast.Call, func: ast.Attribute) -> tuple[str, ...] | None:
        """``request.args.get("id", type=int)``: werkzeug converts the value (or gives the
        default), so the result is what the converter makes safe."""
        if func.attr not in ("get", "getlist"):
            return None
        converter = next((kw.value for kw in node.keywords if kw.arg == "type"), None)
        if not isinstance(converter, (ast.Name, ast.Attribute)):
            return None
        rows = self.model.sanitizers.get(self._call_name(converter))
        resolved, written = self.doc.names.resolve(converter, self.scope), dotted(converter)
        for row in rows or ():
            if matches(row["call"], resolved, written):
                row.hit()
                return tuple(row["clears"])
        return None

    def _item_sanitized(self, value: ast.AST | None, index: int, count: int | None = None) -> tuple[str, ...]:
        """What item ``index`` of the tuple ``value`` returns is safe for, when ``value`` is a
        call with an item sanitizer (``os.path.splitext(name)[1]``, ``stem, ext = splitext(name)``)."""
        if not isinstance(value, ast.Call):
            return ()
        rows = self.model.item_sanitizers.get(self._call_name(value.func))
        if not rows:
            return ()
        resolved, written = self.doc.names.resolve(value.func, self.scope), dotted(value.func)
        for row in rows:
            size = count or row.get("items")
            position = index + size if index < 0 and size else index
            if position == row["position"] and matches(row["call"], resolved, written):
                row.hit()
                return tuple(row["clears"])
        return ()

    def _configured_sanitizer(self, resolved: str | None, written: str | None) -> bool:
        """A ``sanitizers`` name from the config: exact, or the tail of the resolved path
        (module names depend on where the scan starts)."""
        for name in self.flow.extra_sanitizers:
            if name in (resolved, written) or (resolved is not None and resolved.endswith("." + name)):
                return True
        return False

    def _unescaped_render(
        self, func: ast.Attribute, name: str, path: Callable[[], str | None], values: frozenset[Label],
    ) -> frozenset[Label] | None:
        """``Template("<p>{{ x }}</p>").render(x=data)``: the data, now inside the template's
        text (HTML, so returning it is XSS); None when this is not such a render."""
        for row in self.model.unescaped_renders[name]:
            if not matches(row["call"], path(), dotted(func)):
                continue
            template = self._bound_value(func.value)
            if self._enables_option(template, row.get("escaping_option")):
                return values  # an escaping template: nothing new to note
            source = template.args[0] if isinstance(template, ast.Call) and template.args else None
            row.hit()
            return mark(values, self._text_kinds(source) if source is not None else (), built=True)
        return None

    def _dispatch(self, node: ast.Call, table: ast.Name | ast.Attribute, args: list, keywords: dict) -> None:
        """``TABLE[key](...)``: a call to every function of a dispatch table, this module's
        (their summaries apply here) or another's (noted for that file, as ``TABLE[]``)."""
        entries = self.flow.tables.get(table.id) if isinstance(table, ast.Name) else None
        if entries and self.doc.names.binding(table.id, self.scope) is None:
            for entry in entries:
                self._apply_summary(node, self.flow.function(self.flow.functions[entry]).summary, args, keywords)
            return
        path = self.doc.names.resolve(table, self.scope)
        if path and "." in path and "()" not in path:
            self._note_outgoing(node, f"{path}[]", args, keywords)

    def _apply_summary(self, node: ast.Call, summary: Summary, args: list, keywords: dict) -> frozenset[Label]:
        offset = 1 if summary.method and isinstance(node.func, ast.Attribute) else 0

        def arg_of(param: int) -> ast.AST | None:
            index = param - offset
            if 0 <= index < len(node.args):
                return node.args[index]
            name = summary.params[param] if 0 <= param < len(summary.params) else None
            return next((kw.value for kw in node.keywords if kw.arg == name), None)

        def taint_of(param: int) -> frozenset[Label]:
            index = param - offset
            found = args[index] if 0 <= index < len(args) else CLEAN
            if 0 <= param < len(summary.params) and summary.params[param] in keywords:
                found = union(found, keywords[summary.params[param]])
            return found

        for sink in summary.sinks:
            value = taint_of(sink.param)
            if value:
                self._record_via(node, sink, value, arg_of(sink.param), summary)
        result = [frozenset({Label(origin, cleared)}) for origin, cleared in summary.sources]
        for ret in summary.returns:
            value = taint_of(ret.param)
            if value:
                result.append(mark(clear(value, ret.cleared) if ret.cleared else value, ret.text, ret.built))
        return union(*result)

    # -- sinks ----------------------------------------------------------------------


class _WatchingWalker(_Walker):
    """A walker that also notes the taint of the expressions the flow watches (used only
    when some are watched, so ordinary analyses pay nothing)."""

    def expr(self, node: ast.AST | None, env: Env) -> frozenset[Label]:
        value = super().expr(node, env)
        if node is not None and id(node) in self.flow.watch:
            self.flow.watched[id(node)] = union(self.flow.watched.get(id(node), CLEAN), value)
        return value
