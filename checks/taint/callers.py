"""Whether anything in the project could call a function: what each file imports, and which
of its own functions each file mentions.

A helper that builds SQL from its parameter is dangerous only when a caller passes user
input. The flow follows the callers it can see: one passing request data makes an ordinary
finding at the helper's sink, and callers passing constants make none. What the flow cannot
tell apart is a helper the project calls only with safe values (quiet is right) from one
nothing in the project calls at all: a library API or a module meant for other code, whose
unknown caller decides.

Another file can call a function only by importing it, its class or its module, so the fact
keeps each file's imports; inside its own file a function is called by name (``helper(x)``,
``self.helper(x)``, ``map(helper, xs)``), so the fact keeps which of the file's own functions
its code mentions. Both change only when what may call what changes: an edit inside a
function body that adds a local or calls a library leaves the fact (and with it the editor's
incremental path and the scan cache) alone. Functions a framework calls (registered by a
decorator, tests by their name, dunders by Python) have a caller too, just not one written
in the project.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from ..context import RuleContext
from ..names import absolute_module
from ..project import fact_extractor
from ..source import SourceDoc
from ..syntax import dotted
from .routes import FunctionNode

_FACT = "callers"
#: Decorators that register nothing: the function is still called by name.
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod",
                               "functools.wraps", "lru_cache", "functools.lru_cache", "cache", "functools.cache"})


@dataclass(frozen=True)
class Callers:
    """What one file can call outside itself, and which of its own functions it calls."""

    #: ``from m import n`` as ``m.n`` (relative imports made absolute).
    names: frozenset[str] = frozenset()
    #: ``import a.b``: every function of ``a.b`` (and of modules under it) may be called.
    modules: frozenset[str] = frozenset()
    #: Names of the file's own functions and methods that its code reads.
    own: frozenset[str] = frozenset()


@fact_extractor(_FACT)
def callers_fact(doc: SourceDoc) -> Callers | None:
    if doc.tree is None:
        return None
    package = doc.path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
    names: set[str] = set()
    modules: set[str] = set()
    defined: set[str] = set()
    read: set[str] = set()
    for node in doc.nodes:
        kind = node.__class__
        if kind is ast.Name:
            read.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            read.add(node.attr)  # type: ignore[attr-defined]
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            defined.add(node.name)  # type: ignore[attr-defined]
        elif kind is ast.Import:
            modules.update(alias.name for alias in node.names if not _standard(alias.name))  # type: ignore[attr-defined]
        elif kind is ast.ImportFrom:
            module = absolute_module(node, doc.module_name, package)  # type: ignore[arg-type]
            if node.level or not _standard(module):  # type: ignore[attr-defined]
                for alias in node.names:  # type: ignore[attr-defined]
                    names.add(module if alias.name == "*" else f"{module}.{alias.name}")
    found = Callers(frozenset(names), frozenset(modules), frozenset(defined & read))
    return found if found.names or found.modules or found.own else None


def _standard(module: str) -> bool:
    """A module of Python's standard library: it calls no function of the project (so an
    added ``import os`` changes no fact)."""
    return module.split(".", 1)[0] in sys.stdlib_module_names


def has_project_caller(ctx: RuleContext, func: FunctionNode) -> bool:
    """Whether something calls ``func``: a framework, code of its own file that names it, or
    another file that imports it, its class or its module. Without a project index only its
    own file is known."""
    name = func.name
    if name.startswith("test") or (name.startswith("__") and name.endswith("__")):
        return True
    if any((dotted(deco.func if isinstance(deco, ast.Call) else deco) or "") not in _PLAIN_DECORATORS for deco in func.decorator_list):
        return True
    own = callers_fact(ctx.doc)
    if own is not None and name in own.own:
        return True
    project = ctx.project
    if project is None:
        return False
    names, modules = project.derived(_FACT, lambda: _imports(project.facts(_FACT).values()))
    owner = next((stmt.name for stmt in ctx.doc.tree.body if isinstance(stmt, ast.ClassDef) and func in stmt.body), None) if ctx.doc.tree else None
    parts = ctx.doc.module_name.split(".") if ctx.doc.module_name else []
    # Callers name the module by its dotted name or, scripts importing a neighbour, by a tail.
    for start in range(len(parts)):
        module = ".".join(parts[start:])
        if f"{module}.{owner or name}" in names or module in names:
            return True
        if any(module == imported or module.startswith(imported + ".") for imported in modules):
            return True
    return False


def _imports(facts) -> tuple[frozenset[str], frozenset[str]]:
    found = [fact for fact in facts if isinstance(fact, Callers)]
    return frozenset().union(*(f.names for f in found)), frozenset().union(*(f.modules for f in found))
