"""CW503: cookies that carry credentials set without Secure or HttpOnly."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Applicability, Confidence, Edit, Finding, Range, Severity
from ..registry import rule
from ..syntax import call_name, has_keyword, is_constant, keyword, last_segment, matches_call, string_value
from ._settings import assigned_setting

declare_section(
    "cookie_calls",
    "Cookie-setting calls and the names of their Secure/HttpOnly keywords.",
    required={"call": str, "secure": str, "httponly": str},
)
declare_section(
    "sensitive_cookies",
    "Regular expression over cookie names that carry credentials.",
    required={"pattern": str},
)
declare_section(
    "cookie_settings",
    "Cookie settings that must not be False (or the `insecure` value, e.g. None for SameSite).",
    required={"name": str},
    optional={"insecure": str},
)
declare_section(
    "cookie_middleware",
    "Session middleware whose keyword set to False sends the cookie over plain HTTP.",
    required={"middleware": str, "keyword": str},
)


@rule(
    "CW503",
    "insecure-cookie",
    cwe=(614, 1004),
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.Assign),
    fix_title="Set the cookie with Secure and HttpOnly",
    fix_applicability=Applicability.UNSAFE,
)
def insecure_cookie(node: ast.Call | ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    """A credential cookie is set without the Secure or HttpOnly flag.

    What it does:
        Flags `set_cookie(...)` calls that pass `secure=False` or `httponly=False`, calls that
        set a session/token/auth cookie without those flags, and settings such as
        `SESSION_COOKIE_SECURE = False`.

    Why is this bad:
        Without Secure the cookie travels over plain HTTP, where anyone on the network reads
        it; without HttpOnly any injected script can steal it. Either way the session is lost.

    Example:
        ```python
        resp.set_cookie("session_token", token, httponly=False)
        ```

    Use instead:
        ```python
        resp.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax")
        ```

    Fix safety:
        Unsafe: a Secure cookie is not sent over plain HTTP, so a local development server
        without TLS stops seeing it.
    """
    if isinstance(node, ast.Assign):
        yield from _setting(node, ctx)
        return
    yield from _middleware(node, ctx)
    for row in ctx.knowledge.rows("cookie_calls"):
        if call_name(node) != last_segment(row["call"]) or not matches_call(ctx.doc, node, row["call"]):
            continue
        secure, httponly = keyword(node, row["secure"]), keyword(node, row["httponly"])
        explicit = [kw for kw in (secure, httponly) if kw is not None and is_constant(kw.value, False)]
        name = _cookie_name(node)
        sensitive = name is not None and _is_sensitive(ctx, name)
        missing = [flag for flag, kw in ((row["secure"], secure), (row["httponly"], httponly)) if kw is None]
        if not explicit and not (sensitive and missing):
            return
        row.hit()
        edits = [ctx.replace(kw.value, "True") for kw in explicit]
        if sensitive and missing:
            edits.append(Edit(_after_last_argument(ctx, node), "".join(f", {flag}=True" for flag in missing)))
        flags = ", ".join([kw.arg for kw in explicit if kw.arg] + ([] if not sensitive else missing))
        label = f"cookie `{name}`" if name else "this cookie"
        confidence = Confidence.HIGH if explicit else Confidence.MEDIUM
        yield ctx.finding(node, f"{label} is set without {flags}: it can leak over plain HTTP or to injected scripts", fix=ctx.fix(edits), confidence=confidence)
        return


def _cookie_name(node: ast.Call) -> str | None:
    if node.args:
        return string_value(node.args[0])
    key = keyword(node, "key")
    return string_value(key.value) if key else None


def _is_sensitive(ctx: RuleContext, name: str) -> bool:
    for row in ctx.knowledge.rows("sensitive_cookies"):
        if re.search(row["pattern"], name.lower()):
            row.hit()
            return True
    return False


def _after_last_argument(ctx: RuleContext, node: ast.Call) -> Range:
    """An empty range right after the call's last argument (a named cookie has one)."""
    last = max([*node.args, *node.keywords], key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0))
    point = ctx.doc.range_of(last).end
    return Range(point, point)


def _middleware(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """`Middleware(SessionMiddleware, https_only=False)` or `add_middleware(...)` alike."""
    rows = ctx.knowledge.rows("cookie_middleware")
    if not node.args or not node.keywords or not has_keyword(node, {row["keyword"] for row in rows}):
        return
    for row in rows:
        kw = keyword(node, row["keyword"])
        if kw is not None and is_constant(kw.value, False) and ctx.doc.resolve(node.args[0]) == row["middleware"]:
            row.hit()
            fix = ctx.fix([ctx.replace(kw.value, "True")])
            yield ctx.finding(kw, f"`{row['keyword']}=False` sends the session cookie over plain HTTP, where anyone on the network can read it", fix=fix)
            return


def _setting(node: ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    name = assigned_setting(ctx.doc, node)
    if name is None:
        return
    for row in ctx.knowledge.rows("cookie_settings"):
        if name != row["name"]:
            continue
        insecure = row.get("insecure")
        if insecure is None and is_constant(node.value, False):
            row.hit()
            yield ctx.finding(node, f"`{name} = False` lets the session or CSRF cookie leak over plain HTTP or to scripts", fix=ctx.fix([ctx.replace(node.value, "True")]))
        elif insecure is not None and ctx.doc.source_of(node.value).strip("\"'") == insecure:
            row.hit()
            yield ctx.finding(node, f"`{name} = {insecure}` lets other sites send the session cookie with their requests (CSRF)", fix=ctx.fix([ctx.replace(node.value, '"Lax"')]))
        return
