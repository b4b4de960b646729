"""CW611-CW612: names an installed library does not define, and security APIs it removed.

Assistants write ``from flask import sanitize_input`` or ``bleach.sanitize(html)``: the
library is real, the name is not, and the "sanitizer" the code relies on does not exist
(an ImportError at best; a stub someone writes to make it import, at worst). They also
write APIs that libraries removed for security reasons: ``werkzeug.security.safe_str_cmp``,
PyJWT 1's ``jwt.decode(token, key)`` without ``algorithms``.

Both rules need to know what is installed: the configured ``interpreter`` (else a virtualenv
folder of the project), whose module sources are parsed (:mod:`..invented.defined`), never
imported. Without one, nothing is judged.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from ..context import RuleContext
from ..invented.defined import defined_names, distribution_version, module_file
from ..invented.installed import site_packages
from ..knowledge import Row, declare_section
from ..model import Applicability, Confidence, Edit, Finding, Fix, Range, Severity
from ..registry import rule
from ..syntax import keyword, matches_call, string_value
from .invented_code import project_folders, project_venv

declare_section(
    "removed_apis",
    "Security APIs removed from a library: `module`.`name` is gone since `removed`; `replacement` is"
    " the dotted path to use instead; `fix`: it is a drop-in (same arguments).",
    required={"module": str, "name": str, "removed": str, "replacement": str},
    optional={"fix": bool},
)

_MEMO = "invented.folders"


def installed_folders(ctx: RuleContext) -> tuple[Path, ...]:
    """``site-packages`` folders of the configured interpreter, else of a project virtualenv."""
    cached = ctx.memo.get(_MEMO)
    if cached is None:
        folders: list[Path] = []
        if ctx.doc.interpreter:
            folders = site_packages(Path(ctx.doc.interpreter))
        if not folders:
            venv = next(filter(None, map(project_venv, project_folders(ctx))), None)
            folders = site_packages(venv) if venv is not None else []
        cached = ctx.memo[_MEMO] = tuple(folders)
    return cached  # type: ignore[return-value]


def _removed(module: str, name: str, ctx: RuleContext) -> Row | None:
    for row in ctx.knowledge.rows("removed_apis"):
        if row["module"] == module and row["name"] == name:
            row.hit()
            return row
    return None


def _undefined(ctx: RuleContext, module: str, name: str) -> bool | None:
    """True when installed ``module`` does not define ``name``; None when unknown."""
    folders = installed_folders(ctx)
    if not folders or module.split(".")[0] in _project_modules(ctx):
        return None
    path = module_file(folders, module)
    names = defined_names(path) if path is not None else None
    return None if names is None else name not in names


def _project_modules(ctx: RuleContext) -> frozenset[str]:
    project = ctx.project
    if project is None:
        return frozenset()
    return frozenset(facts.module.split(".")[0] for facts in project.files.values() if facts.module)


def _uses(ctx: RuleContext) -> list[tuple[ast.AST, str, str, ast.ImportFrom | None]]:
    """(node, module, name, import statement) for every ``from M import name`` and every
    call ``m.name(...)`` where ``m`` is a module imported with ``import`` (collected once per
    analysis: CW611 and CW612 both go through them)."""
    found: list[tuple[ast.AST, str, str, ast.ImportFrom | None]] | None = ctx.memo.get("invented.uses")  # type: ignore[assignment]
    if found is None:
        found = ctx.memo["invented.uses"] = list(_collect_uses(ctx))
    return found


def _collect_uses(ctx: RuleContext) -> Iterator[tuple[ast.AST, str, str, ast.ImportFrom | None]]:
    for node in ctx.doc.nodes:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    yield alias, node.module, alias.name, node
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, (ast.Name, ast.Attribute)):
            # Only calls: plain attributes are also set at run time (`mail.outbox` in tests).
            node = node.func
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if not isinstance(root, ast.Name):
                continue
            bound = ctx.doc.names.binding(root.id)
            if not (isinstance(bound, tuple) and bound[0] == "import"):
                continue
            module = ctx.doc.resolve(node.value)
            if module and _is_module(ctx, module):
                yield node, module, node.attr, None


def _defined_locally(node: ast.AST) -> bool:
    """Dunder names (``__version__``, ``__file__``) exist on every module."""
    name = node.name if isinstance(node, ast.alias) else getattr(node, "attr", "")
    return name.startswith("__") and name.endswith("__")


def _is_module(ctx: RuleContext, module: str) -> bool:
    """``module`` is an installed module's dotted path (memoised: asked for every attribute)."""
    known: dict[str, bool] = ctx.memo.setdefault("invented.is_module", {})  # type: ignore[assignment]
    if module not in known:
        known[module] = module_file(installed_folders(ctx), module) is not None
    return known[module]


