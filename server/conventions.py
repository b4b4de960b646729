"""What a project already does for security, read from its code: the facts behind
``codeward instructions`` (rules an AI assistant should follow in this project).

Each fact comes from the project itself, never from a template: the guard its routes use and
where it is imported from, the database driver and its placeholder style, how settings and
secrets are read, how HTML is rendered, how records are tied to the caller, and which routes
are public on purpose. A fact that cannot be found is left out rather than guessed.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from codeward.checks.config import Config
from codeward.checks.routes import RouteSummary
from codeward.checks.source import SourceDoc

#: Driver module → (name people know, how its queries take parameters).
DRIVERS = {
    "sqlite3": ("sqlite3", "`?` placeholders: `cur.execute(\"SELECT ... WHERE id = ?\", (item_id,))`"),
    "psycopg2": ("psycopg2", "`%s` placeholders: `cur.execute(\"SELECT ... WHERE id = %s\", (item_id,))`"),
    "psycopg": ("psycopg", "`%s` placeholders: `cur.execute(\"SELECT ... WHERE id = %s\", (item_id,))`"),
    "pymysql": ("PyMySQL", "`%s` placeholders: `cur.execute(\"SELECT ... WHERE id = %s\", (item_id,))`"),
    "MySQLdb": ("mysqlclient", "`%s` placeholders: `cur.execute(\"SELECT ... WHERE id = %s\", (item_id,))`"),
    "mysql.connector": ("mysql-connector", "`%s` placeholders: `cur.execute(\"SELECT ... WHERE id = %s\", (item_id,))`"),
    "asyncpg": ("asyncpg", "`$1` placeholders: `await conn.fetch(\"SELECT ... WHERE id = $1\", item_id)`"),
    "sqlalchemy": ("SQLAlchemy", "ORM queries (`select(Model).where(Model.id == item_id)`); raw SQL only as `text(\"... WHERE id = :id\")` with a params dict"),
    "flask_sqlalchemy": ("Flask-SQLAlchemy", "ORM queries (`Model.query.filter_by(id=item_id)`); raw SQL only as `text(\"... WHERE id = :id\")` with a params dict"),
    "django.db": ("the Django ORM", "ORM queries; raw SQL only as `Model.objects.raw(sql, [params])` or `cursor.execute(sql, [params])` with `%s`"),
    "pymongo": ("PyMongo", "filters built from typed values (`{\"_id\": ObjectId(item_id)}`), never a parsed request body as the filter"),
}
#: How settings and secrets are read: a pattern in the source → how to say it.
SECRET_STYLES = (
    (re.compile(r"\bBaseSettings\b"), "a pydantic `BaseSettings` class (add a field; the value comes from the environment)"),
    (re.compile(r"\benviron\.Env\(|\benv\.(?:str|bool|int)\("), "django-environ (`env(\"NAME\")`)"),
    (re.compile(r"\bfrom decouple import\b|\bdecouple\.config\("), "python-decouple (`config(\"NAME\")`)"),
    (re.compile(r"\bload_dotenv\("), "environment variables loaded from `.env` by python-dotenv (`os.environ[\"NAME\"]`)"),
    (re.compile(r"\bos\.environ\[|\bos\.environ\.get\(|\bos\.getenv\(|\bgetenv\("), "environment variables (`os.environ[\"NAME\"]` / `os.environ.get(\"NAME\")`)"),
)
TEMPLATE_STYLES = (
    (re.compile(r"\bJinja2Templates\("), "`templates.TemplateResponse(...)` (Jinja2, autoescaped)"),
    (re.compile(r"\brender_template\("), "`render_template(\"page.html\", ...)` (Jinja2 autoescapes `.html` templates)"),
    (re.compile(r"\bfrom django\.shortcuts import[^\n]*\brender\b|\bTemplateResponse\("), "Django templates (`render(request, \"page.html\", context)`, autoescaped)"),
)
_IDENTITY = re.compile(r"\b(current_user|request\.user|g\.user|current_identity|get_jwt_identity\(\))")


@dataclass
class Conventions:
    guard: str | None = None
    guard_import: str | None = None
    admin_guard: str | None = None
    driver: str | None = None
    placeholders: str | None = None
    secrets: str | None = None
    templates: str | None = None
    ownership: str | None = None
    public_routes: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)


def detect(docs: list[SourceDoc], routes: list[RouteSummary], config: Config) -> Conventions:
    found = Conventions()
    found.frameworks = [name for name, _ in Counter(r.framework for r in routes).most_common()]
    _guards(found, docs, routes)
    _driver(found, docs)
    found.secrets = _most_used(docs, SECRET_STYLES)
    found.templates = _most_used(docs, TEMPLATE_STYLES)
    found.ownership = _ownership_example(docs, routes)
    public = [f"{' '.join(r.methods)} {r.url}" for r in routes if r.authentication.startswith("public") and r.url]
    found.public_routes = sorted(dict.fromkeys([*public, *config.public_routes]))
    return found


def _guards(found: Conventions, docs: list[SourceDoc], routes: list[RouteSummary]) -> None:
    kinds: dict[str, Counter[str]] = {"login": Counter(), "admin": Counter()}
    for route in routes:
        if route.guard is not None and route.guard[1] in kinds and route.guard[2] in ("decorator", "dependency"):
            kinds[route.guard[1]][route.guard[0]] += 1
    if kinds["login"]:
        found.guard = kinds["login"].most_common(1)[0][0]
        found.guard_import = _import_of(found.guard, docs)
    if kinds["admin"]:
        found.admin_guard = kinds["admin"].most_common(1)[0][0]


def _import_of(name: str, docs: list[SourceDoc]) -> str | None:
    """Where the project gets ``name``: its import line, or the module that defines it."""
    head = name.split(".")[0]
    for doc in docs:
        for node in ast.walk(doc.tree) if doc.tree is not None else ():
            if isinstance(node, ast.ImportFrom) and node.module and any((a.asname or a.name) == head for a in node.names):
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names if (a.asname or a.name) == head)
                return f"from {'.' * node.level}{node.module} import {names}"
    for doc in docs:
        for node in doc.tree.body if doc.tree is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == head:
                return f"defined in `{doc.path}`"
    return None


def _driver(found: Conventions, docs: list[SourceDoc]) -> None:
    counts: Counter[str] = Counter()
    for doc in docs:
        for node in ast.walk(doc.tree) if doc.tree is not None else ():
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for module in modules:
                for known in DRIVERS:
                    if module == known or module.startswith(known + "."):
                        counts[known] += 1
    if counts:
        best = max(counts, key=lambda m: (counts[m], m != "sqlalchemy"))  # Flask-SQLAlchemy over plain when both
        found.driver, found.placeholders = DRIVERS[best]


def _most_used(docs: list[SourceDoc], styles: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    counts = Counter({text: sum(len(pattern.findall(doc.text)) for doc in docs) for pattern, text in styles})
    best = [text for pattern, text in styles if counts[text]]  # first listed wins a tie: the more specific
    return max(best, key=lambda t: counts[t]) if best else None


def _ownership_example(docs: list[SourceDoc], routes: list[RouteSummary]) -> str | None:
    """A line of a guarded route that fetches by a URL parameter and ties it to the caller
    (``WHERE id = ? AND owner_id = ?`` with ``g.user_id``, ``.where(..., Order.owner_id == user.id)``)."""
    by_path = {doc.path: doc for doc in docs}
    for route in routes:
        if route.path not in by_path or route.authentication.startswith(("none", "public")):
            continue
        ids = [i.split(":", 1)[1] for i in route.inputs if i.startswith("path:")]
        callers = [i.split(":", 1)[1] for i in route.inputs if i.startswith("param:")]
        identity = re.compile(_IDENTITY.pattern + "".join(rf"|\b{re.escape(name)}\.\w*id\b" for name in callers))
        doc = by_path[route.path]
        for line in range(route.range.start.line, _body_end(doc, route.range.start.line)):
            text = doc.lines.line_text(line).strip()
            if any(re.search(rf"\b{re.escape(i)}\b", text) for i in ids) and identity.search(text):
                return text
    return None


def _body_end(doc: SourceDoc, line: int) -> int:
    """The line after the handler defined on ``line`` (a route summary points at its ``def``)."""
    for node in ast.walk(doc.tree) if doc.tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno - 1 == line:
            return min(node.end_lineno or node.lineno, doc.lines.line_count)
    return line + 1


def rules_text(found: Conventions, project: str) -> str:
    """The conventions as short rules for an assistant (Markdown bullets)."""
    rules = []
    if found.guard:
        where = f" (`{found.guard_import}`)" if found.guard_import and not found.guard_import.startswith("defined") else (f" ({found.guard_import})" if found.guard_import else "")
        style = "dependency" if any(f in ("fastapi", "starlette") for f in found.frameworks) else "decorator"
        rules.append(f"Every route that reads or changes stored data requires a login with the {style} `{found.guard}`{where}, as the existing routes do.")
    if found.admin_guard:
        rules.append(f"Admin-only routes also use `{found.admin_guard}`; a login alone is not enough for them.")
    if found.public_routes:
        listed = ", ".join(f"`{r}`" for r in found.public_routes[:12])
        rules.append(f"Only these routes are public on purpose: {listed}. Do not add a public route without saying so.")
    if found.ownership:
        rules.append(f"A record fetched by an id from the request must belong to the caller; filter by the current user as this project does: `{found.ownership}`.")
    elif found.guard:
        rules.append("A record fetched by an id from the request must be filtered by, or checked against, the current user before it is returned or changed.")
    if found.driver:
        rules.append(f"Database access uses {found.driver} with {found.placeholders}; never build SQL with f-strings, `%` or `+`.")
    if found.secrets:
        rules.append(f"Secrets and settings come from {found.secrets}; never write a key, password or token into the code.")
    if found.templates:
        rules.append(f"HTML is rendered with {found.templates}; never build HTML from strings, and never mark user input safe (`Markup`, `|safe`, `mark_safe`).")
    rules.append("Keep TLS verification on, debug mode off in shipped code, and use `secrets` (not `random`) for tokens.")
    rules.append("Run `codeward scan` before committing; fix or explain (`# codeward: ignore[CODE] -- reason`) every finding.")
    intro = f"Security conventions of {project}, detected from its code by `codeward instructions` (re-run it to update this section):"
    return intro + "\n\n" + "".join(f"- {rule}\n" for rule in rules)
