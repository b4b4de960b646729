"""Guessable capabilities: tokens, reset codes, invite links and API keys an attacker can
predict — made from the clock, a MAC-address UUID, a row count, or a hash of values anyone
knows (``md5(user.email)``, ``sha256(email + str(time.time()))``).

Values using the ``random`` module are CW508's business and password hashes CW507's; an
expression with any unpredictable part (``secrets``, ``os.urandom``, ``uuid4``, a keyed
signature) is not reported unless it has fewer than 8 random bytes (``token_hex(3)``).
Only the parts that make the value count: a test choosing it (``x if len(argv) > 3``), a
truth value or a collection (a JWT's claims dict) is no token.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import deadline
from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted, string_value
from .data import glob_any, glob_matcher
from .nodes import all_nodes

#: Attributes anyone can learn about a user: hashing only these gives a guessable value.
_IDENTITY_FIELDS = frozenset({"email", "username", "user_id", "id", "name", "phone", "login", "pk"})
#: Name parts of values stored next to a token that are not the token (its hash, its expiry).
_NOT_CAPABILITY = ("hash", "password", "expir", "type", "_at", "date", "time", "count", "sent", "created", "_by", "len", "ttl", "age")
#: Words that make a name a quantity (``num_tokens``, ``max_tokens``), not a token.
_QUANTITY_WORDS = frozenset({"num", "n", "nb", "number", "count", "total", "max", "min", "len", "length", "size", "limit", "idx", "index", "offset", "pos"})
#: Splits ``num_tokens`` and ``numTokens`` into words.
_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_HASH_MODULES = ("hashlib.", "md5", "sha1", "sha256", "sha512", "blake2b")


@dataclass
class Guessable:
    node: ast.expr  # the value expression
    name: str  # what it is used as
    what: str  # why it is predictable


#: Objects that live for one request (Flask's ``g``, Starlette's ``request.state``).
_PER_REQUEST_HOLDERS = frozenset({"g", "flask.g", "request.state"})


def _per_request(target: ast.AST) -> bool:
    """``g.session_id = f"{time.time()}_{id(g)}"``: a value kept on a per-request object is
    made anew for every request and dropped after it (a log correlation id), so no later
    request can present it as a capability."""
    return isinstance(target, ast.Attribute) and (dotted(target.value) or "") in _PER_REQUEST_HOLDERS


def capability_name(target: ast.AST) -> str | None:
    """The name a value is stored under: ``token``, ``user.reset_code``, ``data["api_key"]``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return string_value(target.slice)
    return None


