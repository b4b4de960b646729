"""``codeward lsp`` plus two test-only rules, to observe failure isolation and the index.

Run as a script by the tests (a separate process, so the rules never leak into the real
registry): CW098 reports calls to functions that *another* file marks ``@dangerous`` (it
reads the project index), CW099 raises on every call (a broken rule).
"""

from __future__ import annotations

import ast

from codeward.checks.model import Severity
from codeward.checks.project import fact_extractor
from codeward.checks.registry import rule
from codeward.server.lsp import serve

_DOC = """

    What it does:
        Test-only.

    Why is this bad:
        Test-only.

    Example:
        ```python
        wipe()
        ```

    Use instead:
        Nothing.

    Fix safety:
        No fix.
"""


@fact_extractor("dangerous_functions")
def dangerous_functions(doc):
    return sorted(
        node.name for node in ast.walk(doc.tree)
        if isinstance(node, ast.FunctionDef) and any(isinstance(d, ast.Name) and d.id == "dangerous" for d in node.decorator_list)
    )


def calls_dangerous(node, ctx):
    names = {name for path, found in ctx.project.facts("dangerous_functions").items() if path != ctx.doc.path for name in found} if ctx.project else set()
    if isinstance(node.func, ast.Name) and node.func.id in names:
        yield ctx.finding(node, f"`{node.func.id}()` is marked dangerous in another module")


def always_fails(node, ctx):
    raise ValueError("this rule is broken on purpose")


calls_dangerous.__doc__ = "Calls a function another module marks dangerous." + _DOC
always_fails.__doc__ = "A rule that always raises." + _DOC
rule("CW098", "calls-dangerous", cwe=(0,), severity=Severity.WARNING, nodes=(ast.Call,))(calls_dangerous)
rule("CW099", "always-fails", cwe=(0,), severity=Severity.WARNING, nodes=(ast.Call,))(always_fails)

if __name__ == "__main__":
    serve()
