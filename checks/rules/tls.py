"""CW502: TLS certificate verification switched off."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Applicability, Finding, Severity
from ..registry import rule
from ..syntax import call_name, dotted, is_constant, keyword, last_segment, matches_call, remove_argument

declare_section(
    "tls_calls",
    "Calls where a keyword set to False (or to `value`) disables certificate checks.",
    required={"call": str, "keyword": str},
    optional={"value": str},
)
declare_section(
    "tls_unverified_contexts",
    "Calls returning an SSL context that does not verify certificates.",
    required={"call": str},
)
declare_section(
    "ssh_host_key_policies",
    "SSH host-key policies that accept any server key.",
    required={"policy": str},
)
declare_section(
    "tls_context_attributes",
    "SSLContext attributes whose assignment to `value` disables verification.",
    required={"attribute": str, "value": str},
)

_MESSAGE = "TLS certificate verification is disabled, so anyone on the network path can impersonate the server"


@rule(
    "CW502",
    "tls-verification-disabled",
    cwe=(295,),
    severity=Severity.ERROR,
    nodes=(ast.Call, ast.Assign),
    fix_title="Remove the argument that disables certificate verification",
    fix_applicability=Applicability.SAFE,
)
def tls_verification_disabled(node: ast.Call | ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    """TLS certificate verification is switched off.

    What it does:
        Flags `verify=False` on requests/httpx calls and clients, `ssl=False` on aiohttp,
        `ssl._create_unverified_context()`, `ctx.check_hostname = False` or
        `ctx.verify_mode = ssl.CERT_NONE` on an SSL context, and paramiko's
        `AutoAddPolicy`, which trusts any SSH host key.

    Why is this bad:
        Without certificate checks, HTTPS gives no protection against a man in the middle:
        credentials, tokens and data sent to the API can be read and changed. Assistants add
        `verify=False` to silence a certificate error instead of fixing the trust store.

    Example:
        ```python
        requests.post(url, json=payload, verify=False)
        ```

    Use instead:
        ```python
        requests.post(url, json=payload)  # or verify="/path/to/company-ca.pem"
        ```

    Fix safety:
        Safe: removing the argument restores the library default (verification on); calls to
        servers with valid certificates behave exactly as before.
    """
    if isinstance(node, ast.Assign):
        yield from _context_attribute(node, ctx)
        return
    if isinstance(node.func, ast.Attribute) and node.func.attr == "set_missing_host_key_policy" and node.args:
        policy = node.args[0].func if isinstance(node.args[0], ast.Call) else node.args[0]
        for row in ctx.knowledge.rows("ssh_host_key_policies"):
            if ctx.doc.resolve(policy) == row["policy"]:
                row.hit()
                yield ctx.finding(node, f"`{dotted(policy)}` accepts any SSH host key, so anyone on the network path can impersonate the server")
                return
    name = call_name(node)
    for row in ctx.knowledge.rows("tls_unverified_contexts"):
        if name == last_segment(row["call"]) and matches_call(ctx.doc, node, row["call"]):
            row.hit()
            yield ctx.finding(node, f"`{dotted(node.func)}()` creates an SSL context that accepts any certificate; use `ssl.create_default_context()`")
            return
    if not node.keywords:
        return
    for row in ctx.knowledge.rows("tls_calls"):
        kw = keyword(node, row["keyword"])
        if kw is None or not matches_call(ctx.doc, node, row["call"]):
            continue
        expected = row.get("value")
        disabled = is_constant(kw.value, False) if expected is None else (dotted(kw.value) or "").endswith(expected) or is_constant(kw.value, expected)
        if not disabled:
            continue
        row.hit()
        fix = ctx.fix([remove_argument(ctx.doc, node, kw)])
        yield ctx.finding(kw, f"`{row['keyword']}=...` here: {_MESSAGE}", fix=fix)
        return


def _context_attribute(node: ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Attribute):
        return
    target = node.targets[0]
    owner = ctx.doc.resolve(target.value)
    if owner != "ssl.SSLContext":
        return
    for row in ctx.knowledge.rows("tls_context_attributes"):
        value_text = ctx.doc.source_of(node.value)
        if target.attr == row["attribute"] and (value_text == row["value"] or ctx.doc.resolve(node.value) == row["value"]):
            row.hit()
            yield ctx.finding(node, f"`{target.attr} = {value_text}`: {_MESSAGE}")
            return
