"""Sanitizers and validators that do nothing effective.

Assistants write ``def sanitize_input(value): return value.strip()`` or
``def is_safe_url(url): return url.startswith(("http://", "https://"))`` and then trust
them in front of a sink. A function *named* like a sanitizer or validator is judged by its
body, which must be one of the do-nothing shapes below to count as ineffective; anything
else (a call to an escaping library, a regex, a membership test, a raise) is presumed to do
real work:

* returns its argument unchanged (or accepts every value: ``return True``);
* only strips whitespace or changes case;
* for a URL, checks only the scheme where the host matters (a redirect or fetch target).
"""

from __future__ import annotations

import ast
import re

from ..project import ProjectIndex, fact_extractor
from ..source import SourceDoc

_FACT = "ineffective_sanitizers"
#: Names that promise sanitizing or validating (``sanitize_html``, ``clean_input``,
#: ``escape_sql``, ``validate_url``, ``is_safe_path``).
SANITIZER_NAME = re.compile(r"^_?(?:sanitize|sanitise|clean|escape_|validate_|is_safe|is_valid|verify_|check_safe|safe_)", re.IGNORECASE)
#: String methods that change nothing an attacker cares about.
_NO_OP_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "capitalize"})
_URL_WORDS = re.compile(r"url|uri|link|redirect|next|target|href|dest|return_to", re.IGNORECASE)
#: Names and attributes that show a URL check looks at more than the scheme.
_HOST_WORDS = re.compile(r"netloc|host|domain|port|allow|whitelist|trusted|fullmatch|match|search", re.IGNORECASE)
_SCHEME_TEXT = re.compile(r"^(?:https?|ftp|javascript|data|mailto)(?::(?://)?)?$", re.IGNORECASE)


def ineffective(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """Why ``function`` does nothing effective ("returns its argument unchanged"...), or
    None when it is not named like a sanitizer or its body may do real work."""
    if not SANITIZER_NAME.match(function.name):
        return None
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args) if a.arg not in ("self", "cls")]
    if not params or function.decorator_list and not _plain_decorators(function):
        return None
    subject = params[0]
    body = _without_docstring(function.body)
    if not body:
        return None
    if _scheme_only(function, subject):
        return "checks only the URL scheme, not the host"
    shapes = _shapes(body, subject)
    if shapes is None or not shapes:
        return None
    if shapes == {"accept"}:
        return "accepts every value"
    if shapes <= {"same", "accept"}:
        return "returns its argument unchanged"
    return "only strips whitespace or changes case"


def _plain_decorators(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``@staticmethod`` / ``@lru_cache`` change nothing about what the body checks."""
    return all((getattr(d, "id", None) or getattr(d, "attr", "")) in ("staticmethod", "classmethod", "lru_cache", "cache")
               for d in function.decorator_list)


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]
    return body


def _shapes(body: list[ast.stmt], subject: str) -> set[str] | None:
    """What the statements return: ``same`` (the argument), ``case`` (stripped or
    re-cased), ``accept`` (True), ``empty`` (a constant for empty input); None when any
    statement may do real work."""
    found: set[str] = set()
    for statement in body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Return):
            shape = _returned(statement.value, subject)
            if shape is None:
                return None
            found.add(shape)
        elif isinstance(statement, ast.Assign) and _is_subject(statement.targets, subject):
            shape = _returned(statement.value, subject)
            if shape not in ("same", "case"):
                return None
            if shape == "case":
                found.add(shape)
        elif isinstance(statement, ast.If) and _trivial_test(statement.test, subject):
            inner = _shapes(statement.body + statement.orelse, subject)
            if inner is None:
                return None
            found |= inner - {"empty"}
        else:
            return None
    return found


def _is_subject(targets: list[ast.expr], subject: str) -> bool:
    return len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id == subject


def _returned(value: ast.expr | None, subject: str) -> str | None:
    if isinstance(value, ast.Name) and value.id == subject:
        return "same"
    if isinstance(value, ast.Constant):
        return "accept" if value.value is True else "empty" if value.value in ("", None) else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "str" and len(value.args) == 1:
        inner = _returned(value.args[0], subject)
        return inner if inner in ("same", "case") else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _NO_OP_METHODS and not value.args:
        return "case" if _returned(value.func.value, subject) in ("same", "case") else None
    return None


def _trivial_test(test: ast.expr, subject: str) -> bool:
    """``if not value:`` / ``if value is None:`` / ``if isinstance(value, str):``."""
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    calls = {n.func.id for n in ast.walk(test) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return names <= {subject, "str", "bytes", "None", "isinstance", "len"} and calls <= {"isinstance", "len"}


def _scheme_only(function: ast.FunctionDef | ast.AsyncFunctionDef, subject: str) -> bool:
    """A URL validator that looks at the scheme and nothing that says where the URL goes."""
    if not (_URL_WORDS.search(function.name) or _URL_WORDS.search(subject)):
        return False
    scheme = False
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute):
            if node.attr == "scheme":
                scheme = True
            elif _HOST_WORDS.search(node.attr):
                return False
        elif isinstance(node, ast.Name) and _HOST_WORDS.search(node.id):
            return False
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            if not all(_literal_schemes(c) for c in node.comparators):
                return False  # membership in something other than a list of schemes
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith":
            scheme = scheme or all(_literal_schemes(a) for a in node.args)
            if not all(_literal_schemes(a) for a in node.args):
                return False
    return scheme


def _literal_schemes(node: ast.expr) -> bool:
    elements = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return bool(elements) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) and _SCHEME_TEXT.match(e.value)
                                  for e in elements)


@fact_extractor(_FACT)
def ineffective_functions(doc: SourceDoc) -> dict[str, str]:
    """Module-level functions of ``doc`` that do nothing effective, with the reason (so a
    call in another module can be judged)."""
    if doc.tree is None:
        return {}
    found = {}
    for statement in doc.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            reason = ineffective(statement)
            if reason is not None:
                found[statement.name] = reason
    return found


def imported_reason(project: ProjectIndex, path: str) -> str | None:
    """Why the project function at the dotted ``path`` checks nothing, by the facts of the
    module that defines it; None when it does check, or is not the project's."""
    module, _, name = path.rpartition(".")
    where = project.module_path(module) if module else None
    facts = project.facts(_FACT).get(where) if where else None
    return facts.get(name) if isinstance(facts, dict) else None
