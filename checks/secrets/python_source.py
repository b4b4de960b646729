"""Secrets in Python source: string literals and the names that hold them.

A literal's context gives its name: the target of an assignment (``API_KEY = ...``,
``app.config["SECRET_KEY"] = ...``, ``stripe.api_key = ...``), a keyword argument, a dict
key, a parameter default, the other side of ``==``, a credential argument of a known call
(``server.login(user, "...")``) or the variable an environment read falls back from
(``os.getenv("TOKEN", "...")``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .. import deadline
from ..source import SourceDoc
from ..syntax import dotted, matches_call, string_value
from .catalog import Catalog
from .classify import Verdict, anonymous_formats, classify
from .naming import secret_kind

#: Calls that read the environment; a literal second argument is a fallback default.
_ENV_READS = ("os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config", "os.getenvb")


#: Shorter literals are never judged (checked before anything else: most strings are short).
_MIN_LENGTH = 6


@dataclass(frozen=True)
class Literal:
    node: ast.Constant | ast.BinOp | ast.JoinedStr
    value: str
    name: str | None = None
    owner: str | None = None
    kind_hint: str | None = None
    #: ``owner`` is the object whose attribute holds the value (always part of the env name).
    qualify: bool = False
    #: A docstring: only key formats and private keys count there.
    documentation: bool = False
    #: The node a fix replaces (the literal, or the whole env read for a fallback).
    target: ast.AST | None = None
    fallback: bool = False
    is_bytes: bool = False
    #: A field default of a pydantic ``BaseSettings`` class (the fix drops the default).
    settings_field: bool = False


def scan(doc: SourceDoc, catalog: Catalog) -> Iterator[tuple[Literal, Verdict]]:
    """Every secret literal of ``doc`` with its verdict."""
    assert doc.tree is not None
    docstrings: set[int] = set()
    folded: dict[int, str | bytes | None] = {}
    for index, node in enumerate(doc.nodes):  # breadth first: a body's owner comes before its docstring
        if not index & 255:
            deadline.check()
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstrings.update(_docstring_id(node))
        literal: Literal | None = None
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            if len(node.value) >= _MIN_LENGTH and not _in_concatenation(doc, node, folded):
                literal = _literal(doc, node, catalog, id(node) in docstrings, node.value)
        elif isinstance(node, ast.BinOp) and not _in_concatenation(doc, node, folded):
            value = _concatenated(node, folded)
            if value is not None:
                literal = _literal(doc, node, catalog, False, value)
        elif isinstance(node, ast.JoinedStr):
            literal = _fstring(doc, node)
        if literal is None:
            continue
        verdict = classify(literal.value, literal.name, catalog, literal.owner, literal.kind_hint, literal.qualify, literal.documentation)
        if verdict is not None:
            yield literal, verdict


def _docstring_id(node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> list[int]:
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return [id(first.value)]
    return []


def _text(value: str | bytes) -> str | None:
    if isinstance(value, str):
        return value
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        return None


def _concatenated(node: ast.AST, folded: dict[int, str | bytes | None]) -> str | bytes | None:
    """The value of ``"whsec_" + "5h2w..."`` (keys split to dodge push protection).

    Folded without recursion (generated code chains thousands of ``+``), remembering every
    sub-chain's value in ``folded`` so that asking again for a part costs nothing.
    """
    stack: list[tuple[ast.AST, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if id(current) in folded:
            continue
        if isinstance(current, ast.Constant) and isinstance(current.value, (str, bytes)):
            folded[id(current)] = current.value
        elif not (isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add)):
            folded[id(current)] = None
        elif not children_done:
            stack += [(current, True), (current.right, False), (current.left, False)]
        else:
            left, right = folded[id(current.left)], folded[id(current.right)]
            same = left is not None and right is not None and type(left) is type(right)
            folded[id(current)] = left + right if same else None  # type: ignore[operator]
    return folded[id(node)]


def _in_concatenation(doc: SourceDoc, node: ast.AST, folded: dict[int, str | bytes | None]) -> bool:
    """``node`` is part of a larger all-literal ``+`` chain (judged as a whole)."""
    parent = doc.parent(node)
    return isinstance(parent, ast.BinOp) and _concatenated(parent, folded) is not None


#: A word, maybe with separators or a sigil (``"#bygroup"``, ``"environment"``, ``"end-of-line"``):
#: compared with a variable, it is a keyword the code dispatches on, not a credential.
_KEYWORD = re.compile(r"[#@$%:./_-]{0,3}[A-Za-z]+(?:[._:/ -][A-Za-z]+)*[#@$%:./_-]{0,3}")


def _literal(doc: SourceDoc, node: ast.Constant | ast.BinOp, catalog: Catalog, docstring: bool, raw: str | bytes) -> Literal | None:
    value = _text(raw)
    parent = doc.parent(node)
    if value is None or len(value) < _MIN_LENGTH or isinstance(parent, ast.JoinedStr):
        return None
    if docstring:
        return Literal(node, value, documentation=True)
    slot = _slot(doc, parent, node)
    if isinstance(parent, ast.Dict) and slot[0] == "keys":
        return Literal(node, value)  # anonymous: no name, nothing to replace
    is_bytes = isinstance(raw, bytes)
    if isinstance(parent, ast.Call) and slot[0] == "args":
        reader = _env_read_name(doc, parent, node)
        if reader is not None:
            return Literal(node, value, reader, target=parent, fallback=True, is_bytes=is_bytes)
    if isinstance(parent, ast.keyword) and parent.arg == "default":
        call = doc.parent(parent)
        if isinstance(call, ast.Call) and is_env_read(doc, call) and call.args and string_value(call.args[0]):
            return Literal(node, value, string_value(call.args[0]), target=call, fallback=True, is_bytes=is_bytes)
    if isinstance(parent, ast.Compare) and (_KEYWORD.fullmatch(value) or _compares_password(doc, parent, node, catalog)):
        # `token == "#bygroup"` dispatches on a keyword; `password == "..."` is CW206's
        # (checks/secrets/weak.py): anonymous, only key formats count.
        return Literal(node, value)
    name, owner, hint = _context(doc, node, parent, catalog)
    qualify = isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and owner is not None
    if isinstance(parent, ast.AnnAssign) and _is_settings_field(doc, parent):
        return Literal(node, value, name, owner, hint, qualify, target=parent, is_bytes=is_bytes, settings_field=True)
    if isinstance(parent, ast.Assign) and isinstance(parent.targets[0], ast.Subscript) and doc.resolve(parent.targets[0].value) == "os.environ":
        return Literal(node, value, name, owner, hint, qualify, target=None)  # setting the env itself: no rewrite
    return Literal(node, value, name, owner, hint, qualify, target=node, is_bytes=is_bytes)


def _is_settings_field(doc: SourceDoc, statement: ast.AnnAssign) -> bool:
    """``field: str = "..."`` in a pydantic(-settings) ``BaseSettings`` subclass."""
    owner = doc.parent(statement)
    if not isinstance(owner, ast.ClassDef) or not isinstance(statement.target, ast.Name):
        return False
    return any((doc.resolve(base) or dotted(base) or "").endswith("BaseSettings") for base in owner.bases)


def _context(doc: SourceDoc, node: ast.AST, parent: ast.AST | None, catalog: Catalog) -> tuple[str | None, str | None, str | None]:
    """(name holding the literal, owner for env naming, kind from a known call argument)."""
    if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
        return _target_name(target), _target_owner(target), None
    if isinstance(parent, ast.NamedExpr):
        return _target_name(parent.target), None, None
    if isinstance(parent, ast.keyword):
        call = doc.parent(parent)
        hint = _argument_kind(doc, call, None, parent.arg, catalog) if isinstance(call, ast.Call) else None
        return parent.arg, _owner(doc, parent), hint
    field, index = _slot(doc, parent, node)
    if isinstance(parent, ast.Dict):
        if field == "values":
            return string_value(parent.keys[index]), _owner(doc, parent), None
    if isinstance(parent, ast.arguments):
        return _parameter_name(doc, parent, node), None, None
    if isinstance(parent, ast.Compare):
        return _compared_name(doc, parent, node), None, None
    if isinstance(parent, ast.Call) and field == "args":
        if _is_secret_wrapper(parent) and len(parent.args) == 1:
            # SecretStr("...") takes the name of whatever holds the wrapper.
            return _context(doc, parent, doc.parent(parent), catalog)
        hint = _argument_kind(doc, parent, index, None, catalog)
        # Key-value calls: config.set("db", "password", "..."), r.hset("creds", "api_key", "...").
        last = index == len(parent.args) - 1 and index > 0
        previous = string_value(parent.args[index - 1]) if last and hint is None else None
        plain = previous is not None and previous.replace("-", "_").replace(".", "_").isidentifier()
        name = previous if plain and secret_kind(previous, catalog) else None
        return name, _owner(doc, parent) or _receiver(parent), hint
    if isinstance(parent, ast.Tuple):
        keyword = doc.parent(parent)
        call = doc.parent(keyword) if keyword is not None else None
        if isinstance(keyword, ast.keyword) and isinstance(call, ast.Call):
            hint = _argument_kind(doc, call, None, keyword.arg, catalog, element=index)
            return None, _owner(doc, call) or _receiver(call), hint
    return None, None, None


def _slot(doc: SourceDoc, parent: ast.AST | None, node: ast.AST) -> tuple[str, int]:
    """Which list field of ``parent`` holds ``node``, and at which index (``("", -1)`` if
    none).

    One table per parent, built once per document: searching the list for each of its
    elements made a 45,000-entry dict literal quadratic (174 s).
    """
    if parent is None:
        return "", -1
    tables: dict[int, dict[int, tuple[str, int]]] = doc.memo.setdefault("secrets.slots", {})  # type: ignore[assignment]
    table = tables.get(id(parent))
    if table is None:
        table = {}
        for name, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    table[id(item)] = (name, index)
        tables[id(parent)] = table
    return table.get(id(node), ("", -1))


def _compared_name(doc: SourceDoc, compare: ast.Compare, node: ast.AST) -> str | None:
    """The first name a literal is compared with (``token == "..."``), computed once per
    comparison (a chain of 25,000 operands compared each literal with all the others).

    Only equality names a value: ``"x" in token`` tests membership, it is no credential.
    """
    names: dict[int, list[tuple[int, str]]] = doc.memo.setdefault("secrets.compared", {})  # type: ignore[assignment]
    found = names.get(id(compare))
    if found is None:
        found = []
        if all(isinstance(op, (ast.Eq, ast.NotEq)) for op in compare.ops):
            operands = [compare.left, *compare.comparators]
            found = [(id(o), n) for o in operands if (n := _target_name(o))][:2]
        names[id(compare)] = found
    return next((name for key, name in found if key != id(node)), None)


def _compares_password(doc: SourceDoc, compare: ast.Compare, node: ast.AST, catalog: Catalog) -> bool:
    match = secret_kind(_compared_name(doc, compare, node), catalog)
    return match is not None and match.kind == "password"


def _is_secret_wrapper(call: ast.Call) -> bool:
    """pydantic ``SecretStr`` / ``SecretBytes`` and similar ``Secret(...)`` wrappers."""
    written = dotted(call.func) or ""
    return written.rsplit(".", 1)[-1] in ("SecretStr", "SecretBytes", "Secret")


def _argument_kind(doc: SourceDoc, call: ast.Call, index: int | None, keyword: str | None, catalog: Catalog, element: int | None = None) -> str | None:
    for row in catalog.arguments:
        if row.get("element") != element:
            continue
        by_index = index is not None and row.get("index") == index
        by_keyword = keyword is not None and row.get("keyword") == keyword
        if (by_index or by_keyword) and matches_call(doc, call, row["call"]):
            row.hit()
            return str(row["kind"])
    return None


def is_env_read(doc: SourceDoc, call: ast.Call) -> bool:
    return any(matches_call(doc, call, path) for path in _ENV_READS)


def _env_read_name(doc: SourceDoc, call: ast.Call, node: ast.AST) -> str | None:
    """The variable name when ``node`` is the fallback of ``os.getenv("NAME", node)``."""
    if len(call.args) >= 2 and call.args[1] is node and is_env_read(doc, call):
        return string_value(call.args[0])
    return None


def _target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return string_value(target.slice)
    return None


def _target_owner(target: ast.AST) -> str | None:
    """``stripe`` for ``stripe.api_key = ...`` (qualifies a generic env var name)."""
    if isinstance(target, ast.Attribute):
        written = dotted(target.value)
        return written.rsplit(".", 1)[-1] if written else None
    return None


def _owner(doc: SourceDoc, node: ast.AST) -> str | None:
    """The variable a dict or call expression is assigned to (``DB_CONFIG = {...}``)."""
    for ancestor in doc.ancestors(node):
        if isinstance(ancestor, (ast.Assign, ast.AnnAssign)):
            target = ancestor.targets[0] if isinstance(ancestor, ast.Assign) else ancestor.target
            return _target_name(target)
        if not isinstance(ancestor, (ast.Dict, ast.Call, ast.keyword, ast.Tuple, ast.List)):
            return None
    return None


def _receiver(call: ast.Call) -> str | None:
    """``server`` for ``server.login(...)``: qualifies the env var name of an argument."""
    if isinstance(call.func, ast.Attribute):
        written = dotted(call.func.value)
        return written.rsplit(".", 1)[-1] if written else None
    return None


def _parameter_name(doc: SourceDoc, arguments: ast.arguments, node: ast.AST) -> str | None:
    field, index = _slot(doc, arguments, node)
    if field == "defaults":  # the defaults belong to the last positional parameters
        position = len(arguments.posonlyargs) + len(arguments.args) - len(arguments.defaults) + index
        only = len(arguments.posonlyargs)
        return (arguments.posonlyargs[position] if position < only else arguments.args[position - only]).arg
    if field == "kw_defaults":
        return arguments.kwonlyargs[index].arg
    return None


def _fstring(doc: SourceDoc, node: ast.JoinedStr) -> Literal | None:
    """An f-string's literal text with ``{}`` for each interpolation (URL passwords only)."""
    parts = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            parts.append(part.value)
        else:
            parts.append("{}")
    text = "".join(parts)
    if "://" not in text or "@" not in text:
        return None
    return Literal(node, text)


