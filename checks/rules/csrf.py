"""CW504: CSRF protection switched off for a view or for the whole app."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Finding, Severity
from ..registry import rule
from ..syntax import dotted, is_constant, matches_call, string_value
from ._settings import assigned_setting, is_settings_file

declare_section("csrf_exempt_decorators", "Decorators that disable CSRF checks for one view.", required={"decorator": str})
declare_section("csrf_settings", "Settings that disable CSRF protection when False.", required={"name": str})
declare_section(
    "csrf_middleware",
    "A MIDDLEWARE list naming middleware under `anchor_prefix` must also contain `required`.",
    required={"anchor_prefix": str, "required": str},
)
declare_section(
    "request_signature_checks",
    "Calls proving a request is signed by a known sender (legitimate CSRF exemption): a call path, or a regular expression over the called function's name.",
    required={},
    optional={"call": str, "name_pattern": str},
)


@rule(
    "CW504",
    "csrf-protection-disabled",
    cwe=(352,),
    severity=Severity.WARNING,
    nodes=(ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign),
)
def csrf_disabled(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    """CSRF protection is switched off for a view or the whole application.

    What it does:
        Flags `@csrf_exempt` and Flask-WTF `@csrf.exempt` on views that do not verify a
        request signature, `WTF_CSRF_ENABLED = False`, and a Django `MIDDLEWARE` list without
        `CsrfViewMiddleware`.

    Why is this bad:
        Any site the user visits can then submit forms to the app with the user's cookies:
        change their email, transfer money, delete data. Assistants add the exemption to make
        a failing POST from a test client pass.

    Example:
        ```python
        @csrf_exempt
        def update_profile(request): ...
        ```

    Use instead:
        ```python
        def update_profile(request): ...  # and send the CSRF token from the form or JS client
        ```

    Fix safety:
        No automatic fix: the client must start sending the token, which the tool cannot see.
        Webhook views that check a signature (e.g. `hmac.compare_digest`) are not flagged.
    """
    if isinstance(node, ast.Assign):
        yield from _settings(node, ctx)
        return
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        path = ctx.doc.resolve(target)
        for row in ctx.knowledge.rows("csrf_exempt_decorators"):
            if path == row["decorator"]:
                row.hit()
                if _verifies_signature(node, ctx):
                    return
                yield ctx.finding(deco, f"`{node.name}` is exempt from CSRF checks, so other sites can submit it with the user's cookies")
                return


def _verifies_signature(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: RuleContext) -> bool:
    rows = ctx.knowledge.rows("request_signature_checks")
    for sub in ast.walk(func):
        if not isinstance(sub, ast.Call):
            continue
        name = (dotted(sub.func) or "").rsplit(".", 1)[-1]
        for row in rows:
            if ("call" in row and matches_call(ctx.doc, sub, row["call"])) or (
                "name_pattern" in row and re.search(row["name_pattern"], name)
            ):
                row.hit()
                return True
    return False


def _settings(node: ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    name = assigned_setting(ctx.doc, node)
    if name is None:
        return
    if is_constant(node.value, False):
        for row in ctx.knowledge.rows("csrf_settings"):
            if name == row["name"]:
                row.hit()
                yield ctx.finding(node, f"`{name} = False` turns off CSRF protection for every form")
                return
    if name == "MIDDLEWARE" and is_settings_file(ctx.doc) and isinstance(node.value, (ast.List, ast.Tuple)):
        entries = {string_value(e) or "" for e in node.value.elts}
        for row in ctx.knowledge.rows("csrf_middleware"):
            if any(e.startswith(row["anchor_prefix"]) for e in entries) and row["required"] not in entries:
                row.hit()
                yield ctx.finding(node.targets[0], f"`MIDDLEWARE` lacks `{row['required']}`, so no view is protected against CSRF")
                return
