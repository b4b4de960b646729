"""CW509: JWTs issued without an expiry, or decoded with the expiry check off."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Confidence, Finding, Severity
from ..registry import rule
from ..syntax import call_name, is_constant, keyword, last_segment, matches_call, string_value

declare_section("jwt_encode", "JWT encoding functions; the payload is the first argument.", required={"call": str})


@rule("CW509", "jwt-without-expiry", cwe=(613,), severity=Severity.WARNING, nodes=(ast.Call,))
def jwt_without_expiry(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """A JWT is issued without an `exp` claim, or decoded with expiry checks switched off.

    What it does:
        Flags `jwt.encode({...})` whose payload (a dict literal, directly or through a local
        variable) has no `exp` claim, and `jwt.decode(..., options={"verify_exp": False})`.

    Why is this bad:
        A token that never expires stays valid forever once it leaks (logs, browser storage,
        a proxy): logging out, changing the password or disabling the account does not help.

    Example:
        ```python
        token = jwt.encode({"sub": str(user.id)}, SECRET, algorithm="HS256")
        ```

    Use instead:
        ```python
        expires = datetime.now(timezone.utc) + timedelta(minutes=15)
        token = jwt.encode({"sub": str(user.id), "exp": expires}, SECRET, algorithm="HS256")
        ```

    Fix safety:
        No automatic fix: the right lifetime depends on the application (and on refresh tokens).
    """
    name = call_name(node)
    if name not in ("encode", "decode"):
        return  # both sections name jwt.encode / jwt.decode functions
    for row in ctx.knowledge.rows("jwt_decode"):
        if name == last_segment(row["call"]) and matches_call(ctx.doc, node, row["call"]):
            if _expiry_check_disabled(node):
                row.hit()
                yield ctx.finding(keyword(node, "options") or node, "JWT decoded with `verify_exp` off: expired or stolen tokens stay valid forever")
            return
    for row in ctx.knowledge.rows("jwt_encode"):
        if name == last_segment(row["call"]) and matches_call(ctx.doc, node, row["call"]) and node.args:
            payload = _payload_dict(ctx, node.args[0])
            if payload is not None and not _has_expiry(ctx, payload, node):
                row.hit()
                yield ctx.finding(node, "JWT issued without an `exp` claim: once leaked it stays valid forever", confidence=Confidence.MEDIUM)
            return


def _expiry_check_disabled(node: ast.Call) -> bool:
    options = keyword(node, "options")
    if options is None or not isinstance(options.value, ast.Dict):
        return False
    return any(string_value(k) == "verify_exp" and is_constant(v, False) for k, v in zip(options.value.keys, options.value.values))


def _payload_dict(ctx: RuleContext, payload: ast.expr) -> ast.Dict | None:
    """The dict literal the payload is, directly or via a single local assignment."""
    if isinstance(payload, ast.Dict):
        return payload
    if isinstance(payload, ast.Name):
        value = ctx.doc.names.binding(payload.id, ctx.doc.scope_of(payload))
        return value if isinstance(value, ast.Dict) else None
    return None


def _has_expiry(ctx: RuleContext, payload: ast.Dict, call: ast.Call) -> bool:
    if any(key is None or string_value(key) == "exp" for key in payload.keys):  # None: **spread
        return True
    # payload["exp"] = ... or payload.update(exp=...) later in the same function
    scope = ctx.doc.scope_of(call)
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Subscript) and string_value(sub.slice) == "exp":
            return True
        if isinstance(sub, ast.keyword) and sub.arg == "exp":
            return True
    return False
