"""Guards: ``if`` tests that prove a value safe on one branch.

``x in ALLOWED`` (a collection the user cannot change), ``re.fullmatch(...)``, ``x.isdigit()``,
``urlparse(url).hostname in ALLOWED_HOSTS`` (also through locals), a project function named
like a validator (``is_safe_url``), and ``x.startswith("/") and not x.startswith("//")`` for
local redirect targets. :meth:`GuardMixin.guards` returns what holds when the test is true
and when it is false; the walker applies them to the branches.
"""

from __future__ import annotations

import ast
import re

from ..invented.sanitizers import ineffective
from ..syntax import dotted, string_value
from .labels import LOCAL_PREFIX, NOT_PROTOCOL_RELATIVE, Label, clear
from .model import matches

Env = dict[str, frozenset[Label]]

_HOST_ATTRIBUTES = frozenset({"hostname", "netloc"})
#: Project functions whose name says they validate their argument (``is_safe_url``).
_VALIDATOR = re.compile(r"^_?(is_|has_)?(safe|valid|allowed|permitted|public|trusted|whitelisted|allowlisted)|^_?(validate|verify|check)_", re.IGNORECASE)
#: What such a validator is trusted for: the checks they usually make (hosts, paths).
_VALIDATED = ("ssrf", "redirect", "path")


