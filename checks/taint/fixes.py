"""Fixes for taint findings other than SQL: escaping, safe loaders, argument lists, paths.

Each fix edits only code it fully understands (an f-string it can split, a call it can
rename) and returns None otherwise; applicability is decided per fix and documented on the
rule.
"""

from __future__ import annotations

import ast
import re

from ..context import RuleContext
from ..model import Edit, Fix, Position, Range
from ..syntax import dotted, string_value
from .flow import SinkHit

_SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\\"'*?\[\]#~={}%!\n]")


def _imports(ctx: RuleContext, prefix: str) -> bool:
    return any(path == prefix or path.startswith(prefix + ".") for path in ctx.doc.names.imports.values())


def _binding_in_function(ctx: RuleContext, hit: SinkHit, expr: ast.AST | None) -> ast.AST | None:
    """``expr`` itself, or the single value a local name in it was assigned."""
    if isinstance(expr, ast.Name) and hit.function is not None:
        value = ctx.doc.names.binding(expr.id, hit.function)
        return value if isinstance(value, ast.expr) else None
    return expr


# -- HTML ------------------------------------------------------------------------------
def escape_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """Wrap the user values of an f-string in ``escape()``."""
    target = _binding_in_function(ctx, hit, hit.arg)
    if not isinstance(target, ast.JoinedStr):
        return None
    if _imports(ctx, "flask") or _imports(ctx, "markupsafe") or _imports(ctx, "jinja2"):
        module = "markupsafe"
    elif _imports(ctx, "django"):
        module = "django.utils.html"
    else:
        module = "html"
    bound = ctx.doc.names.imports.get("escape")
    if bound is not None and bound != f"{module}.escape":
        return None
    names = {label.alias for label in hit.labels} | {label.origin.name for label in hit.labels}
    edits = []
    for value in target.values:
        if not isinstance(value, ast.FormattedValue) or value.conversion != -1 or value.format_spec is not None:
            continue
        text = ctx.doc.source_of(value.value)
        if isinstance(value.value, ast.Call) and dotted(value.value.func) == "escape":
            continue
        if not any(name and (name == text or name in _mentioned(value.value)) for name in names):
            continue
        edits.append(ctx.replace(value.value, f"escape({text})"))
    if not edits:
        return None
    return ctx.fix(edits, imports=[f"from {module} import escape"])


