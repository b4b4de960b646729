"""How strong the evidence of an access flaw is: what keeps a CW301/CW302 finding at the
default confidence and what puts it at LOW.

The access rules decide that a route or a fetch *may* lack a check from what the code does.
Whether that is a flaw also depends on what the code shows around it. Read against some 200
triaged findings on real apps, an unguarded route that changes existing records, or reads
records a user owns, personal fields, or the data its guarded siblings protect, was a
forgotten check three times out of four; one that only reads data nobody owns (a help page, a
category list, a public feed) was one time in seven. Likewise a fetch of a record whose model
the project does not define (a table only raw SQL names, models only in a migration) gives no
sign that its records belong to users.

Mature SAST tools rank findings by such evidence instead of dropping them: the weak ones stay,
at LOW confidence (hidden by the default ``min-confidence``, shown with ``low``), and their
message says what evidence was missing. Each function here returns that sentence, or None
when the evidence is strong; it never decides whether there is a finding at all.
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
    """Why an unguarded route's CW301 evidence is weak, or None when it is strong.

    Strong: a privileged route, a capability with a fixed bypass value, an unsigned webhook,
    a route explicitly opened that still changes records; or one that changes existing
    records, reads or changes records a user or tenant owns (or the accounts themselves),
    returns personal fields, names a user in its URL, or works on the models or tables the
    guarded routes of its module work on. Weak: everything else, i.e. reads of, or additions
    to, data nobody owns."""
    if verdict.admin_route or verdict.magic_token or verdict.unsigned_webhook or any(g.kind == "public" for g in verdict.route.guards):
        return None
    e = verdict.effects
    if e.writes or set(verdict.route.methods) - _SAFE_METHODS or e.sensitive or e.per_owner or e.owner_tables:
        return None  # (a route accepting changes is never weak: labelled flaws add, delete files, import)
    if _sql_names_owner(verdict, knowledge):
        return None
    models = e.models | e.created_models | _queried_models(verdict)
    if _owned_models(models, view, knowledge) or _names_a_user(verdict, view, knowledge):
        return None
    guarded = [o for o in results if o is not verdict and o.authenticated and o.route.caller_params is None]
    if models & {m for o in guarded for m in o.effects.models | o.effects.created_models} or e.tables & {t for o in guarded for t in o.effects.tables | o.effects.saved_folders}:
        return None
    what = "only reads data" if e.reads and not e.lookups_only else "shows no stored record"
    return (f"low confidence: it accepts no change and {what} with no owner or personal field, not the data "
            "the guarded routes here use and no user its URL names, so it may be public by design")


_SQL = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z_]+")

#: Methods that change nothing by HTTP's contract.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Calls naming the model they load as an argument: ``db.query(models.Expense)``,
#: ``select(Note)``, ``session.get(Note, note_id)``.
_MODEL_ARGUMENT_CALLS = frozenset({"query", "select", "get", "get_or_404", "delete"})


def _queried_models(verdict: Verdict) -> set[str]:
    """Models a route's queries name as an argument (``db.query(models.Expense)``): the data
    calls' receivers miss them, and an owned model read this way is strong evidence too."""
    found: set[str] = set()
    for func in verdict.route.functions:
        for node in ast.walk(func):
            if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in _MODEL_ARGUMENT_CALLS:
                for arg in node.args[:1]:
                    name = dotted(arg) or ""
                    last = name.rsplit(".", 1)[-1]
                    if last[:1].isupper():
                        found.add(model_key(last))
    return found


def _sql_names_owner(verdict: Verdict, knowledge: Knowledge) -> bool:
    """An SQL statement of the route names an owner column (``SELECT owner_id, COUNT(*) FROM
    documents GROUP BY owner_id``): the table holds per-user rows."""
    owners = {n for row in knowledge.rows("access_owner_fields") if row["kind"] != "author" for n in row["names"]}
    for func in verdict.route.functions:
        for node in ast.walk(func):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
            if text and _SQL.match(text) and owners & set(_WORDS.findall(text.lower())):
                return True
    return False


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
