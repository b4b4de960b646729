"""CW414–CW415: Python code that switches template escaping off for everything it renders.

``jinja2.Environment`` does not escape unless told to (its ``autoescape`` defaults to False,
unlike Flask's and Django's own setup), Flask's ``app.jinja_env.autoescape = False`` and
Django's ``OPTIONS = {"autoescape": False}`` turn it off for every template, and
``format_html(f"...")`` escapes nothing because the values are already in the string when
it sees them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Confidence, Edit, Finding, Position, Range, Severity
from ..registry import rule
from ..syntax import keyword, matches_call, string_value

_ENVIRONMENTS = ("jinja2.Environment", "jinja2.environment.Environment", "jinja2.sandbox.SandboxedEnvironment")
_FORMAT_HTML = ("django.utils.html.format_html",)
#: Loaders of template files (an environment without one renders strings: code, SQL, text).
_LOADERS = ("FileSystemLoader", "PackageLoader", "ChoiceLoader", "PrefixLoader")
_HTML_NAME = re.compile(r"\.(?:html?|xhtml|xml|jinja2?|j2|djhtml)$", re.IGNORECASE)


@rule("CW414", "template-autoescape-disabled", cwe=(79, 116), severity=Severity.ERROR, nodes=(ast.Call, ast.Assign, ast.Dict),
      fix_title="Escape HTML templates with select_autoescape()", fix_applicability=Applicability.UNSAFE)
def template_autoescape_disabled(node: ast.AST, ctx: RuleContext) -> Iterator[Finding]:
    """Template autoescaping is switched off (or never switched on) for a whole environment.

    What it does:
        Flags `jinja2.Environment(...)` with `autoescape=False`, or without `autoescape` when
        it loads template files (a file or package loader); Flask's
        `app.jinja_env.autoescape = False`; Django's `TEMPLATES` `OPTIONS` with
        `"autoescape": False`.

    Why is this bad:
        Every `{{ value }}` of every template then inserts raw HTML: any user data printed
        anywhere is cross-site scripting. jinja2's own default is no escaping, so an
        environment built by hand is unsafe until `autoescape` is set.

    Example:
        ```python
        env = Environment(loader=FileSystemLoader("templates"))
        ```

    Use instead:
        ```python
        env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
        ```

    Fix safety:
        Unsafe: values the templates print on purpose as HTML must then be marked safe
        (`|safe` after sanitising, or `Markup`). The fix sets `autoescape=select_autoescape()`
        (HTML and XML templates escaped, others not) for jinja2 and removes nothing else.
    """
    if isinstance(node, ast.Call) and any(matches_call(ctx.doc, node, p) for p in _ENVIRONMENTS):
        yield from _environment(node, ctx)
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Attribute) and target.attr == "autoescape" and _is_false(node.value) \
                and isinstance(target.value, ast.Attribute) and target.value.attr == "jinja_env":
            yield ctx.finding(node, "autoescaping is switched off for every template of this Flask app: printed values are raw HTML (XSS)",
                              confidence=Confidence.HIGH, fix=ctx.fix([ctx.replace(node.value, "True")], title="Turn autoescaping back on"))
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if string_value(key) == "autoescape" and _is_false(value) and _in_templates_setting(ctx, node):
                yield ctx.finding(value, "Django templates are configured with autoescaping off: printed values are raw HTML (XSS)",
                                  confidence=Confidence.HIGH, fix=ctx.fix([ctx.replace(value, "True")], title="Turn autoescaping back on"))


def _environment(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    option = keyword(node, "autoescape")
    if option is not None:
        if _is_false(option.value):
            yield ctx.finding(option, "this jinja2 environment does not escape: every value its templates print is raw HTML (XSS)",
                              confidence=Confidence.HIGH, fix=ctx.fix([ctx.replace(option.value, "select_autoescape()")],
                                                                      imports=("from jinja2 import select_autoescape",)))
        return
    if any(kw.arg is None for kw in node.keywords) or not _renders_html(ctx, node):
        return
    at = _before_paren(ctx, node)
    closing = Edit(Range(at, at), (", " if node.args or node.keywords else "") + "autoescape=select_autoescape()")
    yield ctx.finding(node.func, "this jinja2 environment loads HTML templates without `autoescape`: jinja2 does not escape by default (XSS)",
                      confidence=Confidence.MEDIUM, fix=ctx.fix([closing], imports=("from jinja2 import select_autoescape",)))


def _renders_html(ctx: RuleContext, node: ast.Call) -> bool:
    """The environment loads template files, and they are HTML: a template this file asks
    for by name is, or (no names) the loader reads a ``templates`` folder. An environment
    for config files, code or e-mail text needs no escaping."""
    loader = ctx.doc.source_of(node)
    if not any(name in loader for name in _LOADERS):
        return False
    names = [
        string_value(call.args[0]) for call in ctx.doc.nodes
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "get_template" and call.args
    ]
    names = [name for name in names if name]
    if names:
        return any(_HTML_NAME.search(name) for name in names)
    return "templates" in loader


def _before_paren(ctx: RuleContext, node: ast.Call) -> Position:
    """Position of the call's closing parenthesis (after a trailing comma, if any)."""
    rng = ctx.doc.range_of(node)
    offset = ctx.doc.lines.offset(rng.end) - 1
    text = ctx.doc.text
    inner = offset
    while inner > 0 and text[inner - 1] in " \t\r\n":
        inner -= 1
    if text[inner - 1:inner] == ",":
        return ctx.doc.lines.position(inner - 1)
    return ctx.doc.lines.position(inner)


