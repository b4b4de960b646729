"""Whether anything in the project could call a function: the names its code mentions.

A helper that builds SQL from its parameter is dangerous only when a caller passes user
input. The flow follows the callers it can see: one passing request data makes an ordinary
finding at the helper's sink, and callers passing constants make none. What the flow cannot
tell apart is a helper the project calls only with safe values (quiet is right) from one
nothing in the project calls at all: a library API or a module meant for other code, whose
unknown caller decides. This fact tells them apart: every name a file's code reads (a
called or passed function, an attribute), so a function whose name no file mentions has no
caller in the project. Names in strings and comments do not count, so an edit to a comment
changes no fact.
"""

from __future__ import annotations

import ast

from ..context import RuleContext
from ..project import fact_extractor
from ..source import SourceDoc

_FACT = "mentioned_names"


@fact_extractor(_FACT)
def mentioned_names(doc: SourceDoc) -> frozenset[str] | None:
    """Every name read in ``doc``'s code: ``helper`` in ``helper(x)`` or ``map(helper, xs)``,
    ``find`` in ``repo.find(x)``. A ``def`` names a function without mentioning it."""
    if doc.tree is None:
        return None
    found = set()
    for node in doc.nodes:
        kind = node.__class__
        if kind is ast.Name:
            found.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            found.add(node.attr)  # type: ignore[attr-defined]
    return frozenset(found) or None


def has_project_caller(ctx: RuleContext, name: str) -> bool:
    """Whether any file of the project (this one included) mentions ``name``: a call, a
    reference passed on, a method called on some object. Without a project index only
    this file is known."""
    project = ctx.project
    if project is None:
        return name in (mentioned_names(ctx.doc) or ())
    mentioned = project.derived(_FACT, lambda: frozenset().union(*project.facts(_FACT).values()))
    # The document being analysed may be newer than its indexed facts (an editor buffer).
    return name in mentioned or name in (mentioned_names(ctx.doc) or ())
