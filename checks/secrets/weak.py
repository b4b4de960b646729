"""Guessable credentials: placeholder-looking literals a program really uses as credentials.

CW202 stays silent on ``"change-me"`` or ``"dev"``: they are not real secrets, so they leak
nothing. But when the program signs sessions with that key, compares a password with that
literal, or logs in to its database with it, the literal *is* the credential, and everyone
who reads the code (or guesses a default) has it. Three findings, each about how the value
is used rather than how it looks:

* CW205: a signing key (or an app password or an API key the app checks) that is a literal,
  or that falls back to one when its environment variable is unset
  (``os.environ.get("SECRET_KEY", "dev")``, ``os.getenv("X") or "dev"``);
* CW206: a password-named value compared with a literal (``if password == "admin123"``);
* CW207: a literal password given to a known connect or login call (``passwd="root"``,
  ``create_engine("mysql://root:root@db/app")``).

Literals CW202-CW204 already report (real-looking values) are left to them, so one literal
is never two findings. Like the other secrets, the value never reaches a message.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..context import RuleContext
from ..model import Confidence, Range
from ..source import SourceDoc
from ..syntax import dotted, matches_call, string_value
from .catalog import Catalog, catalog
from .detect import find_secrets, is_test_path
from .naming import normalise, secret_kind
from .python_source import is_env_read
from .values import url_password_spans

SIGNING_DEFAULT, PASSWORD_COMPARISON, CONNECT_PASSWORD = "CW205", "CW206", "CW207"
_MEMO = "secrets.weak"
#: Values that a loader substitutes (``${SECRET}``, ``{{ key }}``, ``%(pw)s``): not the credential.
_TEMPLATE = re.compile(r"^\s*(?:\$\{[^{}]*\}|\{\{[^{}]*\}\}|%\(\w+\)s|\{\w*\})\s*$")
#: Classes holding a test configuration (``TestingConfig``): their keys never sign real data.
_SENTINEL = re.compile(r"^\s*(?:not[ _-]?set|unset|missing|none|null|undefined|n/?a)\s*$", re.IGNORECASE)
_TEST_CLASS = re.compile(r"^Test|Test(?:ing)?(?:Config|Settings)$")
_DEVELOPMENT = re.compile(r"(?:[a-z]+_)?(?:debug|development|dev|testing|test|local)(?:_mode)?")
_PRODUCTION = re.compile(r"(?:[a-z]+_)?(?:production|prod)(?:_mode)?")
_CONFIG_OBJECTS = frozenset({"settings", "config", "cfg", "conf", "configuration", "app", "current_app", "options", "env", "environ"})
_PASSWORD_WORD = re.compile(r"(?:^|_)(?:password|passwd|pwd|passphrase)s?(?:_|$)")
#: A database on the developer's own machine: its default password is a weaker finding.
_LOCAL_HOST = re.compile(r"@(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/?]|$)|^(?:localhost|127\.0\.0\.1|::1)$")


@dataclass(frozen=True)
class WeakCredential:
    """One guessable credential. The value is deliberately not kept."""

    code: str
    #: What the message calls it ("signing key", "password").
    kind: str
    #: The literal.
    range: Range
    #: The variable, key, argument or call that holds or receives it, as written.
    name: str
    confidence: Confidence
    #: The environment variable a fix reads instead ("" when no fix is offered).
    env_name: str = ""
    #: The node a fix replaces with the environment read (None: no fix).
    target: ast.AST | None = None
    #: The environment variable the literal is the fallback of (None: a plain literal).
    fallback_of: str | None = None
    #: ``name`` is the call the literal is passed to, not what holds it.
    argument: bool = False


def find_weak(ctx: RuleContext) -> list[WeakCredential]:
    """Every guessable credential of the document, computed once for the three rules."""
    cached = ctx.memo.get(_MEMO)
    if cached is None:
        cached = ctx.memo[_MEMO] = _find(ctx)
    return cached  # type: ignore[return-value]


def _find(ctx: RuleContext) -> list[WeakCredential]:
    doc = ctx.doc
    if doc.tree is None or (not ctx.config.secrets_in_tests and (is_test_path(doc.path) or _test_settings(doc.path))):
        return []
    reported = {secret.range for secret in find_secrets(ctx)}
    finder = _Finder(doc, catalog(ctx.knowledge), reported)
    return sorted(finder.run(), key=lambda weak: weak.range)


def guessable(node: ast.AST | None) -> bool:
    """A non-empty string literal that is used as it is (not a template a loader fills,
    not a "NOT SET" sentinel a diagnostic prints)."""
    value = string_value(node) if node is not None else None
    return bool(value and value.strip()) and not _TEMPLATE.match(value or "") and not _SENTINEL.match(value or "")


class _Finder:
    def __init__(self, doc: SourceDoc, cat: Catalog, reported: set[Range]) -> None:
        self.doc, self.cat, self.reported = doc, cat, reported
        self._compared: set[str] | None = None

    def run(self) -> Iterator[WeakCredential]:
        for node in self.doc.nodes:
            if isinstance(node, ast.Call):
                yield from self._env_fallback(node)
                yield from self._connect(node)
                yield from self._signing_argument(node)
            elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                yield from self._or_fallback(node)
            elif isinstance(node, ast.Compare):
                yield from self._comparison(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield from self._signing_literal(node)

    # -- what the names say -------------------------------------------------------------

    def _weak_kind(self, *names: str | None) -> tuple[str, Confidence] | None:
        """The first matching ``secret_weak_names`` row for the holder, then the env var."""
        for name in names:
            norm = normalise(name) if name else ""
            for row, pattern in self.cat.weak_names:
                if norm and pattern.fullmatch(norm):
                    if row.get("compared") and name not in self.compared_names():
                        continue
                    row.hit()
                    return row["kind"], Confidence(row["confidence"])
        return None

    def compared_names(self) -> set[str]:
        """Names the file compares with something: a key the app checks, not one it sends."""
        if self._compared is None:
            self._compared = set()
            for node in self.doc.nodes:
                operands: list[ast.AST] = []
                if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) for op in node.ops):
                    operands = [node.left, *node.comparators]
                elif isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("compare_digest"):
                    operands = list(node.args)
                self._compared.update(name for o in operands if (name := _held_name(o)))
        return self._compared

    def _fresh(self, literal: ast.AST) -> bool:
        return guessable(literal) and self.doc.range_of(literal) not in self.reported

    # -- CW205 ---------------------------------------------------------------------------

    def _env_fallback(self, call: ast.Call) -> Iterator[WeakCredential]:
        if not call.args or not is_env_read(self.doc, call):
            return
        default = call.args[1] if len(call.args) > 1 else next((kw.value for kw in call.keywords if kw.arg == "default"), None)
        variable = string_value(call.args[0])
        if default is None or variable is None or not self._fresh(default):
            return
        yield from self._fallback(call, default, variable)

    def _or_fallback(self, node: ast.BoolOp) -> Iterator[WeakCredential]:
        """``os.environ.get("SECRET_KEY") or "dev"``: the literal is the fallback."""
        first, last = node.values[0], node.values[-1]
        if len(node.values) != 2 or not isinstance(first, ast.Call) or not is_env_read(self.doc, first):
            return
        variable = string_value(first.args[0]) if first.args else None
        if variable is None or len(first.args) > 1 or not self._fresh(last):
            return
        yield from self._fallback(node, last, variable)

    def _fallback(self, read: ast.AST, literal: ast.AST, variable: str) -> Iterator[WeakCredential]:
        holder = _holder_name(self.doc, read)
        if self._not_for_production(read):
            return
        in_call = isinstance(self.doc.parent(read), ast.keyword) and isinstance(self.doc.parent(self.doc.parent(read)), ast.Call)
        judged = self._weak_kind(variable, holder) if in_call else self._weak_kind(holder, variable)
        if judged is not None:
            kind, confidence = judged
            yield WeakCredential(SIGNING_DEFAULT, kind, self.doc.range_of(literal), holder or variable, confidence,
                                 env_name=variable, target=read, fallback_of=variable)

    def _signing_literal(self, node: ast.Constant) -> Iterator[WeakCredential]:
        """``SECRET_KEY = "dev"``, ``app.secret_key = "secret"``, ``JWT_SECRET = "change-me"``."""
        holder = _holder_name(self.doc, node, direct=True)
        if holder is None or not self._fresh(node) or self._not_for_production(node) or self._sets_environment(node):
            return
        judged = self._weak_kind(holder)
        if self._table_of_names(node, holder):
            return
        if judged is not None and judged[0] == "signing key":
            yield WeakCredential(SIGNING_DEFAULT, judged[0], self.doc.range_of(node), holder, judged[1],
                                 env_name=_env_var(holder), target=node)

    def _signing_argument(self, call: ast.Call) -> Iterator[WeakCredential]:
        """``jwt.encode(payload, "secret")``: a literal key handed to a signing call."""
        for row in self.cat.arguments:
            if row["kind"] != "signing key" or "element" in row:
                continue
            index, word = row.get("index"), row.get("keyword")
            literal = call.args[index] if index is not None and index < len(call.args) else None
            literal = literal or next((kw.value for kw in call.keywords if word and kw.arg == word), None)
            if literal is None or not self._fresh(literal) or not matches_call(self.doc, call, row["call"]):
                continue
            row.hit()
            yield WeakCredential(SIGNING_DEFAULT, "signing key", self.doc.range_of(literal), dotted(call.func) or row["call"],
                                 Confidence.HIGH, env_name="JWT_SECRET", target=literal, argument=True)

    def _table_of_names(self, node: ast.AST, holder: str) -> bool:
        """``SECRET = "secret"`` beside ``PASSWORD = "password"``: constants naming keys,
        not keys (one such line alone, ``SECRET_KEY = "secret-key"``, is a weak key)."""
        if normalise(string_value(node) or "") != normalise(holder):
            return False
        statement = self.doc.parent(node)
        body = getattr(self.doc.parent(statement), "body", []) if statement is not None else []
        named = [s for s in body if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)
                 and normalise(string_value(s.value) or "") == normalise(s.targets[0].id)]
        return len(named) >= 2

    def _sets_environment(self, node: ast.AST) -> bool:
        """``os.environ["SECRET_KEY"] = "demo"``: a script preparing a demo or test run."""
        parent = self.doc.parent(node)
        return (isinstance(parent, ast.Assign) and isinstance(parent.targets[0], ast.Subscript)
                and self.doc.resolve(parent.targets[0].value) == "os.environ")

    def _not_for_production(self, node: ast.AST) -> bool:
        """Inside a test configuration class or a branch taken only in debug/development
        (``if DEBUG:``, ``if ENV == "development":``); the ``else`` of such a test is not."""
        child = node
        for ancestor in self.doc.ancestors(node):
            if isinstance(ancestor, ast.ClassDef) and _TEST_CLASS.search(ancestor.name):
                return True
            if isinstance(ancestor, ast.If) and child in ancestor.body and _mentions(ancestor.test, _DEVELOPMENT):
                return True
            if isinstance(ancestor, ast.If) and child in ancestor.orelse and _mentions(ancestor.test, _PRODUCTION):
                return True  # `if production: fail or generate a key / else: dev key`
            child = ancestor
        return False

    # -- CW206 ---------------------------------------------------------------------------

    def _comparison(self, node: ast.Compare) -> Iterator[WeakCredential]:
        if not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
            return
        operands = [node.left, *node.comparators]
        names = [name for o in operands if (name := _held_name(o)) and _is_password(name, self.cat) and self._input_like(o)]
        if not names:
            return
        for operand in operands:
            value = string_value(operand)
            if value is None or not self._fresh(operand) or not _password_like(value, self.cat):
                continue
            yield WeakCredential(PASSWORD_COMPARISON, "password", self.doc.range_of(operand), names[0], Confidence.MEDIUM)

    def _input_like(self, node: ast.AST) -> bool:
        """A value the caller supplies, not the program's own configuration: config
        objects, environment reads and UPPER_CASE constants are the latter (comparing them
        with a literal checks that a default was changed)."""
        if isinstance(node, ast.Name):
            return not node.id.isupper()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_env_read(self.doc, node):
            return False
        root = node
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            root = root.func if isinstance(root, ast.Call) else root.value
        written = dotted(root) or ""
        if written == "os" or self.doc.resolve(root) in ("os.environ", "django.conf.settings"):
            return False
        return normalise(written) not in _CONFIG_OBJECTS and not (isinstance(node, ast.Attribute) and node.attr.isupper())

    # -- CW207 ---------------------------------------------------------------------------

    def _connect(self, call: ast.Call) -> Iterator[WeakCredential]:
        if not call.args and not call.keywords:
            return
        for row in self.cat.connect_calls:
            index, word = row.get("index"), row.get("keyword")
            literal = call.args[index] if index is not None and index < len(call.args) else None
            literal = literal or next((kw.value for kw in call.keywords if word and kw.arg == word), None)
            if literal is None or not self._fresh(literal) or not matches_call(self.doc, call, row["call"]):
                continue
            value = string_value(literal) or ""
            if word is None and "://" in value:
                spans = url_password_spans(value)
                if not spans or _TEMPLATE.match(value[spans[0][0] : spans[0][1]]):
                    continue
            elif word is None and row["call"] != "*.login":
                continue  # a positional URL without a password
            row.hit()
            written = dotted(call.func) or row["call"]
            host = value if word is None else string_value(next((kw.value for kw in call.keywords if kw.arg in ("host", "server")), None))
            local = host is not None and _LOCAL_HOST.search(host) is not None
            yield WeakCredential(CONNECT_PASSWORD, "password", self.doc.range_of(literal), written,
                                 Confidence.LOW if local else Confidence.MEDIUM, env_name=row["env"], target=literal)
            return


def _mentions(test: ast.AST, words: re.Pattern[str]) -> bool:
    """A condition that names debug/development/testing (``DEBUG``, ``ENV == "development"``)
    or production (``FLASK_ENV == "production"``, ``_is_production``), negating nothing."""
    found = []
    for node in ast.walk(test):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return False
        if isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
    return any(words.fullmatch(normalise(word)) for word in found)


def _held_name(node: ast.AST) -> str | None:
    """The name a compared value goes by: ``password``, ``form.password.data``,
    ``request.form["password"]``, ``data.get("password")``."""
    if isinstance(node, ast.Attribute) and node.attr == "data" and isinstance(node.value, ast.Attribute):
        return node.value.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return string_value(node.slice)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        return string_value(node.args[0])
    return None


def _holder_name(doc: SourceDoc, node: ast.AST, direct: bool = False) -> str | None:
    """The assignment target, keyword or dict key that receives ``node``'s value.

    ``direct``: only when ``node`` itself is the assigned value (not inside a call)."""
    parent = doc.parent(node)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
        return _held_name(target) if not isinstance(target, ast.Tuple) else None
    if isinstance(parent, ast.keyword) and parent.arg:
        return parent.arg
    if isinstance(parent, ast.Dict):
        index = _value_positions(doc, parent).get(id(node))
        if index is not None:
            return string_value(parent.keys[index])
    if not direct and isinstance(parent, ast.BoolOp):
        return _holder_name(doc, parent)
    return None


def _value_positions(doc: SourceDoc, mapping: ast.Dict) -> dict[int, int]:
    """id(value) → its index in the dict literal ``mapping``, built once per literal: asking
    ``values.index`` for each value made a generated 45,000-entry dict quadratic (minutes)."""
    cache: dict[int, dict[int, int]] = doc.memo.setdefault("weak.dict_positions", {})  # type: ignore[assignment]
    known = cache.get(id(mapping))
    if known is None:
        known = cache[id(mapping)] = {id(value): index for index, value in enumerate(mapping.values)}
    return known


def _test_settings(path: str) -> bool:
    """A settings module for test runs (``config/settings/testing.py``) or a test or
    debugging script (``final_test_chat.py``, ``debug_token.py``): their keys sign nothing
    the deployed app trusts."""
    words = set(PurePosixPath(path.replace("\\", "/")).stem.lower().split("_"))
    return bool(words & {"test", "tests", "testing", "debug"})


def _is_password(name: str, cat: Catalog) -> bool:
    """A name that says password in full (``pass_arg`` in jinja2's compiler is no password)."""
    match = secret_kind(name, cat)
    return match is not None and match.kind == "password" and _PASSWORD_WORD.search(normalise(name)) is not None


def _password_like(value: str, cat: Catalog) -> bool:
    """A literal a password could be: not a field or mode name (``"password"``,
    ``"new_password"``) and not a mask (``"********"``)."""
    if len(value) < 3 or not any(ch.isalnum() for ch in value) or len(set(value)) == 1:
        return False
    return not (value.replace("-", "_").isidentifier() and secret_kind(value, cat) is not None)


def _env_var(name: str) -> str:
    """``app.secret_key`` → ``SECRET_KEY``; ``jwtSecret`` → ``JWT_SECRET``."""
    norm = normalise(name) or "secret_key"
    return ("_" + norm if norm[0].isdigit() else norm).upper()
