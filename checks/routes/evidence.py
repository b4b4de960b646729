"""How strong the evidence of a missing login is: what keeps a CW301 finding at the default
confidence and what puts it at LOW.

CW301 decides that an unguarded route *may* need a login from what the code does and from its
siblings. Whether that is a flaw also depends on what the route touches. An unguarded route
that accepts changes, or reads records a user owns, personal fields, a user its URL names, or
the very data its guarded siblings protect from being read, is strong evidence of a forgotten
check. One that only reads data nobody owns (a help page, a category list, a public article
feed), beside routes that guard other things, may well be public by design.

Mature SAST tools rank such findings by evidence instead of dropping them: the weak ones stay,
at LOW confidence (hidden by the default ``min-confidence``, shown with ``low``), and their
message says what evidence was missing. The line is drawn narrowly on purpose: demoting open
forms that add rows, or fetches of tables no model defines (CW302), hid flaws the labelled
corpora hold (an anonymous share of any document, patient records read through raw SQL).
"""

from __future__ import annotations

import ast
import re

from ..knowledge import Knowledge
from ..syntax import dotted
from .analysis import Verdict
from .ownership import model_info
from .stored import model_key
from .view import ProjectView


def route_weakness(verdict: Verdict, results: list[Verdict], view: ProjectView, knowledge: Knowledge) -> str | None:
    """Why an unguarded route's CW301 evidence is weak (the sentence its message ends with),
    or None when it is strong.

    Strong: a privileged route, a capability with a fixed bypass value, an unsigned webhook,
    a route explicitly opened; a route that accepts changes (a method other than GET/HEAD/
    OPTIONS, or a write); one that returns personal fields or reads records a user or tenant
    owns (an owner column, a key to the account model or through a parent, the accounts
    themselves, an SQL table named with an owner column); one whose URL names a user; one
    that reads what the guarded routes of its module read, or the record such data's id in
    its URL picks, or an upload folder a guarded route fills. Weak: the rest, i.e. reads of
    data nobody owns."""
    if verdict.admin_route or verdict.magic_token or verdict.unsigned_webhook or any(g.kind == "public" for g in verdict.route.guards):
        return None
    e = verdict.effects
    if not _reads_only(verdict) or e.sensitive or e.per_owner or e.owner_tables:
        return None  # (a route accepting changes is never weak: labelled flaws add, delete files, import)
    owned_tables = _sql_owned_tables(results, knowledge)
    own = _data_keys(verdict) | _queried_models(verdict)
    if own & owned_tables or _owned_models(own, view, knowledge) or _names_a_user(verdict, view, knowledge):
        return None
    # What the guarded routes protect from being *read*: the data of those that accept no
    # change (a blog guards writing posts, not reading them), and every upload folder.
    guarded = [o for o in results if o is not verdict and o.authenticated and o.route.caller_params is None]
    protected = {k for o in guarded if _reads_only(o) for k in _data_keys(o) | _queried_models(o)}
    protected |= {t for o in guarded for t in o.effects.saved_folders}
    if own & protected or _path_keys(verdict) & (protected | owned_tables):
        return None  # its data, or the record its URL picks, is what the guarded routes protect
    what = "only reads data" if e.reads and not e.lookups_only else "shows no stored record"
    return (f"low confidence: it accepts no change and {what} with no owner or personal field, not the data "
            "the guarded routes here use and no user its URL names, so it may be public by design")


_SQL = re.compile(r"^\s*(select|with|insert|update|delete)\b", re.IGNORECASE)
_SQL_TABLES = re.compile(r"\b(?:from|join|update|into)\s+[`\"]?(\w+)", re.IGNORECASE)
#: Document-store calls whose receiver names the collection (``responses().find``).
_COLLECTION_METHODS = frozenset({"find", "find_one", "aggregate", "count_documents", "insert_one", "insert_many",
                                 "update_one", "update_many", "delete_one", "delete_many", "replace_one"})
_WORDS = re.compile(r"[a-z_]+")

