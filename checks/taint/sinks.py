"""Sinks: where the flow walker records tainted data reaching harm.

Call sinks come from ``[[taint_sinks]]`` rows (with their argument position, keyword, safe
arguments and receivers); subscript assignments to the session and values returned from
routes are sinks too. A parameter reaching a sink becomes part of the function's summary;
request data reaching one becomes a :class:`SinkHit`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import replace
from ..knowledge import Row
from ..syntax import dotted, string_value
from .labels import CLEAN, IN_NAME, ONE_SEGMENT, Label, live, union
from .model import candidates, matches
from .summaries import OutgoingCall, ParamSink, Summary

from .hits import Incoming, SinkHit

#: Sinks that locate what they return (a file, a URL): their result is not the input.
_LOCATOR_CATEGORIES = frozenset({"path", "ssrf"})
#: Categories that are one flaw: markup reported at `mark_safe` is not reported again as HTML.
#: Exception classes: a module-wide sink pattern (``requests.*``) also names them.
_EXCEPTION_CLASS = re.compile(r"^[A-Z]\w*(?:Error|Exception|Warning)$")
_SAME_FLAW = {"markup": ("html",), "html": ("markup",), "code": ("html", "markup")}


class SinkMixin:
    """Sink checks for the flow walker (needs ``doc``, ``model``, ``scope``, ``func``, ``flow``,
    ``hits``, ``param_sinks`` and ``_reported``)."""

    def _check_session(self, target: ast.Subscript, value: frozenset[Label], key: frozenset[Label]) -> None:
        """``session[key] = value``: a key the user chooses is always a flaw (it can overwrite
        the user id); a user value only under a key the server trusts for who the caller is
        or may do (the row's ``trusted_keys``: ``user_id``, ``role``, ``is_admin``). A theme,
        a search filter or the language the user picked are theirs to choose."""
        base = target.value
        rows = self.model.sinks.get(base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", ""))
        if not rows or not (value or key):
            return
        resolved, written = self.doc.names.resolve(base, self.scope), dotted(base)
        for row in rows:
            if row["category"] == "session" and matches(row["call"], resolved, written):
                if not key and not _trusted_key(string_value(target.slice), row.get("trusted_keys")):
                    return
                self._record(row, "session", written or "session", target, None, target, union(value, key))
                return

    def _check_sinks(self, node: ast.Call, name: str, path: Callable[[], str | None], receiver, args, keywords, env) -> tuple[str, ...]:
        """Record a hit if ``node`` is a sink fed with live taint; the categories consumed."""
        rows = candidates(self.model.sinks, name) if isinstance(node.func, ast.Attribute) else self.model.sinks.get(name)
        if not rows or _EXCEPTION_CLASS.search(name):
            return ()  # `requests.RequestException(f"... {url}")` builds an error, it fetches nothing
        written = dotted(node.func) or (f"?.{name}" if isinstance(node.func, ast.Attribute) else None)
        for row in rows:
            if row["category"] == "session" or not matches(row["call"], path(), written):
                continue
            if not self._sink_applies(node, row):
                continue
            index = row.get("arg", 0)
            if index == -1:
                value, arg = receiver, node.func.value if isinstance(node.func, ast.Attribute) else None
            else:
                value, arg = (args[index], node.args[index]) if index < len(node.args) else (CLEAN, None)
                if "keyword" in row and row["keyword"] in keywords:
                    value = keywords[row["keyword"]]
                    arg = next(kw.value for kw in node.keywords if kw.arg == row["keyword"])
            if arg is None and not row.get("untainted"):
                continue
            if row["category"] == "html" and isinstance(arg, ast.Tuple) and arg.elts:
                # make_response((body, status, headers)): only the body is the page
                arg = arg.elts[0]
                value = self.expr(arg, dict(env))
            if row.get("json_containers") and isinstance(arg, _JSON_SHAPES):
                continue  # make_response({...}): Flask serialises a dict or list as JSON
            if row["category"] == "nosql":
                value = self._nosql_relevant(arg, value)
            shown = written if written and not written.startswith("?.") else f".{name}"
            recorded = self._record(row, row["category"], shown, node, node, arg, value)
            return (row["category"], *_SAME_FLAW.get(row["category"], ())) if recorded else ()
        return ()

    def _is_locator(self, node: ast.Call, name: str, path: Callable[[], str | None]) -> bool:
        """A file or network read whose argument only says where to look (``open(name)``,
        ``requests.get(url)``): what it returns is the content found there, not the input."""
        rows = candidates(self.model.sinks, name) if isinstance(node.func, ast.Attribute) else self.model.sinks.get(name)
        if not rows:
            return False
        written = dotted(node.func) or (f"?.{name}" if isinstance(node.func, ast.Attribute) else None)
        return any(row["category"] in _LOCATOR_CATEGORIES and matches(row["call"], path(), written) for row in rows)

    def _sink_applies(self, node: ast.Call, row: Row) -> bool:
        if row["category"] == "html" and _declares_non_html(node):
            return False
        if "entity_parser" in row and not self._loads_external_entities(node, row["entity_parser"], row.get("entity_parser_keyword")):
            return False
        receivers = row.get("safe_receivers")
        if receivers and isinstance(node.func, ast.Attribute):
            receiver = self.doc.names.resolve(node.func.value, self.scope) or ""
            if receiver.removesuffix("()") in receivers:
                return False
        if row.get("instance_only") and isinstance(node.func, ast.Attribute) and _names_a_class(self, node.func.value):
            return False
        required = row.get("requires_keyword")
        if required is not None:
            kw = next((k for k in node.keywords if k.arg == required), None)
            enabled = kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value is True
            if not enabled and not (required == "shell" and node.args and self._runs_shell(node.args[0])):
                return False
        safe = row.get("safe_keyword")
        if safe is not None:
            value = next((k.value for k in node.keywords if k.arg == safe), None)
            position = row.get("safe_position", -1)
            if value is None and 0 <= position < len(node.args):
                value = node.args[position]
            if value is not None:
                allowed = row.get("safe_values")
                if allowed is None:
                    return self._enables_option(value, row.get("unsafe_option"))
                resolved = self.doc.names.resolve(value, self.scope)
                constant = repr(value.value) if isinstance(value, ast.Constant) else None
                if resolved in allowed or dotted(value) in allowed or constant in allowed:
                    return False
        return True

    def _loads_external_entities(self, node: ast.Call, position: int, keyword: str | None) -> bool:
        """Whether the SAX parser a standard-library parse uses was told to load external
        entities: ``parser.setFeature(feature_external_ges, True)`` in this scope (without it,
        minidom, pulldom and sax fetch no external entity)."""
        if position == -1:
            parser = node.func.value if isinstance(node.func, ast.Attribute) else None
        else:
            parser = node.args[position] if position < len(node.args) else None
            parser = next((kw.value for kw in node.keywords if kw.arg == keyword), parser)
        if not isinstance(parser, ast.Name):
            return False
        return any(
            isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "setFeature"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == parser.id and len(call.args) == 2
            and _is_external_entities(call.args[0]) and isinstance(call.args[1], ast.Constant) and call.args[1].value is True
            for call in ast.walk(self.scope)
        )

    def _runs_shell(self, argv: ast.AST) -> bool:
        """``["sh", "-c", command]``: a shell reads the command text even without shell=True."""
        items = self.constant_items(argv, 2)  # type: ignore[attr-defined]
        if len(items) < 2 or not isinstance(items[1], str) or items[1].lower() not in ("-c", "/c", "-command"):
            return False
        if not isinstance(items[0], str):  # a program picked per platform (cmd.exe or sh)
            return True
        program = items[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
        return program.removesuffix(".exe") in _SHELLS

    def _bound_value(self, value: ast.AST) -> ast.AST:
        """What a name holds (its single binding in this scope or the module), else ``value``."""
        if isinstance(value, ast.Name):
            binding = self.doc.names.binding(value.id, self.scope) or self.doc.names.binding(value.id)
            return binding if isinstance(binding, ast.AST) else value
        return value

    def _enables_option(self, value: ast.AST, option: str | None) -> bool:
        """Whether ``value`` (or what a local name holds) is a call setting ``option=True``."""
        if option is None:
            return False
        value = self._bound_value(value)
        if not isinstance(value, ast.Call):
            return False
        return any(kw.arg == option and isinstance(kw.value, ast.Constant) and kw.value.value is True for kw in value.keywords)

    def _nosql_relevant(self, arg: ast.AST, value: frozenset[Label]) -> frozenset[Label]:
        """Operator injection needs parsed JSON, or any data in a ``$where``-style clause."""
        if isinstance(arg, ast.Dict) and any(string_value(k) in ("$where", "$function", "$accumulator") for k in arg.keys):
            return value
        return frozenset(label for label in value if label.origin.structured)

    def _record(self, row: Row | None, category: str, sink: str, where: ast.AST, call: ast.AST | None, arg: ast.AST | None, value) -> bool:
        """Note a sink reached by ``value``; True when live taint reached it."""
        labels = live(value, category)
        needs = row.get("needs_text") if row is not None else None
        if needs:  # a parameter may still become SQL text in the caller: keep it for the summary
            labels = [label for label in labels if needs in label.text or not label.origin.proven]
        untainted = row is not None and row.get("untainted", False)
        if not labels and not untainted:
            return False
        key = (id(where), category)
        if key in self._reported:
            return bool(labels)
        self._reported.add(key)
        proven = tuple(label for label in labels if label.origin.proven)
        symbolic = [label for label in labels if not label.origin.proven]
        for label in symbolic:
            direct = isinstance(arg, ast.Name) and arg.id == label.origin.name and not label.steps
            self.param_sinks.append(
                ParamSink(label.origin.param, category, sink, self.doc.range_of(where), self.doc.path,
                          self.func.name if self.func else "", "" if not needs or needs in label.text else needs,
                          label.steps, direct, row.get("confidence", "") if row is not None else "", label.keys,
                          IN_NAME in label.cleared)
            )
        reported = proven or tuple(label for label in symbolic if label.built and (not needs or needs in label.text))
        if reported or untainted:  # an `untainted` sink is reported whatever reaches it
            if row is not None:
                row.hit()
            self.hits.append(SinkHit(category, sink, where, call, arg, reported, self.func, row))
        elif symbolic:
            self.hits.append(SinkHit(category, sink, where, call, arg, tuple(symbolic), self.func, row, latent=True))
        return bool(labels)

    def _record_via(self, node: ast.Call, sink: ParamSink, value: frozenset[Label], arg: ast.AST | None, summary: Summary) -> None:
        labels = live(value, sink.category)
        if sink.keys_only:
            labels = [label for label in labels if not label.held]
        if sink.in_name and sink.category == "path":
            labels = [label for label in labels if ONE_SEGMENT not in label.cleared]
        if sink.needs_text:
            labels = [label for label in labels if sink.needs_text in label.text or not label.origin.proven]
        if not labels:
            return
        for label in labels:
            if not label.origin.proven:
                needs = "" if sink.needs_text in label.text else sink.needs_text
                direct = sink.direct and isinstance(arg, ast.Name) and arg.id == label.origin.name and not label.steps
                self.param_sinks.append(
                    replace(sink, param=label.origin.param, steps=label.steps + sink.steps, needs_text=needs, direct=direct,
                            keys_only=sink.keys_only or label.keys, in_name=sink.in_name or IN_NAME in label.cleared)
                )
        proven = tuple(label for label in labels if label.origin.proven)
        if not proven:
            return
        if not sink.direct and sink.path == summary.path:
            # The callee builds the dangerous value: report at its sink, where the fix goes.
            if summary.path == self.doc.path:
                self.flow.incoming.append(
                    Incoming(summary.name, sink.param, "", proven, self.doc.path, self.doc.range_of(node), self._name())
                )
            return
        key = (id(node), sink.category)
        if key not in self._reported:
            self._reported.add(key)
            self.hits.append(SinkHit(sink.category, sink.sink, node, None, None, proven, self.func, None, via=sink))

    def _name(self) -> str:
        return self.func.name if self.func is not None else "<module>"

    def _note_outgoing(self, node: ast.Call, path: str | None, args: list, keywords: dict) -> None:
        """Remember request data passed to a function this file cannot see into."""
        if path is None or "." not in path or path.endswith("()") or len(self.flow.outgoing) > 500:
            return
        passed = [(index, "", taint) for index, taint in enumerate(args)]
        passed += [(-1, name, taint) for name, taint in keywords.items() if name]
        for index, keyword, taint in passed:
            for label in taint:
                if label.origin.proven and label.cleared != frozenset({"*"}):
                    origin = label.origin if label.origin.path else replace(label.origin, path=self.doc.path)
                    self.flow.outgoing.append(
                        OutgoingCall(path, index, keyword, origin, label.text, label.cleared, label.alias,
                                     self.doc.range_of(node), self.doc.path, self._name(), label.held)
                    )

    def _check_returned_html(self, node: ast.Return, value: frozenset[Label], env) -> None:
        """A route whose returned strings are sent as HTML (Flask): any text returned is the
        page, markup in it or not; dicts and lists become JSON, response objects say
        their own type, and of a ``(body, status, headers)`` tuple only the body counts."""
        returned = node.value
        if isinstance(returned, ast.Tuple) and returned.elts:
            returned = returned.elts[0]
            value = self.expr(returned, dict(env))
        # Stored values (read back from the database) count only with markup around them:
        # they are mostly plain fields (names, labels) written by the app itself.
        as_text = _is_text(self, returned)
        value = frozenset(label for label in value if "html" in label.text or (as_text and not label.origin.stored))
        if value:
            self._record(None, "html", "the response", node.value, None, node.value, value)


def _names_a_class(walker: SinkMixin, receiver: ast.expr) -> bool:
    """``YearMonth`` in ``YearMonth.from_string(text)``: a class (capitalised, not a call's
    result), so the method is an alternative constructor, not an engine's."""
    resolved = walker.doc.names.resolve(receiver, walker.scope) or dotted(receiver) or ""  # type: ignore[attr-defined]
    return bool(resolved) and not resolved.endswith(")") and resolved.rsplit(".", 1)[-1][:1].isupper()


def _is_external_entities(feature: ast.AST) -> bool:
    """``xml.sax.handler.feature_external_ges`` (or its URI): load external general entities."""
    return (dotted(feature) or "").endswith("feature_external_ges") or string_value(feature) == _EXTERNAL_GES_URI


_EXTERNAL_GES_URI = "http://xml.org/sax/features/external-general-entities"
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "cmd", "powershell", "pwsh"})
_TYPE_KEYWORDS = frozenset({"content_type", "mimetype", "media_type"})


