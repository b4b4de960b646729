"""CW613: a sanitizer or validator that does nothing effective guards a sink.

The body analysis lives in :mod:`..invented.sanitizers` (also used by the taint engine, which
no longer trusts such validators); this rule reports the call where the code relies on it:
in the test of an ``if``/``assert`` in a function that reaches a sink, or feeding a sink's
argument directly or through a variable.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..invented.sanitizers import SANITIZER_NAME, imported_reason, ineffective
from ..model import Confidence, Finding, Severity
from ..registry import rule
from ..source import SourceDoc
from ..syntax import dotted
from ..taint.model import matches, model_for

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@rule("CW613", "ineffective-sanitizer", cwe=(1287, 20), severity=Severity.WARNING, confidence=Confidence.MEDIUM)
def ineffective_sanitizer(ctx: RuleContext) -> Iterator[Finding]:
    """A function named like a sanitizer or validator does nothing effective, and guards a sink.

    What it does:
        Judges project functions named `sanitize*`, `clean*`, `escape_*`, `validate_*`,
        `is_safe*`, `is_valid*`, `verify_*`, `safe_*` by their body: one that returns
        its argument unchanged (or `True` for everything), only strips whitespace or
        changes case, or, for a URL, checks only the scheme and not the host. Reports each
        call whose result guards a sink (the test of an `if`/`assert` in a function that
        calls a known sink) or feeds one (an argument of the sink, directly or through a
        variable). A validator that really checks (an allowlist, `re.fullmatch`, a
        containment check, an escaping library) is not reported, and the taint rules keep
        trusting it; an ineffective one is no longer trusted by them.

    Why is this bad:
        The name promises protection the body does not give: `https://evil.example` passes
        a scheme check, and `strip()` removes no `<script>`. Readers and reviewers trust
        the name.

    Example:
        ```python
        def is_safe_url(url):
            return url.startswith(("http://", "https://"))

        if is_safe_url(target):
            return redirect(target)
        ```

    Use instead:
        ```python
        def is_safe_url(url):
            parsed = urlparse(url)
            return parsed.scheme in ("http", "https") and parsed.netloc in ALLOWED_HOSTS
        ```

    Fix safety:
        No fix: what the function should check depends on the sink it guards.
    """
    doc = ctx.doc
    if doc.tree is None:
        return
    local = {s.name: ineffective(s) for s in doc.tree.body if isinstance(s, _FUNCTIONS)}
    sink_calls: dict[int, list[ast.Call]] = {}
    for node in doc.nodes:
        if not (isinstance(node, ast.Call) and _name(node.func) and SANITIZER_NAME.match(_name(node.func))):
            continue
        reason = _reason(ctx, node.func, local)
        if reason is None:
            continue
        function = next((a for a in doc.ancestors(node) if isinstance(a, _FUNCTIONS)), None)
        if function is None:
            continue
        if id(function) not in sink_calls:
            sink_calls[id(function)] = _sinks(ctx, function)
        how = _guards(doc, node, sink_calls[id(function)])
        if how is not None:
            yield ctx.finding(node, f"`{_name(node.func)}` {reason}, yet it {how}: it protects nothing; "
                                    "check against an allowlist, escape for the sink, or use a vetted library")


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _reason(ctx: RuleContext, func: ast.expr, local: dict[str, str | None]) -> str | None:
    """Why the called function is ineffective: defined in this module, or imported from
    another module of the project (its facts say)."""
    if isinstance(func, ast.Name) and func.id in local:
        return local[func.id]
    project = ctx.project
    resolved = ctx.doc.resolve(func)
    if project is None or not resolved or "." not in resolved:
        return None
    return imported_reason(project, resolved)


def _sinks(ctx: RuleContext, function: ast.AST) -> list[ast.Call]:
    """Calls of known taint sinks inside ``function``."""
    model = model_for(ctx.knowledge)
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            rows = model.sinks.get(_name(node.func).rstrip("()"))
            if rows and any(matches(row["call"], ctx.doc.resolve(node.func), dotted(node.func)) for row in rows):
                found.append(node)
    return found


def _guards(doc: SourceDoc, call: ast.Call, sinks: list[ast.Call]) -> str | None:
    """How the call's result reaches a sink: "guards a sink" or "feeds a sink"."""
    if not sinks:
        return None
    for ancestor in doc.ancestors(call):
        if isinstance(ancestor, (ast.If, ast.While, ast.Assert, ast.IfExp)) and _contains(ancestor.test, call):
            return "guards a sink"
        if ancestor in sinks:
            return "feeds a sink"
        if isinstance(ancestor, ast.Assign):
            names = {t.id for t in ancestor.targets if isinstance(t, ast.Name)}
            if any(isinstance(n, ast.Name) and n.id in names for sink in sinks for n in ast.walk(sink)):
                return "feeds a sink"
            return None
        if isinstance(ancestor, ast.stmt):
            return None
    return None


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(tree))