#: Values that are never one token: a truth value, or a collection (claims, a list of words).
_NOT_A_VALUE = (ast.Compare, ast.Dict, ast.List, ast.Set, ast.Tuple, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: Calls of the ``secrets`` module whose first argument is a number of random bytes.
_BYTE_COUNT_CALLS = ("secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes")
#: Fewer random bytes than this (64 bits) can be enumerated online.
_MIN_RANDOM_BYTES = 8


#: Calls that look a stored value up: their arguments choose the value, they do not make it
#: (``conn.execute("SELECT ... WHERE expires_at > ?", (token, datetime.now())).fetchone()``).
_LOOKUPS = frozenset({"execute", "filter", "filter_by", "where", "get", "find_one", "find", "select", "query", "get_or_404", "first_or_404", "scalar", "scalars"})


def value_nodes(expr: ast.expr) -> list[ast.AST]:
    """The nodes that make up the value of ``expr``, without the parts that only choose it:
    the test of ``sys.argv[3] if len(sys.argv) > 3 else None``, the comparison of ``token and
    len(token) >= 32`` (a truth value, never a token), the index of ``header[len("Bearer "):]``
    and the arguments of a look-up (``execute(sql, (token, datetime.now()))``)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Compare):
            continue
        found.append(node)
        if isinstance(node, ast.IfExp):
            stack.extend((node.body, node.orelse))
        elif isinstance(node, ast.comprehension):
            stack.extend((node.target, node.iter))
        elif isinstance(node, ast.Subscript):
            stack.append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LOOKUPS:
            stack.append(node.func)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found


def _too_few_bytes(resolved: str | None, call: ast.Call) -> int | None:
    """``secrets.token_hex(4)``: a random value short enough to enumerate (its byte count)."""
    if resolved not in _BYTE_COUNT_CALLS or not call.args:
        return None
    size = call.args[0]
    if isinstance(size, ast.Constant) and isinstance(size.value, int) and not isinstance(size.value, bool) and size.value < _MIN_RANDOM_BYTES:
        return size.value
    return None


def predictability(doc: SourceDoc, expr: ast.expr, knowledge: Knowledge) -> str | None:
    """Why ``expr`` is predictable, or None when it is not (or is another rule's business).

    Judged on how the value is made, never on its name alone: a truth value (``len(token) >=
    32``), a collection (a JWT's claims dict, a tokenizer's word list) or a value the code only
    reads (``sys.argv[3]``) is not generated here, so it is not reported."""
    if isinstance(expr, _NOT_A_VALUE) or isinstance(expr, ast.BoolOp) and all(isinstance(v, ast.Compare) for v in expr.values):
        return None
    parts = value_nodes(expr)
    calls = [(c, doc.resolve(c.func), dotted(c.func)) for c in parts if isinstance(c, ast.Call)]
    if not calls and not isinstance(expr, ast.BinOp):
        return None
    for call, resolved, _ in calls:
        short = _too_few_bytes(resolved, call)
        if short is not None:
            return f"only {short} random byte{'s' if short != 1 else ''}, few enough to try them all"
    unpredictable = knowledge.rows("access_unpredictable_calls")
    for call, resolved, written in calls:
        if unpredictable and glob_any(unpredictable[0]["calls"], resolved, written):
            unpredictable[0].hit()
            return None
    names = {n.id for n in parts if isinstance(n, ast.Name)} | {n.attr for n in parts if isinstance(n, ast.Attribute)}
    if any("secret" in n.lower() or "salt" in n.lower() or "password" in n.lower() for n in names):
        return None  # keyed with a secret, or a password hash (CW507)
    for row in knowledge.rows("access_predictable_calls"):
        for call, resolved, written in calls:
            if glob_any(row["calls"], resolved, written):
                row.hit()
                return str(row["what"])
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) and _is_id_plus_one(n) for n in parts):
        return "a sequential number"
    hashed = [c for c, resolved, written in calls if any((resolved or written or "").startswith(h) or (written or "").endswith("." + h) for h in _HASH_MODULES)]
    if hashed:
        hashed_parts = [n for c in hashed for a in c.args for n in ast.walk(a)]
        inputs = {n.attr for n in hashed_parts if isinstance(n, ast.Attribute)}
        inputs |= {n.id for n in hashed_parts if isinstance(n, ast.Name)}
        inputs |= {key for n in hashed_parts if isinstance(n, ast.Subscript) and (key := string_value(n.slice))}  # user["email"]
        known = {i for i in inputs if i in _IDENTITY_FIELDS or i.endswith("_id")}  # ids are enumerable
        if known:
            return "a hash of values anyone can know (" + ", ".join(sorted(known)) + ")"
    return None


def _counts_or_collects(name: str, is_token_name: Callable[[str], bool]) -> bool:
    """``num_tokens``, ``max_tokens``, ``token_total``, ``api_keys``, ``tokens_used``: a number of tokens or a
    collection of them, never one issued to a client as a credential. (Django's template
    parser has ``num_tokens = len(tokens)``: "fixed" into a random string, it broke.)"""
    words = [w.lower() for w in _WORDS.split(name) if w]
    if any(word in _QUANTITY_WORDS for word in words):
        return True
    lower = name.lower()
    if lower.endswith("s") and not lower.endswith("ss") and is_token_name(lower[:-1]):
        return True
    # tokens_used, prompt_tokens_left: a word that is the plural of a token word counts them
    return len(words) > 1 and any(w.endswith("s") and not w.endswith("ss") and is_token_name(w[:-1]) for w in words)


def _is_id_plus_one(node: ast.BinOp) -> bool:
    return (isinstance(node.right, ast.Constant) and node.right.value == 1 and isinstance(node.left, ast.Attribute) and node.left.attr in ("id", "pk"))


def _constructs(value: ast.expr | None) -> bool:
    """``Invite(code=...)``: the object is not the token; its keywords are looked at instead."""
    if not isinstance(value, ast.Call):
        return False
    name = (dotted(value.func) or "").rsplit(".", 1)[-1]
    return name[:1].isupper()


def guessable_values(doc: SourceDoc, knowledge: Knowledge) -> list[Guessable]:
    """Capability values in ``doc`` an attacker could predict."""
    assert doc.tree is not None
    found: list[Guessable] = []
    rows = knowledge.rows("access_token_names")
    if not rows:
        return found
    is_token_name = glob_matcher([p for row in rows for p in row["names"]])

    def consider(name: str | None, value: ast.expr | None) -> None:
        if not name or value is None or not is_token_name(name.lower()):
            return
        if any(word in name.lower() for word in _NOT_CAPABILITY) or _counts_or_collects(name, is_token_name):
            return
        what = predictability(doc, value, knowledge)
        if what:
            rows[0].hit()
            found.append(Guessable(value, name, what))

    for index, node in enumerate(all_nodes(doc)):
        if not index & 255:
            deadline.check()
        if isinstance(node, ast.Assign) and not _constructs(node.value):
            for target in node.targets:
                if not _per_request(target):
                    consider(capability_name(target), node.value)
        elif isinstance(node, ast.AnnAssign) and not _constructs(node.value):
            consider(capability_name(node.target), node.value)
        elif isinstance(node, ast.Call) and node.keywords:
            owner = (dotted(node.func) or "").rsplit(".", 1)[-1].lower()
            for kw in node.keywords:
                if kw.arg and not is_token_name(kw.arg.lower()) and owner:
                    consider(f"{owner}_{kw.arg}", kw.value)  # Invite(code=...) is an invite code
                else:
                    consider(kw.arg, kw.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                consider(string_value(key), value)
        elif isinstance(node, ast.Return) and node.value is not None and not isinstance(node.value, (ast.Name, ast.Constant)):
            func = doc.scope_of(node)
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                consider(func.name.removeprefix("generate_").removeprefix("make_").removeprefix("new_").removeprefix("create_"), node.value)
    return found
