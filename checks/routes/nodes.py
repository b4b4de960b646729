"""Nodes of each function, collected in one pass over the tree.

The route analyses look at every handler body several times (effects, ids, checks, fetches);
walking each body with ``ast.walk`` for each question made a 2,000-line file cost several
walks of the whole tree. One hand-rolled pass (no generator per node) files every node under
each function that contains it, and the analyses iterate over those lists.
"""

from __future__ import annotations

import ast

from ..source import SourceDoc

_KEY = "_access_function_nodes"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _index(doc: SourceDoc) -> dict[int, list[ast.AST]]:
    cached = doc.__dict__.get(_KEY)
    if cached is not None:
        return cached
    everything: list[ast.AST] = []
    index: dict[int, list[ast.AST]] = {0: everything}
    AST = ast.AST
    stack: list[tuple[ast.AST, tuple[list[ast.AST], ...]]] = [(doc.tree, ())] if doc.tree is not None else []
    pop, push = stack.pop, stack.append
    while stack:
        node, owners = pop()
        everything.append(node)
        for bucket in owners:
            bucket.append(node)
        if isinstance(node, _FUNCTIONS):
            bucket = index[id(node)] = [node]
            inner = (*owners, bucket)
        else:
            inner = owners
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push((value, inner))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push((item, inner))
    doc.__dict__[_KEY] = index
    return index


def all_nodes(doc: SourceDoc) -> list[ast.AST]:
    """Every node of the module, like ``list(ast.walk(doc.tree))`` (order differs)."""
    return _index(doc)[0]


def function_nodes(doc: SourceDoc, func: ast.AST) -> list[ast.AST]:
    """Every node under ``func`` (itself included), like ``list(ast.walk(func))``."""
    found = _index(doc).get(id(func))
    return found if found is not None else list(ast.walk(func))