def _is_false(value: ast.AST) -> bool:
    return isinstance(value, ast.Constant) and value.value is False


def _in_templates_setting(ctx: RuleContext, node: ast.AST) -> bool:
    for ancestor in ctx.doc.ancestors(node):
        if isinstance(ancestor, ast.Assign):
            return any(isinstance(t, ast.Name) and t.id == "TEMPLATES" for t in ancestor.targets)
    return False


@rule("CW415", "format-html-prebuilt", cwe=(79,), severity=Severity.ERROR, confidence=Confidence.MEDIUM, nodes=(ast.Call,),
      fix_title="Pass the values to format_html() to escape them", fix_applicability=Applicability.SAFE)
def format_html_prebuilt(node: ast.Call, ctx: RuleContext) -> Iterator[Finding]:
    """`format_html()` gets a string whose values were already formatted in.

    What it does:
        Flags Django's `format_html(...)` whose first argument is an f-string with values,
        a `%`-formatted or `.format()`-ed string, or a concatenation with a variable.

    Why is this bad:
        `format_html` escapes the arguments it is given and marks the whole result safe. A
        value already inside the format string is not escaped but is marked safe: it is the
        same as `mark_safe(f"...")`, an XSS when the value is user data.

    Example:
        ```python
        return format_html(f"<b>{user.name}</b>")
        ```

    Use instead:
        ```python
        return format_html("<b>{}</b>", user.name)
        ```

    Fix safety:
        Safe: each value is escaped instead of inserted raw, which displays plain text the
        same way; values already marked safe (`format_html`, `mark_safe` results) are not
        escaped twice. The fix rewrites an f-string into a format string with arguments.
    """
    if not node.args or not any(matches_call(ctx.doc, node, p) for p in _FORMAT_HTML):
        return
    first = node.args[0]
    prebuilt = (
        (isinstance(first, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in first.values))
        or (isinstance(first, ast.BinOp) and isinstance(first.op, (ast.Mod, ast.Add)) and not _all_constant(first))
        or (isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "format")
    )
    if not prebuilt:
        return
    fix = _format_args_fix(ctx, node, first) if isinstance(first, ast.JoinedStr) and len(node.args) == 1 and not node.keywords else None
    yield ctx.finding(first, "`format_html()` escapes only its arguments; these values were formatted into the string before it, unescaped but marked safe (XSS)",
                      fix=fix)


def _all_constant(node: ast.AST) -> bool:
    return all(isinstance(n, (ast.Constant, ast.BinOp, ast.operator)) for n in ast.walk(node))


def _format_args_fix(ctx: RuleContext, call: ast.Call, text: ast.JoinedStr) -> object:
    pieces: list[str] = []
    values: list[str] = []
    for part in text.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            pieces.append(part.value.replace("{", "{{").replace("}", "}}"))
        elif isinstance(part, ast.FormattedValue):
            if part.format_spec is not None and any(isinstance(v, ast.FormattedValue) for v in part.format_spec.values):
                return None
            conversion = {-1: "", 115: "!s", 114: "!r", 97: "!a"}[part.conversion]
            spec = ":" + "".join(v.value for v in part.format_spec.values) if part.format_spec is not None else ""
            pieces.append("{" + conversion + spec + "}")
            values.append(ctx.doc.source_of(part.value))
        else:
            return None
    template = _string_literal("".join(pieces))
    return ctx.fix([ctx.replace(text, ", ".join([template, *values]))])


def _string_literal(text: str) -> str:
    """A Python literal for ``text``, double-quoted when that needs no escaping of quotes."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal
