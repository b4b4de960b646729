"""Nodes of the module and of each function, without a walk per question.

The route analyses look at every handler body several times (effects, ids, checks, fetches);
walking each body with ``ast.walk`` for each question made a 2,000-line file cost several
walks of the whole tree. The module's nodes come from the document's own single pass
(:attr:`SourceDoc.nodes_depth_first`); a function's nodes are collected once, when first
asked for, in the same order.
"""

from __future__ import annotations

import ast

from ..source import SourceDoc

_KEY = "routes.function_nodes"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def all_nodes(doc: SourceDoc) -> list[ast.AST]:
    """Every node of the module, like ``list(ast.walk(doc.tree))`` (order differs: depth
    first, last child first)."""
    return doc.nodes_depth_first


def function_nodes(doc: SourceDoc, func: ast.AST) -> list[ast.AST]:
    """Every node under ``func`` (itself included), like ``list(ast.walk(func))``: for a
    function of the document in :func:`all_nodes` order, else in ``ast.walk`` order."""
    if not isinstance(func, _FUNCTIONS) or id(func) not in doc.parents:
        return list(ast.walk(func))
    memo: dict[int, list[ast.AST]] = doc.memo.setdefault(_KEY, {})  # type: ignore[assignment]
    found = memo.get(id(func))
    if found is None:
        found = memo[id(func)] = _depth_first(func)
    return found


def _depth_first(root: ast.AST) -> list[ast.AST]:
    """``root`` and its descendants in :func:`all_nodes` order (a subtree is contiguous
    there, so this is the slice of the module's order that starts at ``root``)."""
    found: list[ast.AST] = []
    AST = ast.AST
    stack = [root]
    pop, push, visit = stack.pop, stack.append, found.append
    while stack:
        node = pop()
        visit(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        push(item)
    return found
