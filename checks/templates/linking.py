"""Joining a template with the views that render it, through the project index.

A render names a template relative to a template folder (``posts/show.html``); the
template file is known by its path from the project root
(``app/templates/posts/show.html``): the two match when the path ends with the name. The
verdict for a printed value follows the name it starts from back to the context value each
render passes: user data (request data, a route parameter, stored data) in any of them, a
value no render passes, or values that carry none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import FlowStep
from .document import TemplateStructure
from .expression import Printed
from .views import Passed, RenderFact, TemplateFacts

_FACT = "template_renders"
#: Template globals that are the request itself: printing from them prints user input.
REQUEST_GLOBALS = frozenset({"request"})


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

    @property
    def user_data(self) -> bool:
        return self.kind in ("user", "stored")


class ProjectTemplates:
    """What the project's Python files say about templates (empty without a project)."""

    def __init__(self, project: Any) -> None:
        self.facts: dict[str, TemplateFacts] = project.facts(_FACT) if project is not None else {}

    def dialect(self) -> str | None:
        engines = {f.engine for f in self.facts.values() if f.engine}
        return "django" if engines == {"django"} else "jinja" if "jinja" in engines else None

    def unsafe_filters(self) -> frozenset[str]:
        return frozenset(name for f in self.facts.values() for name in f.unsafe_filters)

    def links(self, template_path: str) -> list[Link]:
        found = []
        for view_path, facts in sorted(self.facts.items()):
            for render in facts.renders:
                if any(_names(template_path, name) for name in render.templates):
                    found.append(Link(view_path, render))
        return found


def _names(path: str, name: str) -> bool:
    name = name.lstrip("/")
    return path == name or path.endswith("/" + name)


def verdict(printed: Printed, structure: TemplateStructure, links: list[Link]) -> Verdict:
    if printed.constant:
        return Verdict("constant")
    root = structure.origin_of(printed.root)
    if root is None:
        return Verdict("unknown")
    if root in REQUEST_GLOBALS:
        return Verdict("user", f"user input from the template's `{root}`")
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
        return Verdict("stored" if first.stored else "user", f"{first.origin} in {link.view_path}", steps)
    if links and all(root in link.render.constants for link in links):
        return Verdict("constant")
    if links and all(root in link.render.names for link in links):
        return Verdict("clean")
    return Verdict("unknown")
