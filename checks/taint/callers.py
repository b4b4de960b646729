"""Whether anything in the project could call a function: the names its code mentions.

A helper that builds SQL from its parameter is dangerous only when a caller passes user
input. The flow follows the callers it can see: one passing request data makes an ordinary
finding at the helper's sink, and callers passing constants make none. What the flow cannot
tell apart is a helper the project calls only with safe values (quiet is right) from one
nothing in the project calls at all: a library API or a module meant for other code, whose
unknown caller decides. This fact tells them apart: every name a file's code reads (a
called or passed function, an attribute), so a function whose name no file mentions has no
caller in the project. Names in strings and comments do not count, so an edit to a comment
changes no fact. Functions a framework calls (registered by a decorator, tests by their
name) have a caller too, just not one written in the project.
"""

from __future__ import annotations

import ast

from ..context import RuleContext
from ..project import fact_extractor
from ..source import SourceDoc
from ..syntax import dotted
from .routes import FunctionNode

_FACT = "mentioned_names"
#: Decorators that register nothing: the function is still called by name.
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod",
                               "functools.wraps", "lru_cache", "functools.lru_cache", "cache", "functools.cache"})


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


def has_project_caller(ctx: RuleContext, func: FunctionNode) -> bool:
    """Whether something calls ``func``: a framework (a registering decorator, a test
    runner's ``test_*`` convention, Python itself for ``__init__`` and other dunders) or any
    file of the project (this one included) that mentions its name: a call, a reference
    passed on, a method called on some object. Without a project index only this file is
    known."""
    name = func.name
    if name.startswith("test") or (name.startswith("__") and name.endswith("__")):
        return True
    if any((dotted(deco.func if isinstance(deco, ast.Call) else deco) or "") not in _PLAIN_DECORATORS for deco in func.decorator_list):
        return True
    project = ctx.project
    if project is None:
        return name in (mentioned_names(ctx.doc) or ())
    mentioned = project.derived(_FACT, lambda: frozenset().union(*project.facts(_FACT).values()))
    # The document being analysed may be newer than its indexed facts (an editor buffer).
    return name in mentioned or name in (mentioned_names(ctx.doc) or ())
