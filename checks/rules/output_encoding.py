"""CW401–CW402: user input written into HTML built in Python, without escaping.

Templates autoescape; HTML assembled in Python code (f-strings returned from a view,
`HttpResponse`, `make_response`, `HTMLResponse`) or explicitly marked safe (`Markup`,
`mark_safe`) does not. Shares the taint pass of the injection rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Finding, Severity
from ..registry import rule
from ..taint.fixes import escape_fix
from ..taint.report import findings


@rule("CW401", "html-from-user-input", cwe=(79,), severity=Severity.ERROR,
      fix_title="Escape the value with escape()", fix_applicability=Applicability.SAFE)
def html_from_user_input(ctx: RuleContext) -> Iterator[Finding]:
    """User input is written unescaped into an HTML response built in Python.

    What it does:
        Flags request data that reaches `make_response`, `HttpResponse`, `HTMLResponse`, or
        a string containing markup returned from a route or view, including the result of
        a jinja2 `Template(...).render(...)` made without `autoescape=True`.

    Why is this bad:
        `<script>` in the input runs in every visitor's browser with the site's cookies and
        permissions (cross-site scripting). Python string formatting does not escape.

    Example:
        ```python
        return f"<h1>Hello {name}</h1>"
        ```

    Use instead:
        ```python
        return f"<h1>Hello {escape(name)}</h1>"  # or render_template(...)
        ```

    Fix safety:
        Safe: escaped text renders exactly as the original characters in the browser; only
        markup inside the user value stops being markup. The fix wraps interpolated user
        values of an f-string in `escape()` (markupsafe for Flask, Django's for Django,
        `html.escape` otherwise).
    """
    yield from findings(ctx, "html", escape_fix)


@rule("CW402", "user-input-marked-safe", cwe=(79,), severity=Severity.ERROR,
      fix_title="Escape the value with escape()", fix_applicability=Applicability.SAFE)
def user_input_marked_safe(ctx: RuleContext) -> Iterator[Finding]:
    """User input is wrapped in `Markup(...)` or `mark_safe(...)`.

    What it does:
        Flags `markupsafe.Markup` and Django's `mark_safe` applied to strings containing
        request data.

    Why is this bad:
        These calls tell the template engine the text is already safe HTML, switching off
        autoescaping for the user's part too: stored or reflected XSS.

    Example:
        ```python
        return render_template("page.html", bio=Markup(f"<p>{bio}</p>"))
        ```

    Use instead:
        ```python
        return render_template("page.html", bio=Markup("<p>{}</p>").format(bio))  # escapes bio
        ```

    Fix safety:
        Safe: the user's values are escaped inside the trusted markup; they display the same.
    """
    yield from findings(ctx, "markup", escape_fix)