#: Methods that change nothing by HTTP's contract.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Calls naming the model they load as an argument: ``db.query(models.Expense)``,
#: ``select(Note)``, ``session.get(Note, note_id)``.
_MODEL_ARGUMENT_CALLS = frozenset({"query", "select", "get", "get_or_404", "delete"})
#: ORM managers read off a model class: ``Issue.query`` (Flask-SQLAlchemy), ``Note.objects`` (Django).
_MODEL_MANAGERS = frozenset({"query", "objects"})


def _queried_models(verdict: Verdict) -> set[str]:
    """Models a route's queries name where the data calls' receivers miss them: as an
    argument (``db.query(models.Expense)``) or through a manager kept in a local first
    (``query = Issue.query; ...; query.order_by(...).all()``)."""
    found: set[str] = set()
    for func in verdict.route.functions:
        for node in ast.walk(func):
            names: list[ast.expr] = []
            if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in _MODEL_ARGUMENT_CALLS:
                names = node.args[:1]
            elif isinstance(node, ast.Attribute) and node.attr in _MODEL_MANAGERS:
                names = [node.value]
            for name in names:
                last = (dotted(name) or "").rsplit(".", 1)[-1]
                if last[:1].isupper():
                    found.add(model_key(last))
    return found


def _reads_only(verdict: Verdict) -> bool:
    """The route accepts no change: only safe methods, and no write among its data calls."""
    return not verdict.effects.writes and not set(verdict.route.methods) - _SAFE_METHODS


def _sql_owned_tables(results: list[Verdict], knowledge: Knowledge) -> set[str]:
    """Tables (model keys) an SQL statement of any route here names together with an owner
    column (``SELECT name FROM devices WHERE id = %s AND owner_id = %s``, ``SELECT user_id,
    COUNT(*) FROM uploads GROUP BY user_id``): they hold per-user rows."""
    owners = {n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]}
    found: set[str] = set()
    for verdict in results:
        for text in _sql_texts(verdict):
            if owners & set(_WORDS.findall(text.lower())):
                found |= {model_key(t) for t in _SQL_TABLES.findall(text)}
    return found


def _sql_texts(verdict: Verdict) -> list[str]:
    return [n.value for f in verdict.route.functions for n in ast.walk(f)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and _SQL.match(n.value)]


def _data_keys(verdict: Verdict) -> set[str]:
    """What a route's data calls work on, as model keys: models, SQL tables (also named in
    the route's own SQL text) and document collections (``responses().find``, ``db.notes.find``)."""
    e = verdict.effects
    keys = e.models | e.created_models | e.tables | {model_key(t) for text in _sql_texts(verdict) for t in _SQL_TABLES.findall(text)}
    for call in [*e.reads, *e.writes]:
        if isinstance(call.func, ast.Attribute) and call.func.attr in _COLLECTION_METHODS:
            holder = call.func.value
            name = holder.func if isinstance(holder, ast.Call) else holder
            last = name.attr if isinstance(name, ast.Attribute) else name.id if isinstance(name, ast.Name) else None
            if last:
                keys.add(model_key(last))
    return keys


def _path_keys(verdict: Verdict) -> set[str]:
    """The records a route's URL picks, as model keys (``/<survey_id>/export`` → survey)."""
    return {model_key(p.lower().removesuffix("_id").removesuffix("id").removesuffix("_pk")) for p in verdict.route.path_params} - {""}


def _owned_models(models: set[str], view: ProjectView, knowledge: Knowledge) -> bool:
    """Whether any of ``models`` (model keys) holds records a user or tenant owns (an owner
    column, a key to the account model, or through a parent), or is the account model."""
    for name in view.models:
        if model_key(name) not in models:
            continue
        info = model_info(name, view, knowledge)
        if info.is_user_model or name.lower() in view.account_names or info.owner_field and info.owner_kind != "author":
            return True
    return False


def _names_a_user(verdict: Verdict, view: ProjectView, knowledge: Knowledge) -> bool:
    """The URL picks a user (``/debug/{user_id}``, ``/members/<member_id>``): a parameter
    named like an owner column of kind "user" or after the account model."""
    owners = {n for row in knowledge.rows("access_owner_fields") if row["kind"] == "user" for n in row["names"]}
    for param in verdict.route.path_params:
        base = param.lower().removesuffix("_id").removesuffix("id")
        if param in owners or base in owners or base and base in view.account_names:
            return True
    return False