class GuardMixin:
    """Guard recognition for the flow walker (needs ``doc``, ``model``, ``scope``, ``func``,
    ``flow`` and ``expr``)."""

    def guards(self, test: ast.expr, env: Env) -> tuple[list[tuple[str, tuple[str, ...]]], list[tuple[str, tuple[str, ...]]]]:
        """(names made safe when ``test`` is true, names made safe when it is false)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            when_true, when_false = self.guards(test.operand, env)
            return when_false, when_true
        if isinstance(test, ast.BoolOp):
            parts = [self.guards(v, env) for v in test.values]
            if isinstance(test.op, ast.And):  # true: all hold; false: what every failure proves
                return [g for t, _ in parts for g in t], _common([f for _, f in parts])
            return _common([t for t, _ in parts]), [g for _, f in parts for g in f]
        if isinstance(test, ast.Name):  # an empty value (falsy) cannot carry an attack
            return [], [(test.id, ("*",))]
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, right = test.ops[0], test.comparators[0]
            absent = self._absent_text(test.left, op, right)
            if absent is not None:
                return absent
            if isinstance(op, (ast.In, ast.NotIn)) and self._is_fixed_collection(right, env):
                guarded = self._membership_subject(test.left)
                if guarded:
                    return (guarded, []) if isinstance(op, ast.In) else ([], guarded)
            contained = self._common_path(test.left, op, right)
            if contained is not None:
                return contained
            if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Constant) and isinstance(test.left, ast.Name):
                guarded = (test.left.id, ("*",))
                return ([guarded], []) if isinstance(op, ast.Eq) else ([], [guarded])
            return [], []
        if isinstance(test, ast.Call):
            rejected = self._any_absent(test)
            if rejected is not None:
                return rejected
            quote = _quote_edge(test)
            if quote is not None:
                return [quote], []
            prefix = self._local_path_check(test)
            if prefix is not None:
                return prefix
            guarded = self._guard_call(test)
            if guarded:
                return [guarded], []
            validated = self._validator_call(test)
            if validated:
                return validated, []
            if isinstance(test.func, ast.Name) and test.func.id == "isinstance" and len(test.args) == 2:
                kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
                if isinstance(test.args[0], ast.Name) and all(dotted(k) in ("int", "float", "bool", "uuid.UUID", "UUID") for k in kinds):
                    return [(test.args[0].id, ("*",))], []
        if isinstance(test, ast.NamedExpr):
            return self.guards(test.value, env)
        return [], []

    def _common_path(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> tuple[list, list] | None:
        """``os.path.commonpath([base, dest]) == base``: ``dest`` lies inside ``base`` (the same
        containment check as ``dest.startswith(base)`` or ``is_relative_to``)."""
        if not isinstance(op, (ast.Eq, ast.NotEq)):
            return None
        call, other = (left, right) if isinstance(left, ast.Call) else (right, left)
        if not (isinstance(call, ast.Call) and len(call.args) == 1 and isinstance(call.args[0], (ast.List, ast.Tuple))):
            return None
        if not (self.doc.names.resolve(call.func, self.scope) or dotted(call.func) or "").endswith("commonpath"):
            return None
        paths = call.args[0].elts
        if len(paths) != 2:
            return None
        base = ast.dump(other)
        inside = [p for p in paths if ast.dump(p) != base]
        if len(inside) != 1 or len(paths) - len(inside) != 1:
            return None
        name = _innermost_name(inside[0])
        if not isinstance(name, ast.Name):
            return None
        proven = [(name.id, ("path",))]
        return (proven, []) if isinstance(op, ast.Eq) else ([], proven)

    def _absent_text(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> tuple[list, list] | None:
        """``"../" in name`` is false: name holds no ``../`` (safe for paths, by the
        ``[[taint_rejected_text]]`` rows); ``"'" in name[1:-1]`` is false: no inner quote."""
        text = string_value(left)
        if text is None or not isinstance(op, (ast.In, ast.NotIn)):
            return None
        subject = right.value if isinstance(right, ast.Subscript) and _is_inner_slice(right.slice) else right
        if not isinstance(subject, ast.Name):
            return None
        if subject is not right:
            facts: tuple[str, ...] = (f"no-inner:{text}",) if text in ("'", '"') else ()
        else:  # nothing but the rejected text is known: it says which sinks that protects
            row = self.model.rejections.get(text)
            if row is not None:
                row.hit()
            facts = tuple(row["clears"]) if row is not None else ()
        if not facts:
            return None
        proven = [(subject.id, facts)]
        return ([], proven) if isinstance(op, ast.In) else (proven, [])

    def _any_absent(self, call: ast.Call) -> tuple[list, list] | None:
        """``any(p in name for p in ("..", "/"))``: the same test as ``".." in name or "/" in name``
        (the texts a literal or a local name bound to one)."""
        if not (isinstance(call.func, ast.Name) and call.func.id == "any" and len(call.args) == 1):
            return None
        gen = call.args[0]
        if not (isinstance(gen, ast.GeneratorExp) and len(gen.generators) == 1 and not gen.generators[0].ifs):
            return None
        loop, test = gen.generators[0], gen.elt
        if not (isinstance(loop.target, ast.Name) and isinstance(test, ast.Compare) and len(test.ops) == 1
                and isinstance(test.ops[0], ast.In) and isinstance(test.left, ast.Name) and test.left.id == loop.target.id):
            return None
        texts = self._bound_value(loop.iter)  # type: ignore[attr-defined]
        if not isinstance(texts, (ast.List, ast.Tuple, ast.Set)) or not texts.elts:
            return None
        proven: list[tuple[str, tuple[str, ...]]] = []
        for text in texts.elts:
            found = self._absent_text(text, ast.In(), test.comparators[0])
            if found is not None:
                proven += found[1]
        return ([], proven) if proven else None

    def _is_fixed_collection(self, expr: ast.expr, env: Env) -> bool:
        if isinstance(expr, (ast.Set, ast.List, ast.Tuple)):
            return all(isinstance(e, ast.Constant) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(isinstance(k, ast.Constant) for k in expr.keys)
        if isinstance(expr, ast.Name):
            return not env.get(expr.id) and not self.flow.module_env.get(expr.id)
        if isinstance(expr, ast.Attribute):
            return not self.expr(expr, env)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "keys":
            return self._is_fixed_collection(expr.func.value, env)
        if isinstance(expr, ast.Call) and all(isinstance(a, (ast.Constant, ast.Name, ast.Attribute)) for a in [*expr.args, *(k.value for k in expr.keywords)]):
            # What the server lists by itself (``self.get_all_projects()``, ``os.listdir(DIR)``
            # of a folder it names): the user can only pick one of its values.
            return not self.expr(expr, dict(env))
        return False

    def _membership_subject(self, left: ast.expr) -> list[tuple[str, tuple[str, ...]]]:
        """``x in ALLOWED`` proves x; ``urlparse(url).hostname in ALLOWED_HOSTS`` proves url,
        also through locals (``host = urlparse(url).hostname``, ``parsed = urlparse(url)``)."""
        found = []
        if isinstance(left, ast.Name):
            found.append((left.id, ("*",)))
            binding = self._local_binding(left)
            if binding is not None:
                left = binding
        if isinstance(left, ast.Attribute) and left.attr in _HOST_ATTRIBUTES:
            parsed = left.value
            if isinstance(parsed, ast.Name):
                parsed = self._local_binding(parsed) or parsed
            if isinstance(parsed, ast.Call):
                guarded = self._guard_call(parsed)
                if guarded:
                    found.append(guarded)
        return found

    def _local_binding(self, name: ast.Name) -> ast.expr | None:
        value = self.doc.names.binding(name.id, self.scope) if self.func is not None else None
        return value if isinstance(value, ast.expr) else None

    def _validator_call(self, call: ast.Call) -> list[tuple[str, tuple[str, ...]]]:
        """``if not is_safe_url(url): abort()``: a project function named like a validator."""
        name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if not _VALIDATOR.match(name) or not call.args or self._checks_nothing(call.func):
            return []
        subject = call.args[0]
        if isinstance(subject, ast.Name):
            return [(subject.id, _VALIDATED)]
        found = self._membership_subject(subject)
        return [(guarded, _VALIDATED) for guarded, _ in found]

    def _checks_nothing(self, func: ast.expr) -> bool:
        """A validator whose body checks nothing (``return True``, a scheme check where the
        host matters: checks/invented/sanitizers.py) proves nothing: one of this module by
        its body, one imported from another module of the project by that module's facts."""
        definition = self.doc.names.binding(func.id) if isinstance(func, ast.Name) else None
        if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ineffective(definition) is not None
        resolved = self.doc.resolve(func)
        return bool(resolved) and self.flow.checks_nothing(resolved)

    @staticmethod
    def _local_path_check(call: ast.Call) -> tuple[list, list] | None:
        """``x.startswith("/")`` and ``not x.startswith("//")`` together make x a local path."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "startswith" and call.args):
            return None
        subject = call.func.value
        if not isinstance(subject, ast.Name):
            return None
        arg = call.args[0]
        prefixes = [e for e in (arg.elts if isinstance(arg, ast.Tuple) else [arg])]
        texts = [string_value(p) for p in prefixes]
        if texts == ["/"]:
            return [(subject.id, ("path", LOCAL_PREFIX))], []
        if texts and all(t is not None and t.startswith("//") or t == "/\\" for t in texts) and "//" in texts:
            return [], [(subject.id, (NOT_PROTOCOL_RELATIVE,))]
        return None

    def _guard_call(self, call: ast.Call) -> tuple[str, tuple[str, ...]] | None:
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        rows = self.model.guards.get(name or "")
        if not rows:
            return None
        resolved, written = self.doc.names.resolve(call.func, self.scope), dotted(call.func)
        for row in rows:
            if not matches(row["call"], resolved, written):
                continue
            index = row.get("arg", 0)
            if index == -1:
                subject = call.func.value if isinstance(call.func, ast.Attribute) else None
                subject = _innermost_name(subject)
            else:
                subject = call.args[index] if index < len(call.args) else None
                if subject is None and "keyword" in row:
                    subject = next((kw.value for kw in call.keywords if kw.arg == row["keyword"]), None)
            if isinstance(subject, ast.Name):
                row.hit()
                return (subject.id, tuple(row["clears"]))
        return None

    @staticmethod
    def _apply(env: Env, guarded: list[tuple[str, tuple[str, ...]]]) -> None:
        for name, categories in guarded:
            if env.get(name):
                env[name] = clear(env[name], categories)


def _common(alternatives: list[list[tuple[str, tuple[str, ...]]]]) -> list[tuple[str, tuple[str, ...]]]:
    """What holds whichever alternative happened: names guarded in all, categories in all."""
    if not alternatives or any(not a for a in alternatives):
        return []
    merged: dict[str, set[str]] | None = None
    for alternative in alternatives:
        current: dict[str, set[str]] = {}
        for name, categories in alternative:
            current.setdefault(name, set()).update(categories)
        if merged is None:
            merged = current
            continue
        for name in list(merged):
            if name not in current:
                del merged[name]
            elif "*" in merged[name]:
                merged[name] = set(current[name])
            elif "*" not in current[name]:
                merged[name] &= current[name]
    return [(name, tuple(sorted(cats))) for name, cats in (merged or {}).items() if cats]


def _quote_edge(call: ast.Call) -> tuple[str, tuple[str, ...]] | None:
    """``x.startswith("'")`` / ``x.endswith("'")``: one edge of a quoted literal."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith") and isinstance(func.value, ast.Name)):
        return None
    quote = string_value(call.args[0]) if len(call.args) == 1 else None
    if quote not in ("'", '"'):
        return None
    return func.value.id, (f"{'starts' if func.attr == 'startswith' else 'ends'}-with:{quote}",)


def _is_inner_slice(node: ast.expr) -> bool:
    """``[1:-1]``: everything between the first and the last character."""
    if not isinstance(node, ast.Slice) or node.step is not None:
        return False
    lower = node.lower.value if isinstance(node.lower, ast.Constant) else None
    upper = node.upper
    upper_value = -upper.operand.value if isinstance(upper, ast.UnaryOp) and isinstance(upper.op, ast.USub) and isinstance(upper.operand, ast.Constant) else None
    return lower == 1 and upper_value == -1


def _innermost_name(expr: ast.AST | None) -> ast.AST | None:
    """``os.path.realpath(path).startswith`` → ``path``; ``name.isdigit`` → ``name``."""
    while expr is not None and not isinstance(expr, ast.Name):
        if isinstance(expr, ast.Call):
            expr = expr.args[0] if expr.args else None
        elif isinstance(expr, (ast.Attribute, ast.Subscript)):
            expr = expr.value
        else:
            return None
    return expr

