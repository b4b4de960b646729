"""CW505: CORS that allows any origin together with credentials."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Finding, Severity
from ..registry import rule
from ..syntax import has_keyword, is_constant, keyword, matches_call, string_value
from ._settings import assigned_setting

declare_section(
    "cors_calls",
    "CORS set-up calls: keyword names for origins and credentials; default_wildcard when origins defaults to '*'.",
    required={"call": str, "origins": str, "credentials": str},
    optional={"default_wildcard": bool},
)
declare_section(
    "cors_middleware",
    "CORS middleware classes added with add_middleware(cls, ...).",
    required={"middleware": str, "origins": str, "regex": str, "credentials": str},
)
declare_section(
    "cors_settings",
    "Django settings: allow-all origins together with credentials.",
    required={"allow_all": str, "credentials": str},
)

_MESSAGE = "CORS allows every origin with credentials, so any website can make authenticated requests as the user and read the answers"


@rule("CW505", "cors-any-origin-with-credentials", cwe=(942, 346), severity=Severity.ERROR, nodes=(ast.Call, ast.Assign))
def cors_wildcard_credentials(node: ast.Call | ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    """CORS lets any origin make credentialed requests.

    What it does:
        Flags flask-cors `CORS(app, supports_credentials=True)` with `origins="*"` (or no
        origins, which defaults to `*`), Starlette/FastAPI `CORSMiddleware` (added with
        `add_middleware` or `Middleware(...)`) with
        `allow_origins=["*"]` or a match-all regex and `allow_credentials=True`, and Django
        `CORS_ALLOW_ALL_ORIGINS = True` with `CORS_ALLOW_CREDENTIALS = True`.

    Why is this bad:
        With credentials allowed for every origin (the libraries reflect the caller's origin),
        a page on any site can call the API with the user's cookies and read the response.

    Example:
        ```python
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        ```

    Use instead:
        ```python
        app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
        ```

    Fix safety:
        No automatic fix: only the project knows which origins are its own.
    """
    if isinstance(node, ast.Assign):
        yield from _django(node, ctx)
        return
    if not node.keywords:
        return  # the cheapest test first: most calls pass no keyword at all
    credentials = {row["credentials"] for section in ("cors_calls", "cors_middleware") for row in ctx.knowledge.rows(section)}
    if not has_keyword(node, credentials):
        return  # no finding without credentials allowed
    for row in ctx.knowledge.rows("cors_calls"):
        if matches_call(ctx.doc, node, row["call"]):
            creds = keyword(node, row["credentials"])
            origins = keyword(node, row["origins"])
            wildcard = _is_wildcard(origins.value) if origins else row.get("default_wildcard", False)
            if creds is not None and is_constant(creds.value, True) and wildcard:
                row.hit()
                yield ctx.finding(node, _MESSAGE)
            return
    # `app.add_middleware(CORSMiddleware, ...)` and `Middleware(CORSMiddleware, ...)` alike.
    if not node.args:
        return
    middleware = ctx.doc.resolve(node.args[0])
    for row in ctx.knowledge.rows("cors_middleware"):
        if middleware != row["middleware"]:
            continue
        creds = keyword(node, row["credentials"])
        origins = keyword(node, row["origins"])
        regex = keyword(node, row["regex"])
        wildcard = (origins is not None and _is_wildcard(origins.value)) or (regex is not None and string_value(regex.value) in (".*", "^.*$", ".+", "https?://.*"))
        if creds is not None and is_constant(creds.value, True) and wildcard:
            row.hit()
            yield ctx.finding(node, _MESSAGE)
        return


def _is_wildcard(value: ast.AST) -> bool:
    if string_value(value) == "*":
        return True
    return isinstance(value, (ast.List, ast.Tuple, ast.Set)) and any(string_value(e) == "*" for e in value.elts)


def _django(node: ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    name = assigned_setting(ctx.doc, node)
    if name is None or not is_constant(node.value, True):
        return
    for row in ctx.knowledge.rows("cors_settings"):
        if name != row["allow_all"]:
            continue
        for stmt in ctx.doc.tree.body if ctx.doc.tree else ():
            if isinstance(stmt, ast.Assign) and assigned_setting(ctx.doc, stmt) == row["credentials"] and is_constant(stmt.value, True):
                row.hit()
                yield ctx.finding(node, _MESSAGE)
                return
