"""Template findings: each print tag judged once, by where it lands and what it holds.

One print tag gets at most one finding, from the most specific rule: a value in a script
or event handler (CW413), a user-controlled URL (CW412), otherwise a value printed without
escaping (CW410: ``|safe``, a filter that marks its input safe, or an autoescape-off
region). Constants are never findings: the template's author wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..context import RuleContext
from ..model import Applicability, Confidence, Edit, Finding, Range
from .document import PrintTag, TemplateStructure, structure
from .expression import split_top_level
from .linking import Link, ProjectTemplates, Verdict, verdict

_MEMO = "templates.judged"
#: Filters that make a value safe inside a script (JSON or JS-string encoding) or a number.
_SCRIPT_SAFE = frozenset({"tojson", "json_script", "escapejs", "int", "float", "length", "count", "wordcount", "filesizeformat"})
#: Filters that escape: a print using one is escaped even where autoescape is off.
_ESCAPING = frozenset({"e", "escape", "force_escape", "striptags", "urlencode", "int", "float", "length", "count", "tojson"})
_UNSAFE_BUILTINS = frozenset({"safe", "safeseq"})
#: Filters whose output is markup-safe text: a later ``|safe`` marks nothing new.
_ENCODED = frozenset({"e", "escape", "force_escape", "forceescape", "urlencode", "tojson", "escapejs", "int", "float", "length", "count"})
#: Template globals that build URLs of the app itself.
_URL_BUILDERS = ("url_for(", "static(", "url(", "reverse(")
#: Values named as record ids or counts: numbers (primary keys) when they are a record's
#: field or come from the database; a request value itself is text whatever its name.
_NUMERIC_NAME = re.compile(r"(?:^|[._])(?:id|pk|count|total)$|_id$|[a-z]Id$|ID$")
#: Attributes the framework or the model computes, whatever record or form they belong to:
#: a Django bound field's element id and name (``form.title.id_for_label``), a model's own
#: link (``get_absolute_url``, built with ``reverse()``). Never text a client chose.
_SERVER_MADE = re.compile(r"\.(?:id_for_label|auto_id|html_name|html_initial_id|get_absolute_url)(?:\(\))?$")


@dataclass
class Judged:
    tag: PrintTag
    verdict: Verdict
    rule: str  # "script", "url", "unescaped" or ""
    why: str  # how the value escapes escaping, for messages


@dataclass
class TemplateAnalysis:
    structure: TemplateStructure
    links: list[Link]
    judged: list[Judged]


def analysis(ctx: RuleContext) -> TemplateAnalysis:
    known = ctx.memo.get(_MEMO)
    if isinstance(known, TemplateAnalysis):
        return known
    project = ProjectTemplates(ctx.project)
    shape = structure(ctx.doc, project.dialect())
    links = project.links(ctx.doc.path)
    unsafe_filters = _UNSAFE_BUILTINS | project.unsafe_filters()
    written = project.written_fields()
    kinds = project.field_kinds()
    judged = [_judge(tag, verdict(tag.printed, shape, links, written, kinds), shape, unsafe_filters) for tag in shape.prints]
    result = TemplateAnalysis(shape, links, judged)
    ctx.memo[_MEMO] = result
    return result


def _judge(tag: PrintTag, found: Verdict, shape: TemplateStructure, unsafe_filters: frozenset[str]) -> Judged:
    printed = tag.printed
    context = tag.context
    if found.kind == "constant" or any(printed.value.startswith(b) for b in _URL_BUILDERS) \
            or _SERVER_MADE.search(printed.value.strip()):
        return Judged(tag, found, "", "")
    if (context.script or context.event_handler) and not printed.filtered(*_SCRIPT_SAFE):
        value = printed.value.strip()
        if ("." in value or found.kind != "user") and _NUMERIC_NAME.search(value) and not printed.filtered(*_UNSAFE_BUILTINS):
            return Judged(tag, found, "", "")  # a record id: a number, printed as one
        return Judged(tag, found, "script", "")
    marked = _marked_unescaped(printed.filters, unsafe_filters)
    if context.url and shape.html is not None and shape.html.starts_value(context.attribute, tag.tag.start) \
            and not printed.filtered("urlencode") and not _scheme_checked(printed.value) and not found.web_url:
        return Judged(tag, found, "url", "")
    if marked is not None:
        why = "marked safe with `|safe`" if marked in _UNSAFE_BUILTINS else f"marked safe by the `{marked}` filter, which does not escape its input"
        return Judged(tag, found, "unescaped", why)
    if tag.unescaped_region and not printed.filtered(*_ESCAPING):
        return Judged(tag, found, "unescaped", "printed inside an autoescape-off block")
    return Judged(tag, found, "", "")


def _marked_unescaped(filters: tuple[str, ...], unsafe_filters: frozenset[str]) -> str | None:
    """The first filter marking the value safe, unless an encoding filter came before it:
    ``x|tojson|safe`` marks JSON that ``tojson`` already made safe for HTML (the documented
    way to print it), ``x|e|safe`` escaped text. ``striptags`` is not one: it unescapes
    entities, so ``x|striptags|safe`` can print ``<script>``."""
    for name in filters:
        if name in _ENCODED:
            return None
        if name in unsafe_filters:
            return name
    return None


def _scheme_checked(value: str) -> bool:
    return "startswith(" in value and "http" in value


def tag_range(ctx: RuleContext, start: int, end: int) -> Range:
    return Range(ctx.doc.lines.position(start), ctx.doc.lines.position(end))


def _value_text(ctx: RuleContext, judged: Judged) -> str:
    value = judged.tag.printed.value
    return value if len(value) <= 40 else value[:37] + "..."


# -- CW410 ----------------------------------------------------------------------------
def unescaped_output(ctx: RuleContext) -> Iterator[Finding]:
    result = analysis(ctx)
    for judged in result.judged:
        if judged.rule != "unescaped":
            continue
        found = judged.verdict
        if judged.tag.unescaped_region and not judged.tag.printed.filters and not found.user_data:
            continue  # the autoescape-off block itself is the finding (CW411)
        # A value no view is known to pass is most often the app's own markup (translations,
        # rendered widgets, CMS content from staff): low, shown when asked for.
        confidence = Confidence.HIGH if found.user_written else Confidence.MEDIUM if found.user_data else Confidence.LOW
        holds = f": it holds {found.origin}" if found.user_data else ""
        message = f"`{_value_text(ctx, judged)}` is {judged.why}{holds}; the browser runs any markup in it (XSS)"
        yield ctx.finding(
            tag_range(ctx, judged.tag.tag.start, judged.tag.tag.end), message,
            confidence=confidence, flow=found.flow, fix=_remove_safe(ctx, judged),
        )


def _remove_safe(ctx: RuleContext, judged: Judged) -> object:
    printed = judged.tag.printed
    text = ctx.doc.text
    edits = []
    inner_end = judged.tag.tag.inner_end
    for index, name in enumerate(printed.filters):
        if name not in _UNSAFE_BUILTINS:
            continue
        bar = printed.bars[index]
        end = printed.bars[index + 1] if index + 1 < len(printed.bars) else inner_end
        piece_end = bar + len(text[bar:end].rstrip())
        start = bar
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        edits.append(Edit(tag_range(ctx, start, piece_end), ""))
    if not edits:
        return None
    applicability = Applicability.SAFE if judged.verdict.user_data else Applicability.UNSAFE
    return ctx.fix(edits, applicability=applicability)


# -- CW411 ----------------------------------------------------------------------------
def autoescape_off(ctx: RuleContext) -> Iterator[Finding]:
    result = analysis(ctx)
    text = ctx.doc.text
    for opening, closing in result.structure.autoescape_off:
        inside = [j for j in result.judged if opening.end <= j.tag.tag.start < (closing.start if closing else len(text))]
        user = [j for j in inside if j.verdict.user_data]
        printed = [j for j in inside if j.verdict.kind != "constant"]
        confidence = Confidence.HIGH if user else Confidence.MEDIUM if printed else Confidence.LOW
        detail = f"; it prints {user[0].verdict.origin}" if user else ""
        inner = opening.inner(text)
        word = "false" if "false" in inner.lower() else "off"
        at = opening.inner_start + inner.lower().index(word)
        on = {"false": "true", "False": "True", "off": "on"}[inner[inner.lower().index(word):][:len(word)]]
        fix = ctx.fix([Edit(tag_range(ctx, at, at + len(word)), on)])
        yield ctx.finding(
            tag_range(ctx, opening.start, opening.end),
            f"autoescaping is switched off for this block{detail}: every value printed in it is HTML the browser runs (XSS)",
            confidence=confidence, fix=fix, flow=user[0].verdict.flow if user else (),
        )


# -- CW412 ----------------------------------------------------------------------------
def url_from_user(ctx: RuleContext) -> Iterator[Finding]:
    result = analysis(ctx)
    for judged in result.judged:
        if judged.rule != "url" or not judged.verdict.user_data:
            continue
        attribute = judged.tag.context.attribute
        assert attribute is not None
        found = judged.verdict
        confidence = Confidence.HIGH if found.kind == "user" else Confidence.MEDIUM if found.written else Confidence.LOW
        message = (
            f"`{_value_text(ctx, judged)}` is the whole URL of `{attribute.name}` and holds {judged.verdict.origin}: "
            "escaping does not stop a `javascript:` URL; allow only http(s) and relative URLs"
        )
        yield ctx.finding(
            tag_range(ctx, judged.tag.tag.start, judged.tag.tag.end), message,
            confidence=confidence, flow=judged.verdict.flow, fix=_scheme_check(ctx, judged, result),
        )


def _scheme_check(ctx: RuleContext, judged: Judged, result: TemplateAnalysis) -> object:
    if result.structure.dialect != "jinja":
        return None  # Django's template language cannot express the check inline
    tag = judged.tag.tag
    value = ctx.doc.text[tag.inner_start:tag.inner_end].strip()
    checked = f'{{{{ ({value}) if (({value})|string).lower().startswith(("http://", "https://", "/")) else "#" }}}}'
    return ctx.fix([Edit(tag_range(ctx, tag.start, tag.end), checked)])


# -- CW413 ----------------------------------------------------------------------------
def value_in_script(ctx: RuleContext) -> Iterator[Finding]:
    result = analysis(ctx)
    html = result.structure.html
    assert html is not None
    for judged in result.judged:
        if judged.rule != "script":
            continue
        tag = judged.tag.tag
        handler = judged.tag.context.event_handler
        quote = "" if handler else html.quoted_in_script(tag.start, tag.end)
        marked = judged.tag.printed.filtered(*_UNSAFE_BUILTINS)
        if quote in ("'", '"') and not marked and not judged.tag.unescaped_region \
                and _alone_in_string(html.text, judged, quote, result.judged):
            continue
        found = judged.verdict
        if found.user_written:
            # Escaped quotes keep a value inside a quoted string: request data stays a risk
            # (a trailing backslash joins two strings), stored text much less so.
            quoted = quote in ("'", '"') and not marked and not handler
            stored = found.kind == "stored"
            confidence = (Confidence.LOW if stored else Confidence.MEDIUM) if quoted else Confidence.HIGH
        elif found.user_data:
            confidence = Confidence.LOW  # stored data of a column clients do not write (ids, app-built values)
        elif marked and not handler:
            confidence = Confidence.MEDIUM
        elif found.kind == "unknown" and not quote:
            confidence = Confidence.LOW
        else:
            continue
        where = f"the `{judged.tag.context.attribute.name}` handler" if handler and judged.tag.context.attribute else "a <script> block"
        holds = f" and holds {found.origin}" if found.user_data else ""
        message = (
            f"`{_value_text(ctx, judged)}` is printed into {where}{holds}; HTML escaping does not protect JavaScript: "
            f"encode it with {'`|tojson`' if result.structure.dialect == 'jinja' else '`json_script` or `|escapejs`'}"
        )
        yield ctx.finding(
            tag_range(ctx, tag.start, tag.end), message, confidence=confidence, flow=found.flow,
            fix=None if handler else _encode_for_script(ctx, judged, quote, result.structure.dialect),
        )


def _alone_in_string(text: str, judged: Judged, quote: str, every: list[Judged]) -> bool:
    """An escaped value inside a quoted JavaScript string that closes on its line, with no
    other printed value on that line: escaping turned its quotes and ``<`` into entities,
    which a <script> element does not decode, so it cannot close the string or the element.
    A trailing backslash only breaks the line's syntax; it makes code of what follows only
    when another printed value follows on that line (``f('{{ a }}', '{{ b }}')``)."""
    start, end = judged.tag.tag.start, judged.tag.tag.end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if quote not in text[end:line_end]:
        return False
    return not any(line_start <= other.tag.tag.start < line_end for other in every if other is not judged)


def _encode_for_script(ctx: RuleContext, judged: Judged, quote: str, dialect: str) -> object:
    tag = judged.tag.tag
    text = ctx.doc.text
    printed = judged.tag.printed
    value = text[tag.inner_start:tag.inner_end].strip()
    for index in reversed(range(len(printed.filters))):  # drop |safe: the encoder replaces it
        if printed.filters[index] in _UNSAFE_BUILTINS:
            value = split_filters(value, index)
    if dialect == "django":
        if quote not in ("'", '"'):
            return None  # json_script needs an element of its own: no inline fix
        return ctx.fix([Edit(tag_range(ctx, tag.start, tag.end), "{{ " + value + "|escapejs }}")],
                       title="Encode the value with |escapejs", applicability=Applicability.SAFE)
    start, end = tag.start, tag.end
    if quote in ("'", '"') and text[start - 1:start] == quote and text[end:end + 1] == quote:
        start, end = start - 1, end + 1  # tojson writes the quotes itself
    elif quote:
        return None  # inside a longer string or template literal: no one-edit fix
    return ctx.fix([Edit(tag_range(ctx, start, end), "{{ " + value + "|tojson }}")],
                   title="Encode the value with |tojson", applicability=Applicability.UNSAFE)


def split_filters(value: str, drop: int) -> str:
    """``value`` without its ``drop``-th filter (0-based after the value)."""
    pieces = split_top_level(value, "|")
    kept = [pieces[0][1].rstrip()] + [p.strip() for i, (_, p) in enumerate(pieces[1:]) if i != drop]
    return "|".join(kept)
