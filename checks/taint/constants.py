"""Values known while walking a function: constants, and branches they make dead.

``num = 86`` then ``if 7 * 42 - num > 200:`` always takes its first branch; ``guess =
"ABC"[1]`` then ``match guess:`` always takes ``case 'B'``. Taint merged in from a branch
that never runs is a false alarm, so the walker evaluates such tests and walks only the live
branch. The values are tracked in statement order (a name assigned again, in a loop, in a
branch that disagrees, or to something unknown is forgotten), so only what holds on every
path is used. Evaluation is limited to literals and cheap operators: nothing analysed runs.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable

#: The result of evaluating something that is not a known constant.
UNKNOWN = object()
_MAX_TEXT = 10_000

_BINARY: dict[type, Callable[[object, object], object]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod, ast.Div: operator.truediv,
}
_COMPARE: dict[type, Callable[[object, object], object]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,  # type: ignore[operator]
}
_SIMPLE = (int, float, str, bool, type(None), tuple)


def evaluate(expr: ast.AST | None, known: dict[str, object]) -> object:
    """The value of ``expr`` from literals and the ``known`` names, else :data:`UNKNOWN`."""
    try:
        value = _evaluate(expr, known)
    except (ArithmeticError, TypeError, ValueError, IndexError, KeyError, RecursionError):
        return UNKNOWN
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return UNKNOWN
    return value


def _evaluate(expr: ast.AST | None, known: dict[str, object]) -> object:
    if isinstance(expr, ast.Constant):
        return expr.value if isinstance(expr.value, _SIMPLE) else UNKNOWN
    if isinstance(expr, ast.Name):
        return known.get(expr.id, UNKNOWN)
    if isinstance(expr, ast.Tuple):
        items = tuple(_evaluate(e, known) for e in expr.elts)
        return UNKNOWN if UNKNOWN in items else items
    if isinstance(expr, ast.BinOp) and type(expr.op) in _BINARY:
        left, right = _evaluate(expr.left, known), _evaluate(expr.right, known)
        if left is UNKNOWN or right is UNKNOWN or _too_big(expr.op, left, right):
            return UNKNOWN
        return _BINARY[type(expr.op)](left, right)
    if isinstance(expr, ast.UnaryOp):
        operand = _evaluate(expr.operand, known)
        if operand is UNKNOWN:
            return UNKNOWN
        if isinstance(expr.op, ast.Not):
            return not operand
        if isinstance(expr.op, ast.USub):
            return -operand  # type: ignore[operator]
        return operand if isinstance(expr.op, ast.UAdd) else UNKNOWN
    if isinstance(expr, ast.BoolOp):
        return _bool_op(expr, known)
    if isinstance(expr, ast.Compare):
        left = _evaluate(expr.left, known)
        for op, comparator in zip(expr.ops, expr.comparators):
            right = _evaluate(comparator, known)
            if left is UNKNOWN or right is UNKNOWN or type(op) not in _COMPARE:
                return UNKNOWN
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(expr, ast.Subscript):
        value = _evaluate(expr.value, known)
        if not isinstance(value, (str, tuple)):
            return UNKNOWN
        if isinstance(expr.slice, ast.Slice):
            parts = [None if p is None else _evaluate(p, known) for p in (expr.slice.lower, expr.slice.upper, expr.slice.step)]
            return UNKNOWN if UNKNOWN in parts else value[slice(*parts)]  # type: ignore[misc]
        index = _evaluate(expr.slice, known)
        return value[index] if isinstance(index, int) else UNKNOWN  # type: ignore[index]
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for part in expr.values:
            value = _evaluate(part.value if isinstance(part, ast.FormattedValue) else part, known)
            if value is UNKNOWN or (isinstance(part, ast.FormattedValue) and (part.conversion != -1 or part.format_spec)):
                return UNKNOWN
            parts.append(str(value))
        return "".join(parts)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "len" and len(expr.args) == 1:
        value = _evaluate(expr.args[0], known)
        return len(value) if isinstance(value, (str, tuple)) else UNKNOWN
    return UNKNOWN


def _bool_op(expr: ast.BoolOp, known: dict[str, object]) -> object:
    result: object = UNKNOWN
    for value_node in expr.values:
        result = _evaluate(value_node, known)
        if result is UNKNOWN:
            return UNKNOWN
        if isinstance(expr.op, ast.And) and not result:
            return result
        if isinstance(expr.op, ast.Or) and result:
            return result
    return result


def _too_big(op: ast.operator, left: object, right: object) -> bool:
    """Refuse ``"x" * 10**9`` and huge powers of strings: analysis must stay cheap."""
    if isinstance(op, ast.Mult):
        sizes = [len(v) for v in (left, right) if isinstance(v, (str, tuple))]
        counts = [v for v in (left, right) if isinstance(v, int)]
        return bool(sizes) and bool(counts) and sizes[0] * max(counts[0], 0) > _MAX_TEXT
    return False


def assigned_names(body: Iterable[ast.AST]) -> set[str]:
    """Every plain name a block stores to (loop bodies, try bodies: their values vary)."""
    names: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                names.add(node.func.value.id + LENGTH)  # lst.append(...): its length changes
    return names


#: Suffix of the entry holding a list's known length (``lst#len``).
LENGTH = "#len"


def agreed(outcomes: list[dict[str, object]]) -> dict[str, object]:
    """The constants every branch that falls through agrees on."""
    if not outcomes:
        return {}
    first, *rest = outcomes
    return {name: value for name, value in first.items() if all(name in other and other[name] == value for other in rest)}


def match_case(subject: object, cases: list[ast.match_case]) -> ast.match_case | None | object:
    """The case a constant subject takes: the case, None when none matches, UNKNOWN when a
    pattern is beyond literals, captures and ``_``."""
    for case in cases:
        verdict = _pattern_matches(case.pattern, subject)
        if verdict is UNKNOWN or (verdict and case.guard is not None):
            return UNKNOWN
        if verdict:
            return case
    return None


def _pattern_matches(pattern: ast.pattern, subject: object) -> object:
    if isinstance(pattern, ast.MatchValue):
        value = evaluate(pattern.value, {})
        return UNKNOWN if value is UNKNOWN else value == subject
    if isinstance(pattern, ast.MatchSingleton):
        return pattern.value is subject
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    if isinstance(pattern, ast.MatchOr):
        verdicts = [_pattern_matches(p, subject) for p in pattern.patterns]
        if True in verdicts:
            return True
        return UNKNOWN if UNKNOWN in verdicts else False
    return UNKNOWN