@dataclass(frozen=True)
class CommentKey:
    """A known-format key in a comment (``# old key: sk_live_...``); nothing to replace."""

    line: int
    start: int
    end: int
    verdict: Verdict


def comment_keys(doc: SourceDoc, catalog: Catalog) -> Iterator[CommentKey]:
    """Known-format keys in comments: commented-out code still leaks the key.

    A ``#`` starts a comment unless a string literal spans it. String spans come from the
    tree and are only computed once some text after a ``#`` holds a key, which is rare.
    """
    assert doc.tree is not None
    if "#" not in doc.text:
        return
    spans: dict[int, list[tuple[int, int]]] | None = None
    for line_no in range(doc.lines.line_count):
        line = doc.lines.line_text(line_no)
        first = line.find("#")
        if first < 0 or not anonymous_formats(line[first:], catalog):
            continue
        if spans is None:
            spans = _string_spans(doc)
        start = _comment_start(line, spans.get(line_no, ()))
        if start is None:
            continue
        for verdict in anonymous_formats(line[start:], catalog):
            yield CommentKey(line_no, start + verdict.start, start + verdict.end, verdict)


def _string_spans(doc: SourceDoc) -> dict[int, list[tuple[int, int]]]:
    """Per line, the columns covered by string literals (whole lines inside multi-line ones)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for node in doc.nodes:
        if isinstance(node, (ast.JoinedStr, ast.Constant)) and isinstance(getattr(node, "value", None), (str, bytes, list)):
            rng = doc.range_of(node)
            for line in range(rng.start.line, rng.end.line + 1):
                begin = rng.start.column if line == rng.start.line else 0
                end = rng.end.column if line == rng.end.line else 1 << 30
                spans.setdefault(line, []).append((begin, end))
    return spans


def _comment_start(line: str, strings: Iterable[tuple[int, int]]) -> int | None:
    position = line.find("#")
    while position >= 0:
        if not any(begin <= position < end for begin, end in strings):
            return position
        position = line.find("#", position + 1)
    return None