def _declares_non_html(call: ast.Call) -> bool:
    """``HttpResponse(text, content_type="text/csv")``: a response that says it is not HTML."""
    for kw in call.keywords:
        if kw.arg in _TYPE_KEYWORDS:
            declared = string_value(kw.value)
            return declared is not None and "html" not in declared.lower()
    return False


#: String methods: their result is text.
_TEXT_METHODS = frozenset({
    "format", "format_map", "join", "replace", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize",
    "casefold", "swapcase", "decode", "removeprefix", "removesuffix", "center", "ljust", "rjust", "zfill",
    "expandtabs", "translate",
})
#: Shapes a framework serialises as JSON.
_JSON_SHAPES = (ast.Dict, ast.List, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def _is_text(walker: SinkMixin, expr: ast.AST | None, depth: int = 0) -> bool:
    """Whether ``expr`` is (as far as its shape or its single local binding shows) a string."""
    if expr is None or isinstance(expr, _JSON_SHAPES):
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
        return True
    if isinstance(expr, ast.IfExp):
        return _is_text(walker, expr.body, depth) or _is_text(walker, expr.orelse, depth)
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute):
            return func.attr in _TEXT_METHODS
        if isinstance(func, ast.Name) and func.id == "str" and expr.args:
            return _is_text(walker, expr.args[0], depth + 1)  # str(element) of a parsed tree is its repr
        return isinstance(func, ast.Name) and func.id == "format"
    if isinstance(expr, ast.Name) and depth < 4:
        bound = walker.doc.names.binding(expr.id, walker.scope)
        return _is_text(walker, bound, depth + 1) if isinstance(bound, ast.expr) else True
    return True  # a value read from data (attribute, subscript) or of unknown shape


def _trusted_key(key: str | None, pattern: str | None) -> bool:
    """Whether a constant session key names what the server trusts the session for;
    ``userId`` and ``user-id`` read as ``user_id``. Without a pattern every key is."""
    if pattern is None:
        return True
    if key is None:
        return False
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).replace("-", "_").lower()
    return re.fullmatch(pattern, words) is not None