@rule("CW611", "undefined-library-name", cwe=(1357,), severity=Severity.ERROR, confidence=Confidence.HIGH)
def undefined_library_name(ctx: RuleContext) -> Iterator[Finding]:
    """A name is imported from, or used on, an installed library that does not define it.

    What it does:
        Reads the source of the module as installed in the configured interpreter (or the
        project's virtualenv) and flags `from flask import sanitize_input` and
        calls like `bleach.sanitize(...)` when the module binds no such name: no definition,
        assignment, import, submodule, or fixed `__getattr__` answer. Modules whose names
        are decided at run time (compiled modules, open-ended `__getattr__`, `globals()`
        writes) are not judged; nor is anything when no interpreter is known. Removed
        security APIs are CW612.

    Why is this bad:
        The function the code relies on (often a sanitizer or a check) does not exist: an
        ImportError in production, or a stub written to silence it that checks nothing.
        Assistants invent such helpers with plausible names.

    Example:
        ```python
        from flask import sanitize_input
        ```

    Use instead:
        ```python
        from markupsafe import escape  # an API the library documents
        ```

    Fix safety:
        No fix: only a person can tell which real API was meant.
    """
    for node, module, name, _ in _uses(ctx):
        if _undefined(ctx, module, name) and _removed(module, name, ctx) is None and not _defined_locally(node):
            yield ctx.finding(node, f"`{module}` as installed does not define `{name}`, so this fails at run time: "
                                    "either it never existed (assistants invent plausible helpers) or it was removed "
                                    "before the installed release; use an API the installed version documents")


@rule("CW612", "removed-security-api", cwe=(477,), severity=Severity.ERROR, confidence=Confidence.HIGH,
      fix_title="Use the replacement API", fix_applicability=Applicability.UNSAFE)
def removed_security_api(ctx: RuleContext) -> Iterator[Finding]:
    """A security API the installed library removed is used.

    What it does:
        Flags names listed as removed (`werkzeug.security.safe_str_cmp` since Werkzeug
        2.1, `flask.escape`/`flask.Markup` since Flask 3.0, `jinja2.escape`/`jinja2.Markup`
        since Jinja 3.1, `django.utils.http.is_safe_url` since Django 4.0,
        `flask.safe_join` since Flask 2.1, itsdangerous's JWS serializers since 2.1) when the
        installed module no longer defines them, and `jwt.decode(token, key)` without
        `algorithms=` when PyJWT 2 is installed (PyJWT 1 trusted the token's own `alg`
        header; PyJWT 2 raises instead).

    Why is this bad:
        The code was written for an API that is gone: it fails on import or on every
        token, and the usual "quick fix" (pinning the old version, or dropping the check)
        brings back what the removal fixed.

    Example:
        ```python
        from werkzeug.security import safe_str_cmp
        claims = jwt.decode(token, key)
        ```

    Use instead:
        ```python
        from hmac import compare_digest
        claims = jwt.decode(token, key, algorithms=["HS256"])
        ```

    Fix safety:
        Unsafe: `hmac.compare_digest` rejects non-ASCII `str` arguments that
        `safe_str_cmp` accepted; the `algorithms` list must match how the project signs
        its tokens (the algorithm of the file's own `jwt.encode`, else HS256).
    """
    for node, module, name, statement in _uses(ctx):
        row = _removed(module, name, ctx)
        if row is None or not _undefined(ctx, module, name):
            continue
        message = (f"`{module}.{name}` was removed in {row['removed']}; use `{row['replacement']}` instead")
        yield ctx.finding(node, message, fix=_replacement_fix(ctx, node, row, statement))
    yield from _jwt_without_algorithms(ctx)


def _replacement_fix(ctx: RuleContext, node: ast.AST, row: Row, statement: ast.ImportFrom | None) -> Fix | None:
    if not row.get("fix"):
        return None
    module, _, function = row["replacement"].rpartition(".")
    if statement is None:  # `werkzeug.security.safe_str_cmp(...)`
        return ctx.fix([ctx.replace(node, row["replacement"])], imports=(f"import {module}",))
    assert isinstance(node, ast.alias)
    local = node.asname or node.name
    line = f"from {module} import {function}" + (f" as {local}" if local != function else "")
    if len(statement.names) == 1:
        return ctx.fix([ctx.replace(statement, line)])
    rest = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in statement.names if a is not node)
    return ctx.fix([ctx.replace(statement, f"from {statement.module} import {rest}\n{line}")])


def _jwt_without_algorithms(ctx: RuleContext) -> Iterator[Finding]:
    folders = installed_folders(ctx)
    version = distribution_version(folders, "PyJWT") if folders else None
    if version is None or version < (2,):
        return
    algorithm = _signing_algorithm(ctx)
    for node in ctx.doc.nodes:
        if not (isinstance(node, ast.Call) and matches_call(ctx.doc, node, "jwt.decode")):
            continue
        # `options=` may turn signature checks off (then no algorithm is needed; CW5xx judges that).
        if any(k.arg in ("algorithms", "options", None) for k in node.keywords) or len(node.args) > 2:
            continue
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if not arguments:
            continue
        end = max((ctx.doc.range_of(a).end for a in arguments), key=lambda p: (p.line, p.column))
        closing = Edit(Range(end, end), f', algorithms=["{algorithm}"]')
        yield ctx.finding(node, "`jwt.decode` without `algorithms=`: PyJWT 2 (installed) rejects every token, and "
                                "PyJWT 1 let the token choose its own algorithm; name the algorithms you sign with",
                          fix=ctx.fix([closing], title=f'Add algorithms=["{algorithm}"]'))


def _signing_algorithm(ctx: RuleContext) -> str:
    """The ``algorithm=`` literal of the file's own ``jwt.encode``, else HS256."""
    for node in ctx.doc.nodes:
        if isinstance(node, ast.Call) and matches_call(ctx.doc, node, "jwt.encode"):
            value = keyword(node, "algorithm")
            text = string_value(value.value) if value is not None else None
            if text:
                return text
    return "HS256"
