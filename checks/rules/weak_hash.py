"""CW507: passwords hashed with a broken or fast hash (md5, sha1, a bare sha256)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Confidence, Finding, Severity
from ..registry import rule
from ..syntax import call_paths, is_constant, keyword, names_in, path_matches, string_value
from ._naming import context_kind, sensitive_kind

declare_section(
    "hash_functions",
    "Hash constructors; strength is broken (md5/sha1), fast (sha2) or by-name (hashlib.new).",
    required={"call": str, "strength": str},
)

_BROKEN_NAMES = frozenset({"md5", "sha1", "md4", "md5-sha1"})
_FAST_NAMES = frozenset({"sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s"})


@rule(
    "CW507",
    "weak-password-hash",
    cwe=(916, 328, 327),
    severity=Severity.ERROR,
    nodes=(ast.Call,),
)
def weak_password_hash(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """A password is hashed with md5, sha1 or a single round of a fast hash.

    What it does:
        Flags `hashlib.md5`, `hashlib.sha1`, `hashlib.new("md5")` and single-round
        `hashlib.sha256`/`sha512` when what is hashed, or what the digest is stored as, is a
        password (by its name or the function's name, e.g. `hash_password`).

    Why is this bad:
        A leaked table of md5 or sha256 password hashes is cracked at billions of guesses per
        second on one GPU; md5 and sha1 also have practical collisions. Password storage needs
        a slow, salted key-derivation function.

    Example:
        ```python
        user.password_hash = hashlib.md5(password.encode()).hexdigest()
        ```

    Use instead:
        ```python
        from werkzeug.security import generate_password_hash
        user.password_hash = generate_password_hash(password)  # or argon2/bcrypt/pbkdf2_hmac
        ```

    Fix safety:
        No automatic fix: the stored hash format changes, so existing hashes need a migration
        (verify with the old scheme once, then re-hash).
    """
    resolved, written = call_paths(ctx.doc, node)
    if resolved is None:
        return
    for row in ctx.knowledge.rows("hash_functions"):
        if not path_matches(row["call"], resolved):
            continue
        strength = row["strength"]
        if strength == "by-name":
            algorithm = (string_value(node.args[0]) or "").lower() if node.args else ""
            strength = "broken" if algorithm in _BROKEN_NAMES else "fast" if algorithm in _FAST_NAMES else ""
            if not strength:
                return
        if is_constant(getattr(keyword(node, "usedforsecurity"), "value", None), False):
            return
        named = _password_name(ctx, node)
        if named is None:
            return
        row.hit()
        algorithm_text = written or resolved
        if strength == "broken":
            message = f"`{algorithm_text}` hashes `{named}`, a password, with a broken hash; use a slow salted KDF (argon2, bcrypt, scrypt, pbkdf2)"
            yield ctx.finding(node, message)
        else:
            message = f"`{algorithm_text}` hashes `{named}`, a password, with one round of a fast hash; use a slow salted KDF (argon2, bcrypt, scrypt, pbkdf2)"
            yield ctx.finding(node, message, confidence=Confidence.MEDIUM)
        return


def _password_name(ctx: RuleContext, node: ast.Call) -> str | None:
    """The password-like name in the hashed data or where the digest goes, if any.

    Names in the hashed data decide first: hashing a `token` inside `password_reset()` is
    token handling, not password storage.
    """
    for arg in node.args:
        for name in names_in(arg):
            kind = sensitive_kind(ctx.knowledge, name)
            if kind == "password":
                return name
            if kind is not None:
                return None
    context = context_kind(ctx.doc, ctx.knowledge, node)
    if context and context[0] == "password":
        return context[1]
    return None