def _mentioned(expr: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            found.add(node.id)
        text = dotted(node) if isinstance(node, ast.Attribute) else None
        if text:
            found.add(text)
    return found


# -- deserialization ---------------------------------------------------------------------
def deserialization_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """``yaml.load(data, Loader=...)`` → ``yaml.safe_load(data)``."""
    call = hit.call
    if not isinstance(call, ast.Call) or hit.row is None or hit.row["call"] != "yaml.load":
        return None
    if not isinstance(call.func, ast.Attribute) or not call.args:
        return None
    receiver = ctx.doc.source_of(call.func.value)
    data = ctx.doc.source_of(call.args[0])
    return ctx.fix([ctx.replace(call, f"{receiver}.safe_load({data})")], title="Use yaml.safe_load")


# -- OS command --------------------------------------------------------------------------
def command_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """``os.system(f"ping -c 1 {host}")`` → ``subprocess.run(["ping", "-c", "1", host])``."""
    call = hit.call
    if not isinstance(call, ast.Call) or hit.row is None or not call.args:
        return None
    argv = _argv(ctx, call.args[0])
    if argv is None:
        return None
    listed = "[" + ", ".join(argv) + "]"
    kind = hit.row["call"]
    if kind == "os.system":
        parent = ctx.doc.parent(call)
        replacement = f"subprocess.run({listed})"
        if not isinstance(parent, ast.Expr):
            replacement += ".returncode"
        return ctx.fix([ctx.replace(call, replacement)], imports=["import subprocess"])
    shell = next((kw for kw in call.keywords if kw.arg == "shell"), None)
    if hit.row.get("requires_keyword") == "shell" and shell is not None:
        rest = [ctx.doc.source_of(a) for a in call.args[1:]]
        rest += [ctx.doc.source_of(kw) for kw in call.keywords if kw is not shell]
        text = f"{ctx.doc.source_of(call.func)}({', '.join([listed, *rest])})"
        return ctx.fix([ctx.replace(call, text)])
    return None


def _argv(ctx: RuleContext, expr: ast.AST) -> list[str] | None:
    """Argument list of an f-string command with no shell syntax, or None.

    Every word must be either constant text or exactly one interpolation; a word mixing
    both (``--name={x}``) or any shell syntax means the fix cannot be sure of the split.
    """
    if not isinstance(expr, ast.JoinedStr):
        return None
    words: list[str] = []
    touching = False  # the last word has no whitespace after it yet
    for value in expr.values:
        text = string_value(value)
        if text is not None:
            if _SHELL_SYNTAX.search(text):
                return None
            for chunk in re.split(r"(\s+)", text):
                if not chunk:
                    continue
                if chunk.isspace():
                    touching = False
                    continue
                if touching:
                    return None
                words.append(_quote(chunk))
                touching = True
            continue
        if not isinstance(value, ast.FormattedValue) or value.conversion != -1 or value.format_spec is not None:
            return None
        if touching:
            return None
        words.append(ctx.doc.source_of(value.value))
        touching = True
    return words or None


def _quote(text: str) -> str:
    return '"' + text + '"'


# -- path traversal ------------------------------------------------------------------------
def path_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """``os.path.join(BASE, name)`` feeding the sink → ``safe_join(BASE, name)`` (werkzeug);
    a tar ``extractall`` → ``extractall(..., filter="data")``."""
    if not hit.labels:
        return _tar_filter_fix(ctx, hit)
    if not (_imports(ctx, "flask") or _imports(ctx, "werkzeug")):
        return None
    target = _binding_in_function(ctx, hit, hit.arg)
    if not isinstance(target, ast.Call) or ctx.doc.names.resolve(target.func) != "os.path.join" or len(target.args) < 2:
        return None
    if target.keywords or any(isinstance(a, ast.Starred) for a in target.args):
        return None
    bound = ctx.doc.names.imports.get("safe_join")
    if bound is not None and bound != "werkzeug.security.safe_join":
        return None
    return ctx.fix([ctx.replace(target.func, "safe_join")], imports=["from werkzeug.security import safe_join"])


def _tar_filter_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """Add ``filter="data"``: members leaving the folder, links out of it and device files
    are refused (Python 3.12, and 3.8.17+/3.9.17+/3.10.12+/3.11.4+ security releases)."""
    call = hit.call
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or call.func.attr != "extractall":
        return None
    if any(kw.arg is None for kw in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    last = (call.args + [kw.value for kw in call.keywords])[-1:]
    if last:
        at = ctx.doc.range_of(last[0]).end
        edit = Edit(Range(at, at), ', filter="data"')
    else:
        end = ctx.doc.range_of(call).end
        at = Position(end.line, end.column - 1)  # before the closing parenthesis
        edit = Edit(Range(at, at), 'filter="data"')
    return ctx.fix([edit], title='Extract with filter="data"')


# -- open redirect -------------------------------------------------------------------------
def redirect_fix(ctx: RuleContext, hit: SinkHit) -> Fix | None:
    """Django: redirect to the user's URL only when it stays on this site, else to ``/``."""
    if not _imports(ctx, "django") or hit.arg is None or not isinstance(hit.arg, ast.Name):
        return None
    bound = ctx.doc.names.imports.get("url_has_allowed_host_and_scheme")
    if bound is not None and bound != "django.utils.http.url_has_allowed_host_and_scheme":
        return None
    name = hit.arg.id
    text = f'{name} if url_has_allowed_host_and_scheme({name}, allowed_hosts=None) else "/"'
    return ctx.fix([ctx.replace(hit.arg, text)], imports=["from django.utils.http import url_has_allowed_host_and_scheme"])
