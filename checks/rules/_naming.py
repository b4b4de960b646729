"""Does a value serve as a password or a security token? Read it from the names around it.

Assistants name things plainly (``reset_token = ...``, ``def generate_otp()``,
``hash_password(pw)``), so the names of the assignment target, keyword, dict key, enclosing
function and the call's own arguments are strong evidence. The patterns are data
(``[[sensitive_names]]``).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from ..knowledge import Knowledge, Row, declare_section
from ..source import SourceDoc
from ..syntax import string_value
from ._value_flow import destination_names_by_flow

declare_section(
    "sensitive_names",
    "Regular expressions over snake_case names that mark passwords or tokens.",
    required={"pattern": str, "kind": str},
)

declare_section(
    "sensitive_stores",
    "Regular expressions over snake_case names of places whose content is a credential"
    " (the session, cookies): any value stored there is a token.",
    required={"pattern": str},
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


@lru_cache(maxsize=4)
def _patterns(knowledge: Knowledge) -> list[tuple[re.Pattern[str], Row]]:
    return [(re.compile(row["pattern"]), row) for row in knowledge.rows("sensitive_names")]


def sensitive_kind(knowledge: Knowledge, name: str | None) -> str | None:
    """``"password"`` or ``"token"`` when ``name`` says so, else None."""
    if not name:
        return None
    lowered = snake(name)
    for pattern, row in _patterns(knowledge):
        if pattern.search(lowered):
            row.hit()
            return row["kind"]
    return None


@lru_cache(maxsize=4)
def _stores(knowledge: Knowledge) -> list[tuple[re.Pattern[str], Row]]:
    return [(re.compile(row["pattern"]), row) for row in knowledge.rows("sensitive_stores")]


def store_kind(knowledge: Knowledge, name: str) -> str | None:
    """``"token"`` when ``name`` is a session or cookie store, else None."""
    lowered = snake(name)
    for pattern, row in _stores(knowledge):
        if pattern.search(lowered):
            row.hit()
            return "token"
    return None


def flow_kind(doc: SourceDoc, knowledge: Knowledge, node: ast.expr) -> tuple[str, str] | None:
    """(kind, the name that gave it away) for where the value of ``node`` goes in its
    function, followed through local assignments: whatever the value's own variable is
    called, reaching the session, a cookie, a password file or a ``token`` makes it one."""
    for name in destination_names_by_flow(doc, node):
        kind = sensitive_kind(knowledge, name) or store_kind(knowledge, name)
        if kind:
            return kind, name
    return None


def _function_name(doc: SourceDoc, node: ast.AST) -> str | None:
    for anc in doc.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return anc.name
    return None


def destination_names(doc: SourceDoc, node: ast.AST) -> list[str]:
    """Names the value of ``node`` flows into within its statement: assignment targets,
    keyword and dict-key names, and (for returns) the enclosing function's name."""
    names: list[str] = []
    child = node
    for anc in doc.ancestors(node):
        if isinstance(anc, ast.keyword) and anc.arg:
            names.append(anc.arg)
        elif isinstance(anc, ast.Dict):
            for key, value in zip(anc.keys, anc.values):
                if value is child and string_value(key):
                    names.append(string_value(key))  # type: ignore[arg-type]
        elif isinstance(anc, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = anc.targets if isinstance(anc, ast.Assign) else [anc.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.append(target.id)
                elif isinstance(target, ast.Attribute):
                    names.append(target.attr)
                elif isinstance(target, ast.Subscript) and string_value(target.slice):
                    names.append(string_value(target.slice))  # type: ignore[arg-type]
            break
        elif isinstance(anc, ast.Return):
            function = _function_name(doc, anc)
            if function:
                names.append(function)
            break
        elif isinstance(anc, ast.stmt):
            break
        child = anc
    return names


def context_kind(doc: SourceDoc, knowledge: Knowledge, node: ast.AST, include_function: bool = True) -> tuple[str, str] | None:
    """(kind, the name that gave it away) for the value computed at ``node``."""
    candidates = destination_names(doc, node)
    if include_function:
        function = _function_name(doc, node)
        if function:
            candidates.append(function)
    for name in candidates:
        kind = sensitive_kind(knowledge, name)
        if kind:
            return kind, name
    return None
