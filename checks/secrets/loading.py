"""How a moved secret reaches the program again: who loads ``.env``, and what the fix adds.

Moving a literal to ``.env`` helps only when something loads ``.env`` before the value is
read: an ``os.environ["KEY"]`` that nothing feeds stops the app at start-up with a bare
``KeyError``. So the fix follows the project, in this order:

1. the reader loads ``.env`` itself (python-decouple's ``config``; a pydantic-settings class
   with ``env_file``), or the file calls a loader (``load_dotenv()``, ``env.read_env()``)
   before the value is read: the read stays as it is;
2. python-dotenv is declared by the project, installed for the configured interpreter, or
   already imported by the file: ``load_dotenv()`` goes after the imports;
3. otherwise the read is guarded by an error that names the variable and says where its
   value went, instead of a ``KeyError`` (a reader object of environs or django-environ
   raises its own error naming the variable; the note names its ``read_env``).

The loaders (``[[secret_env_loaders]]``) are data rows; nothing here runs or imports code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from ..context import RuleContext
from ..fixes import import_insert_line
from ..invented.dependencies import declared
from ..invented.installed import importable
from ..model import Edit, Position, Range
from ..syntax import dotted, matches_call
from .catalog import catalog
from .model import Secret

_DOTENV = "python-dotenv"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Loading:
    """How the value gets from ``.env`` to the program, and the edits that make it so.

    ``how`` ends the fix title ("load_dotenv() loads it"); ``note`` tells the user the
    rest when the fix is applied (what to run, what stops the app otherwise)."""

    how: str
    note: str
    edits: tuple[Edit, ...] = ()
    imports: tuple[str, ...] = ()


def plan(ctx: RuleContext, secret: Secret, loads_dotenv: bool, reads_os_environ: bool, root: Path | None,
         own_loader: str = "") -> Loading:
    """How ``secret``'s value will be loaded once it is in ``.env`` (see the module doc).

    ``loads_dotenv``: the project's reader loads ``.env`` by itself (python-decouple);
    ``reads_os_environ``: the replacement reads ``os.environ`` (``os.environ``/``os.getenv``),
    which ``load_dotenv()`` fills; ``own_loader``: the reader library's call that would load
    ``.env`` (``env.read_env()``), advised when nothing does."""
    name = secret.env_name
    if secret.settings_field:
        if _settings_env_file(ctx, secret.node):
            return Loading("pydantic-settings loads it (env_file)", f"The settings class reads {name} from .env (its env_file).")
        return Loading(
            "pydantic-settings reads the environment only",
            f"The settings class reads {name} from the environment and stops with a validation error naming the "
            "field when it is missing; it does not read .env until its model_config sets env_file='.env'.",
        )
    if loads_dotenv:
        return Loading("python-decouple loads it", f"python-decouple's config() reads {name} from .env.")
    loader = _loader_before(ctx, secret.node)
    if loader is not None:
        return Loading(f"{loader} loads it", f"{loader} loads .env before {name} is read.")
    if reads_os_environ and _dotenv_available(ctx, root):  # (asked once per analysis)
        return Loading(
            "adds load_dotenv() to load it",
            f"load_dotenv() (python-dotenv) now runs after the imports and puts {name} from .env into os.environ.",
            (_load_dotenv_edit(ctx),), ("from dotenv import load_dotenv",),
        )
    guard = _guard(ctx, secret, name) if reads_os_environ else None
    advice = (f"Nothing loads .env here: export {name} before running (for example `set -a; . ./.env; set +a`), "
              + (f"or call {own_loader} before {name} is read." if own_loader else "or install python-dotenv and call load_dotenv()."))
    if guard is None:
        return Loading("nothing loads .env: export it before running", advice)
    return Loading(
        "nothing loads .env: export it before running",
        advice + f" Until then the app stops with a message naming {name}.",
        (guard,), ("import os",),
    )


def _settings_env_file(ctx: RuleContext, field: ast.AST | None) -> bool:
    """The pydantic settings class holding ``field`` names an ``env_file`` (in
    ``model_config = SettingsConfigDict(env_file=...)`` or an inner ``class Config``)."""
    owner = ctx.doc.parent(field) if field is not None else None
    if not isinstance(owner, ast.ClassDef):
        return False
    for node in ast.walk(owner):
        if isinstance(node, ast.keyword) and node.arg == "env_file":
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "env_file" for t in targets):
                return True
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "env_file" for k in node.keys):
            return True
    return False


def _loader_before(ctx: RuleContext, node: ast.AST | None) -> str | None:
    """The loader call (as written, ``load_dotenv()``) that runs before ``node`` is read:
    at module level above the statement holding ``node``, or anywhere in the file when
    ``node`` is read later, inside a function."""
    if node is None or ctx.doc.tree is None:
        return None
    calls = _loader_calls(ctx)
    if not calls:
        return None
    if any(isinstance(a, _FUNCTIONS) for a in ctx.doc.ancestors(node)):
        return calls[0][1]
    start = _top_level(ctx, node)
    return next((written for line, written in calls if start is not None and line < start.lineno), None)


def _loader_calls(ctx: RuleContext) -> list[tuple[int, str]]:
    """(line of the top-level statement, call as written) of every loader call in the file,
    found once per analysis (a generated module can hold thousands of secrets)."""
    known = ctx.memo.get("secrets.loaders")
    if known is None:
        rows = catalog(ctx.knowledge).env_loaders
        known = []
        if ctx.doc.tree is not None and any(row["call"].rsplit(".", 1)[-1] in ctx.doc.text for row in rows):
            for statement in ctx.doc.tree.body:
                for call in (n for n in ast.walk(statement) if isinstance(n, ast.Call)):
                    row = next((r for r in rows if matches_call(ctx.doc, call, r["call"])), None)
                    if row is not None:
                        row.hit()
                        known.append((statement.lineno, f"{dotted(call.func) or row['call']}()"))
        ctx.memo["secrets.loaders"] = known
    return known  # type: ignore[return-value]


def _top_level(ctx: RuleContext, node: ast.AST) -> ast.stmt | None:
    top = None
    for ancestor in ctx.doc.ancestors(node):
        if isinstance(ancestor, ast.stmt):
            top = ancestor
    return top if top is not None else node if isinstance(node, ast.stmt) else None


def _dotenv_available(ctx: RuleContext, root: Path | None) -> bool:
    """python-dotenv is declared by the project, installed for the interpreter the user
    configured, or imported here (what happens to be installed elsewhere says nothing)."""
    known = ctx.memo.get("secrets.dotenv")
    if known is None:
        known = ctx.memo["secrets.dotenv"] = _find_dotenv(ctx, root)
    return known  # type: ignore[return-value]


def _find_dotenv(ctx: RuleContext, root: Path | None) -> bool:
    if any(target.split(".")[0] == "dotenv" for target in ctx.doc.names.imports.values()):
        return True
    if _DOTENV in (declared(root) or ()):
        return True
    installed = importable(ctx.doc.interpreter)
    return installed is not None and _DOTENV in installed[1]


def _load_dotenv_edit(ctx: RuleContext) -> Edit:
    """``load_dotenv()`` after the leading imports, set apart by a blank line."""
    line = import_insert_line(ctx.doc)
    lines = ctx.doc.lines
    if line < lines.line_count and not lines.line_text(line).strip():
        line += 1  # after the blank line that ends the imports: imports, blank, call, blank
        return Edit(Range(Position(line, 0), Position(line, 0)), "load_dotenv()\n\n")
    return Edit(Range(Position(line, 0), Position(line, 0)), "load_dotenv()\n")


def _guard(ctx: RuleContext, secret: Secret, name: str) -> Edit | None:
    """An ``if NAME not in os.environ: raise RuntimeError(...)`` before the statement that
    reads the value, at its indentation; None when that statement does not start its line
    (``if x: key = "..."``), where no statement can go in front of it."""
    statement = next((a for a in ctx.doc.ancestors(secret.node) if isinstance(a, ast.stmt)), None) if secret.node else None
    if statement is None:
        return None
    first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))]) - 1
    text = ctx.doc.lines.line_text(first)
    indent = text[: len(text) - len(text.lstrip())]
    column = statement.col_offset if first == statement.lineno - 1 else len(indent)
    if len(indent) != column:
        return None
    message = f"Set the environment variable {name}: codeward moved its value to .env, which this program does not load"
    guard = f'{indent}if "{name}" not in os.environ:\n{indent}    raise RuntimeError("{message}")\n'
    return Edit(Range(Position(first, 0), Position(first, 0)), guard)
