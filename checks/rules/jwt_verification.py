"""CW506: JWTs decoded without verifying the signature, or with the `none` algorithm."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Finding, Severity
from ..registry import rule
from ..syntax import call_name, is_constant, keyword, last_segment, matches_call, string_value

declare_section("jwt_decode", "JWT decoding functions.", required={"call": str})


@rule("CW506", "jwt-signature-not-verified", cwe=(347,), severity=Severity.ERROR, nodes=(ast.Call,))
def jwt_unverified(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """A JWT is decoded without checking its signature, or the `none` algorithm is accepted.

    What it does:
        Flags `jwt.decode(...)` (PyJWT, python-jose) with
        `options={"verify_signature": False}`, `verify=False`, or `"none"` among the
        accepted algorithms.

    Why is this bad:
        Anyone can then write their own token: change the user id or role in the payload and
        the app believes it. This is a full authentication bypass.

    Example:
        ```python
        claims = jwt.decode(token, options={"verify_signature": False})
        ```

    Use instead:
        ```python
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
        ```

    Fix safety:
        No automatic fix: the verification key and algorithm are project decisions.
    """
    name = call_name(node)
    rows = [
        row for row in ctx.knowledge.rows("jwt_decode")
        if name == last_segment(row["call"]) and matches_call(ctx.doc, node, row["call"])
    ]
    if not rows:
        return
    reason = _reason(node)
    if reason:
        rows[0].hit()
        yield ctx.finding(node, f"JWT decoded {reason}: anyone can forge a token the app will trust")


def _reason(node: ast.Call) -> str | None:
    options = keyword(node, "options")
    if options is not None and isinstance(options.value, ast.Dict):
        for key, value in zip(options.value.keys, options.value.values):
            if string_value(key) == "verify_signature" and is_constant(value, False):
                return "with `verify_signature` off"
    verify = keyword(node, "verify")
    if verify is not None and is_constant(verify.value, False):
        return "with `verify=False`"
    algorithms = keyword(node, "algorithms")
    if algorithms is not None:
        values = algorithms.value.elts if isinstance(algorithms.value, (ast.List, ast.Tuple, ast.Set)) else [algorithms.value]
        if any((string_value(v) or "").lower() == "none" for v in values):
            return "accepting the `none` algorithm"
    return None
