"""One template's structure: its print tags with where they land, autoescape-off regions,
names bound inside the template, and which language (Jinja2 or Django) it is written in.

Built once per document version and kept in ``doc.memo``; every template rule reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..source import SourceDoc
from .expression import Printed, parse_printed, root_name, split_top_level
from .html import Context, HtmlMap
from .lexer import Tag, masked, tags

_MEMO = "templates.document"
_AUTOESCAPE_OFF = re.compile(r"^\s*autoescape\s+(false|off|False)\s*$")
_HTML_TAG = re.compile(r"<[A-Za-z!/]")
#: File names of plain-text mail bodies and subjects (Django's password_reset_email.html).
_MAIL_NAME = re.compile(r"e?-?mail|subject|\.txt$", re.IGNORECASE)
_FOR = re.compile(r"^\s*for\s+(.+?)\s+in\s+(.+?)(?:\s+if\s.*|\s+recursive\s*)?$", re.S)
_SET = re.compile(r"^\s*set\s+([\w\s,]+?)\s*=\s*(.+)$", re.S)
_WITH_AS = re.compile(r"^\s*with\s+(.+?)\s+as\s+(\w+)\s*$", re.S)
_ASSIGNMENT = re.compile(r"(\w+)\s*=\s*")
#: Syntax only one of the two languages has.
_DJANGO_ONLY = re.compile(r"\{%-?\s*(load|url\s+['\"]|csrf_token|static\s|empty\s*%|now\s|firstof|cycle\s|verbatim|autoescape\s+(?:on|off))|\|\w+:")
_JINJA_ONLY = re.compile(r"\{%-?\s*(set\s|macro\s|call\b|raw\s*-?%|import\s|from\s+\S+\s+import|autoescape\s+(?:true|false))|\{[{%]-|-[}%]\}|\|\s*tojson|\w\([^()]*\)\s*[|}]|\bloop\.")


@dataclass(frozen=True)
class PrintTag:
    tag: Tag
    printed: Printed
    context: Context
    #: Inside an ``{% autoescape false %}`` region: printed without escaping.
    unescaped_region: bool


@dataclass
class TemplateStructure:
    dialect: str  # "jinja" or "django"
    prints: list[PrintTag] = field(default_factory=list)
    #: ``{% autoescape false %}`` tags (and their closing tag, None when still unclosed).
    autoescape_off: list[tuple[Tag, Tag | None]] = field(default_factory=list)
    #: Names bound by for/set/with → the context variable they come from.
    aliases: dict[str, str] = field(default_factory=dict)
    html: HtmlMap | None = None

    def origin_of(self, name: str | None) -> str | None:
        """The context variable ``name`` stands for (following for/set/with bindings)."""
        seen = set()
        while name is not None and name in self.aliases and name not in seen:
            seen.add(name)
            name = self.aliases[name]
        return name


def structure(doc: SourceDoc, project_dialect: str | None = None) -> TemplateStructure:
    """The structure of ``doc`` (a template), computed once per document version."""
    known = doc.memo.get(_MEMO)
    if isinstance(known, TemplateStructure):
        return known
    text = doc.text
    found = tags(text)
    plain = masked(text, found)
    html = HtmlMap(plain)
    result = TemplateStructure(detect_dialect(text, project_dialect), html=html)
    regions: list[tuple[int, int]] = []
    open_blocks: list[Tag] = []
    for tag in found:
        if tag.kind != "statement" or not tag.closed:
            continue
        inner = tag.inner(text)
        name = tag.statement(text)
        if name == "autoescape":
            open_blocks.append(tag)
            if _AUTOESCAPE_OFF.match(inner) and not _plain_text_mail(doc.path, plain):
                result.autoescape_off.append((tag, None))
        elif name == "endautoescape" and open_blocks:
            opening = open_blocks.pop()
            for index, (off, _) in enumerate(result.autoescape_off):
                if off is opening:
                    result.autoescape_off[index] = (off, tag)
                    regions.append((opening.end, tag.start))
        else:
            _bind(result.aliases, name, inner)
    for off, closing in result.autoescape_off:
        if closing is None:
            regions.append((off.end, len(text)))
    for tag in found:
        if tag.kind == "output" and tag.closed:
            printed = parse_printed(tag.inner(text), tag.inner_start)
            inside = any(start <= tag.start < end for start, end in regions)
            result.prints.append(PrintTag(tag, printed, html.context(tag.start), inside))
    doc.memo[_MEMO] = result
    return result


def _plain_text_mail(path: str, markup: str) -> bool:
    """A mail body or subject without any HTML: escaping would corrupt it (``&amp;`` in a
    password-reset link), so switching it off there is right, not a finding."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return _MAIL_NAME.search(name) is not None and _HTML_TAG.search(markup) is None


def _bind(aliases: dict[str, str], name: str, inner: str) -> None:
    """Record the names a for/set/with statement binds and what they come from."""
    if name in ("for", "set"):  # {% for a, b in source %}, {% set a = source %}
        match = (_FOR if name == "for" else _SET).match(inner)
        source = root_name(match.group(2)) if match else None
        for target in match.group(1).split(",") if match and source else ():
            if target.strip().isidentifier():
                aliases[target.strip()] = source
    elif name == "with":
        old_style = _WITH_AS.match(inner)
        if old_style:
            source = root_name(old_style.group(1))
            if source:
                aliases[old_style.group(2)] = source
            return
        body = inner.strip()[len("with"):]
        for _, part in split_top_level(body, ","):
            for assignment in re.split(r"\s+(?=\w+\s*=)", part.strip()):
                match = _ASSIGNMENT.match(assignment)
                if match:
                    source = root_name(assignment[match.end():])
                    if source:
                        aliases[match.group(1)] = source


def detect_dialect(text: str, project_dialect: str | None) -> str:
    """``django`` or ``jinja``: the template's own syntax first, then what the project uses
    (Django settings or views, Flask/jinja2), Jinja when nothing tells."""
    django = len(_DJANGO_ONLY.findall(text))
    jinja = len(_JINJA_ONLY.findall(text))
    if django != jinja:
        return "django" if django > jinja else "jinja"
    return project_dialect or "jinja"
