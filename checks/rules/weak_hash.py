"""CW507: passwords hashed with a broken or fast hash; tokens and signatures made with md5/sha1."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Confidence, Finding, Severity
from ..registry import rule
from ..syntax import call_paths, is_constant, keyword, names_in, path_matches, string_value
from ._naming import context_kind, flow_kind, sensitive_kind

declare_section(
    "hash_functions",
    "Hash constructors; strength is broken (md5/sha1), fast (sha2) or by-name (hashlib.new).",
    required={"call": str, "strength": str},
)

_BROKEN_NAMES = frozenset({"md5", "sha1", "md4", "md5-sha1"})
#: A broken algorithm is a weak hash (CWE-328); one round of a sound one is too little work
#: for a password (CWE-916), a different weakness.
_BROKEN_CWE = (328, 327)
_FAST_CWE = (916,)
_FAST_NAMES = frozenset({"sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s"})


@rule(
    "CW507",
    "weak-hash-for-secrets",
    cwe=(916, 328, 327),
    severity=Severity.ERROR,
    nodes=(ast.Call,),
)
def weak_password_hash(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """A password is hashed with md5, sha1 or one round of a fast hash, or a token with md5/sha1.

    What it does:
        Flags `hashlib.md5`, `hashlib.sha1`, `hashlib.new("md5")` and single-round
        `hashlib.sha256`/`sha512` when what is hashed, or what the digest is stored as, is a
        password (by its name or the function's name, e.g. `hash_password`); and md5/sha1 used
        to make a token, key or signature (`share_token = md5(...)`, `md5(body + SECRET)`).
        The digest is followed through local assignments to where it is stored: written to a
        file kept as a password store, put in the session or a cookie. Checksums (cache
        keys, ETags, file fingerprints) stay clean.

    Why is this bad:
        A leaked table of md5 or sha256 password hashes is cracked at billions of guesses per
        second on one GPU; password storage needs a slow, salted key-derivation function.
        md5 and sha1 have practical collisions and length-extension attacks, so signatures
        and tokens built on them can be forged.

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
        (verify with the old scheme once, then re-hash); tokens want `secrets.token_urlsafe`
        and signatures `hmac.new(key, body, hashlib.sha256)`.
    """
    rows = ctx.knowledge.rows("hash_functions")
    imported = ctx.memo.get("weak_hash.imported")
    if imported is None:  # the same answer for every call of the document
        imported = ctx.memo["weak_hash.imported"] = ctx.doc.imports_any(row["call"] for row in rows)
    if not imported:
        return
    resolved, written = call_paths(ctx.doc, node)
    if resolved is None:
        return
    for row in rows:
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
        use = _sensitive_use(ctx, node)
        if use is None:
            return
        kind, named = use
        algorithm_text = written or resolved
        if kind != "password":
            if strength == "broken":
                row.hit()
                yield ctx.finding(node, f"`{algorithm_text}` makes `{named}`, a security token or signature, with a broken hash; use `secrets` for tokens and HMAC-SHA256 for signatures", cwe=_BROKEN_CWE)
            return
        row.hit()
        if strength == "broken":
            message = f"`{algorithm_text}` hashes `{named}`, a password, with a broken hash; use a slow salted KDF (argon2, bcrypt, scrypt, pbkdf2)"
            yield ctx.finding(node, message, cwe=_BROKEN_CWE)
        else:
            message = f"`{algorithm_text}` hashes `{named}`, a password, with one round of a fast hash; use a slow salted KDF (argon2, bcrypt, scrypt, pbkdf2)"
            yield ctx.finding(node, message, confidence=Confidence.MEDIUM, cwe=_FAST_CWE)
        return


def _sensitive_use(ctx: RuleContext, node: ast.Call) -> tuple[str, str] | None:
    """("password" | "token", the telling name) for what is hashed or where the digest goes.

    Names in the hashed data decide first, passwords before tokens: `sha1(salt + password)` is
    password storage; hashing a `token` inside `password_reset()` is token handling.
    """
    found: dict[str, str] = {}
    for arg in node.args:
        for name in names_in(arg):
            kind = sensitive_kind(ctx.knowledge, name)
            if kind is not None:
                found.setdefault(kind, name)
    for kind in ("password", "token"):
        if kind in found:
            return kind, found[kind]
    return context_kind(ctx.doc, ctx.knowledge, node) or flow_kind(ctx.doc, ctx.knowledge, node)
