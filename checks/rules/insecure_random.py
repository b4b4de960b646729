"""CW508: the ``random`` module used to make passwords, tokens, OTPs or keys."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Applicability, Finding, Severity
from ..registry import rule
from ..syntax import call_paths, path_matches
from ._naming import context_kind, destination_names, flow_kind

declare_section(
    "random_functions",
    "Non-cryptographic random functions; `replacement` is the secrets-based call ({name} = function).",
    required={"call": str},
    optional={"replacement": str, "except": list},
)


@rule(
    "CW508",
    "insecure-random-for-secrets",
    cwe=(338, 330),
    severity=Severity.ERROR,
    nodes=(ast.Call,),
    fix_title="Use the `secrets` module",
    fix_applicability=Applicability.SAFE,
)
def insecure_random(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """A password, token, OTP or key is made with the non-cryptographic `random` module.

    What it does:
        Flags calls such as `random.choice`, `random.randint` or `random.choices` whose result
        becomes a value named like a password, token, reset code, OTP, salt, nonce or key
        (an assignment target, keyword, dict key, or the function that returns it), or
        that flows, through local assignments, into the session, a cookie or such a name,
        whatever the variable holding it is called.

    Why is this bad:
        `random` is a Mersenne Twister: after seeing 624 outputs an attacker can predict every
        later one, and its seed is often guessable. Reset codes, session ids and API keys made
        with it can be forged.

    Example:
        ```python
        reset_token = "".join(random.choices(string.ascii_letters, k=32))
        ```

    Use instead:
        ```python
        reset_token = "".join(secrets.SystemRandom().choices(string.ascii_letters, k=32))
        # or simply: secrets.token_urlsafe(32)
        ```

    Fix safety:
        Safe: `secrets.choice`, `secrets.randbits` and `secrets.SystemRandom()` methods take the
        same arguments and return values of the same kind, drawn from the OS's CSPRNG.
    """
    rows = ctx.knowledge.rows("random_functions")
    imported = ctx.memo.get("insecure_random.imported")
    if imported is None:  # the same answer for every call of the document
        imported = ctx.memo["insecure_random.imported"] = ctx.doc.imports_any(row["call"] for row in rows)
    if not imported:
        return
    resolved, written = call_paths(ctx.doc, node)
    if resolved is None:
        return
    for row in rows:
        if not path_matches(row["call"], resolved):
            continue
        name = resolved.rsplit(".", 1)[-1]
        if name in row.get("except", ()):
            return
        context = _context(ctx, node)
        if context is None:
            return
        row.hit()
        kind, named = context
        fix = None
        if "replacement" in row:
            replacement = row["replacement"].format(name=name)
            fix = ctx.fix([ctx.replace(node.func, replacement)], imports=["import secrets"], title=f"Use `{replacement}`")
        what = "password" if kind == "password" else "security token"
        yield ctx.finding(
            node,
            f"`{written or resolved}` makes `{named}`, a {what}, from a predictable generator; use the `secrets` module",
            fix=fix,
        )
        return


def _context(ctx: RuleContext, node: ast.Call) -> tuple[str, str] | None:
    """Where the random value goes; the enclosing function's name counts only when the value
    is kept (assigned, returned, passed on), never for `random.shuffle(x)` statements. Then
    where it flows: `value = str(random.random())` stored in the session is a token too."""
    if not destination_names(ctx.doc, node) and isinstance(ctx.doc.parent(node), ast.Expr):
        return None
    return context_kind(ctx.doc, ctx.knowledge, node, include_function=True) or flow_kind(ctx.doc, ctx.knowledge, node)
