"""Nodes of the module and of each function, without a walk per question.

The route analyses look at every handler body several times (effects, ids, checks, fetches);
walking each body with ``ast.walk`` for each question made a 2,000-line file cost several
walks of the whole tree. The module's nodes come from the document's own single pass
(:attr:`SourceDoc.nodes_depth_first`); a function's nodes are its slice of that list, taken
once, when first asked for.
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
    function of the document in :func:`all_nodes` order (its slice of that list: a subtree
    is contiguous there), else in ``ast.walk`` order."""
    span = doc.function_span(func) if isinstance(func, _FUNCTIONS) else None
    if span is None:
        return list(ast.walk(func))
    memo: dict[int, list[ast.AST]] = doc.memo.setdefault(_KEY, {})  # type: ignore[assignment]
    found = memo.get(id(func))
    if found is None:
        found = memo[id(func)] = doc.nodes_depth_first[span[0] : span[1]]
    return found


def assignments_in_order(doc: SourceDoc, func: ast.AST) -> list[ast.Assign | ast.AnnAssign]:
    """The assignments with a value under ``func``, in source order. :func:`function_nodes`
    goes last child first, so a pass over its assignments meets ``c = b`` before ``b = a``:
    a chain of locals (``claims = get_jwt_identity(); sub = claims["sub"]; me =
    User.query.get(sub)``) must be followed in the order the code runs it, or a fixed number
    of passes stops short of its end."""
    found = [n for n in function_nodes(doc, func) if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))  # type: ignore[arg-type]
