"""CW501: debug mode or auto-reload switched on in application code or settings."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..knowledge import declare_section
from ..model import Applicability, Confidence, Finding, Severity
from ..registry import rule
from ..syntax import is_constant, keyword, matches_call
from ._settings import assigned_setting, env_read

declare_section(
    "debug_calls",
    "Calls whose keyword, literally True, enables debug mode or auto-reload.",
    required={"call": str, "keyword": str, "env": str},
    optional={"confidence": str},
)
declare_section(
    "debug_settings",
    "Settings that enable debug mode when assigned True.",
    required={"name": str, "env": str},
    optional={"attribute_only": bool},
)


@rule(
    "CW501",
    "debug-mode-enabled",
    cwe=(489, 215),
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.Assign),
    fix_title="Read the debug flag from the environment",
    fix_applicability=Applicability.UNSAFE,
)
def debug_mode_enabled(node: ast.Call | ast.Assign, ctx: RuleContext) -> Iterator[Finding]:
    """Debug mode or auto-reload is switched on in code that ships.

    What it does:
        Flags `app.run(debug=True)`, `FastAPI(debug=True)`, `uvicorn.run(..., reload=True)`,
        `DEBUG = True` in a Django settings module and `app.config["DEBUG"] = True`.

    Why is this bad:
        Flask's debugger runs arbitrary Python typed into the browser, Django's debug pages
        print settings, SQL and stack traces, and auto-reload watches the file system. An
        assistant turns these on to make the demo work, and they reach production unchanged.

    Example:
        ```python
        app.run(host="0.0.0.0", debug=True)
        ```

    Use instead:
        ```python
        app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"))
        ```

    Fix safety:
        Unsafe: debug mode is off unless the environment variable is set, which changes what
        developers see locally.
    """
    if isinstance(node, ast.Call):
        if not node.keywords:
            return
        for row in ctx.knowledge.rows("debug_calls"):
            kw = keyword(node, row["keyword"])
            if kw is None or not is_constant(kw.value, True) or not matches_call(ctx.doc, node, row["call"]):
                continue
            row.hit()
            fix = ctx.fix([ctx.replace(kw.value, env_read(row["env"]))], imports=["import os"])
            confidence = Confidence(row.get("confidence", "high"))
            yield ctx.finding(kw, f"`{row['keyword']}=True` turns on debug mode in code that may ship; read it from the environment instead", fix=fix, confidence=confidence)
            return
        return
    if not is_constant(node.value, True) or len(node.targets) != 1:
        return
    target = node.targets[0]
    setting = assigned_setting(ctx.doc, node)
    attribute = target.attr if isinstance(target, ast.Attribute) else None
    for row in ctx.knowledge.rows("debug_settings"):
        if row.get("attribute_only"):
            matched = attribute == row["name"]
        else:
            matched = setting == row["name"]
        if matched:
            row.hit()
            fix = ctx.fix([ctx.replace(node.value, env_read(row["env"]))], imports=["import os"])
            yield ctx.finding(node, f"`{row['name']} = True` turns on debug mode in code that may ship; read it from the environment instead", fix=fix)
            return
