"""Joining a template with the views that render it, through the project index.

A render names a template relative to a template folder (``posts/show.html``); the
template file is known by its path from the project root
(``app/templates/posts/show.html``): the two match when the path ends with the name. The
verdict for a printed value follows the name it starts from back to the context value each
render passes: user data (request data, a route parameter, stored data) in any of them, a
value no render passes, or values that carry none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import FlowStep
from .document import TemplateStructure
from .expression import Printed
from .stored import field_of, is_written
from .views import Passed, RenderFact, TemplateFacts

_FACT = "template_renders"
#: ``request.<part>`` read in a template (Flask, Django and Starlette requests): the parts
#: the client chooses. Others (``request.scheme``, ``request.user``) are not its text.
REQUEST_INPUTS = frozenset({
    "args", "form", "values", "cookies", "headers", "data", "json", "path", "full_path", "url", "query_string",
    "referrer", "GET", "POST", "COOKIES", "META", "body", "get_full_path", "query_params", "path_params",
})
_REQUEST_PART = re.compile(r"^\s*request\s*\.\s*(\w+)")


@dataclass(frozen=True)
class Link:
    view_path: str
    render: RenderFact


@dataclass(frozen=True)
class Verdict:
    """What a printed value holds: ``user`` (request data), ``stored`` (user data read back
    from the database), ``clean`` (every render passes it, none with user data),
    ``unknown``, or ``constant``."""

    kind: str
    origin: str = ""
    flow: tuple[FlowStep, ...] = ()
    #: Stored data of a field clients write (a form's or a view's): user-written text.
    written: bool = False
    #: It cannot be a ``javascript:`` link: a URL field validated to http(s)/ftp(s), or a
    #: value every view builds behind a literal that fixes the scheme (``f"?page={n}"``).
    web_url: bool = False

    @property
    def user_data(self) -> bool:
        return self.kind in ("user", "stored")

    @property
    def user_written(self) -> bool:
        """Request data, or stored data of a field clients write."""
        return self.kind == "user" or self.written


class ProjectTemplates:
    """What the project's Python files say about templates (empty without a project)."""

    def __init__(self, project: Any) -> None:
        self.facts: dict[str, TemplateFacts] = project.facts(_FACT) if project is not None else {}

    def dialect(self) -> str | None:
        engines = {f.engine for f in self.facts.values() if f.engine}
        return "django" if engines == {"django"} else "jinja" if "jinja" in engines else None

    def written_fields(self) -> frozenset[str]:
        return frozenset(name for f in self.facts.values() for name in f.written_fields)

    def field_kinds(self) -> FieldKinds:
        return FieldKinds(
            {field: kind for f in self.facts.values() for field, kind in f.field_kinds},
            frozenset(name for f in self.facts.values() for name in f.direct_fields),
        )

    def unsafe_filters(self) -> frozenset[str]:
        return frozenset(name for f in self.facts.values() for name in f.unsafe_filters)

    def links(self, template_path: str) -> list[Link]:
        found = []
        for view_path, facts in sorted(self.facts.items()):
            for render in facts.renders:
                if any(_names(template_path, name) for name in render.templates):
                    found.append(Link(view_path, render))
        return found


@dataclass(frozen=True)
class FieldKinds:
    """What the project's models and forms declare a field to hold (``Club.website`` →
    ``web_url``), and which fields views fill with request data directly (unvalidated)."""

    declared: dict[str, str]
    direct: frozenset[str] = frozenset()

    def kind(self, field: str, model: str | None) -> str | None:
        """The declared kind of ``model.field``; of a bare ``field`` (model unknown, or read
        through a relation: ``member.club.website`` of a ``ClubMember`` query) only when
        every class declaring a field of that name agrees."""
        if model is not None and f"{model}.{field}" in self.declared:
            return self.declared[f"{model}.{field}"]
        kinds = {kind for name, kind in self.declared.items() if name.endswith("." + field)}
        return kinds.pop() if len(kinds) == 1 else None

    def validated(self, field: str, model: str | None) -> bool:
        """No view stores request data in the field without its form's validation."""
        if model is not None:
            return f"{model}.{field}" not in self.direct and field not in self.direct
        return not any(name == field or name.endswith("." + field) for name in self.direct)


def _names(path: str, name: str) -> bool:
    name = name.lstrip("/")
    return path == name or path.endswith("/" + name)


def verdict(
    printed: Printed, structure: TemplateStructure, links: list[Link], written: frozenset[str] = frozenset(),
    kinds: FieldKinds = FieldKinds({}),
) -> Verdict:
    if printed.constant:
        return Verdict("constant")
    root = structure.origin_of(printed.root)
    if root is None:
        return Verdict("unknown")
    part = _REQUEST_PART.match(printed.value)
    if part is not None and part.group(1) in REQUEST_INPUTS:
        return Verdict("user", f"user input from the template's `request.{part.group(1)}`")
    passed: list[tuple[Link, Passed]] = [
        (link, p) for link in links for p in link.render.tainted if p.name == root
    ]
    if passed:
        passed.sort(key=lambda item: (item[1].stored, item[0].view_path, item[0].render.range.start))
        link, first = passed[0]
        steps = tuple(
            FlowStep(l.render.range, f"`{p.name}` holds {p.origin}, passed by `{l.render.function}()`", l.view_path)
            for l, p in passed[:4]
        )
        field = field_of(printed.value) if "." in printed.value else None
        kind = kinds.kind(field, first.model) if field is not None and first.stored else None
        if kind == "value":  # a number, date or boolean column: no text of the client's
            return Verdict("clean")
        user_written = field is not None and is_written(field, first.model, written)
        web_url = kind == "web_url" and kinds.validated(field, first.model)  # type: ignore[arg-type]
        web_url = web_url or (printed.value.strip() == printed.root == root and all(p.fixed_scheme for _, p in passed))
        origin = f"{first.origin} in {link.view_path}"
        if first.record and field is not None and not user_written:
            # A record the view filled or updated from user data: this field is not one of them.
            return Verdict("stored", f"a field of a record holding {origin}", steps, False, web_url)
        if first.stored and user_written:
            origin = f"`{field}`, a field users write, read back as {origin}"
        return Verdict("stored" if first.stored else "user", origin, steps, user_written, web_url)
    if links and all(root in link.render.constants for link in links):
        return Verdict("constant")
    if links and all(root in link.render.names for link in links):
        return Verdict("clean")
    return Verdict("unknown")
