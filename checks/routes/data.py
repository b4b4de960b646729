"""The access-control knowledge sections (checks/data/access_*.toml) and matchers over them.

Rows are matched with shell-style globs against written or resolved call names. A row is
marked used (``row.hit()``) only when it decided something, so the data-coverage test proves
every row is exercised by a fixture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import translate
from functools import lru_cache

from ..knowledge import Knowledge, Row, declare_section

declare_section(
    "access_route_decorators",
    "Attributes of an app/blueprint/router that declare a route when used as a decorator.",
    required={"attribute": str, "methods": list},
)
declare_section(
    "access_guards",
    "Guards frameworks ship: decorators, dependencies, permission classes, mixins, middleware.",
    required={"path": str, "kind": str, "framework": str},
    optional={"import": str, "default": bool},
)
declare_section(
    "access_test_methods",
    "View base classes that run a method of the view before it (Django's UserPassesTestMixin.test_func) and refuse when it returns false.",
    required={"bases": list, "method": str},
)
declare_section(
    "access_configured_values",
    "Reads of the app's configuration (environment, settings): a request value compared with one is a shared secret.",
    required={"calls": list, "containers": list},
)
declare_section(
    "access_guard_names",
    "Name globs of guards whose definition is not visible (installed package).",
    required={"names": list, "kind": str},
)
declare_section(
    "access_auth_terms",
    "Names showing code inspects the caller (login) or their role (admin).",
    required={"names": list, "kind": str},
)
declare_section(
    "access_rejections",
    "Calls, exceptions, redirects and statuses that reject an unauthenticated request.",
    required={"calls": list, "raises": list, "redirects": list, "statuses": list},
    optional={"login_statuses": list, "login_raises": list, "guard_calls": list, "forbidden_calls": list},
)
declare_section(
    "access_public_routes",
    "Handler-name / URL-segment globs of routes that are public by intent.",
    required={"names": list, "reason": str},
    optional={"needs_signature": bool},
)
declare_section(
    "access_login_calls",
    "Calls that log a user in, and the verification calls that must gate them in a login step.",
    required={"calls": list, "verifications": list, "allow_lists": list},
)
declare_section(
    "access_signature_checks",
    "Calls that verify a webhook signature.",
    required={"calls": list},
)
declare_section(
    "access_data_calls",
    "Calls that read or change stored data (globs over the written call name).",
    required={"calls": list, "effect": str},
)
declare_section(
    "access_public_media",
    "Words in a folder or route of uploaded files that are pictures shown on public pages.",
    required={"words": list},
)
declare_section(
    "access_sensitive_terms",
    "Words marking personal, financial or secret data read by a route.",
    required={"names": list},
)
declare_section(
    "access_place_records",
    "Last words of model names describing a place or business: its contact details (`contact`) are not personal unless it names a person (`person_fields`).",
    required={"names": list, "contact": list, "person_fields": list},
)
declare_section(
    "access_user_models",
    "Names of user models: fetching one by a client id needs an identity check.",
    required={"names": list},
)
declare_section(
    "access_fetch_calls",
    "ORM/DB calls that fetch a record by an id, where the id and model are, and the fix style.",
    required={"call": str, "id": str, "model": str, "style": str},
)
declare_section(
    "access_owner_fields",
    "Fields tying a record to its owner or tenant.",
    required={"names": list, "kind": str},
)
declare_section(
    "access_caller_calls",
    "Calls returning the authenticated caller or their identity (globs over the written name).",
    required={"calls": list},
)
declare_section(
    "access_object_checks",
    "Calls that check a permission on an object.",
    required={"calls": list},
)
declare_section(
    "access_token_names",
    "Name globs of values used as capabilities (reset codes, invite links, API keys).",
    required={"names": list},
)
declare_section(
    "access_predictable_calls",
    "Calls whose result an attacker can predict (time, uuid1, counts).",
    required={"calls": list, "what": str},
)
declare_section(
    "access_unpredictable_calls",
    "Calls producing unpredictable values; an expression using one is not guessable.",
    required={"calls": list},
)


@lru_cache(maxsize=512)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a list of globs (``*.x`` also matches a bare ``x``)."""
    alternatives = [translate(p) for p in patterns]
    alternatives += [translate(p[2:]) for p in patterns if p.startswith("*.")]
    return re.compile("|".join(f"(?:{a})" for a in alternatives) or "(?!)")


def glob_any(patterns: list[str], *names: str | None) -> bool:
    """Whether any non-empty name matches any glob (``*.x`` also matches a bare ``x``)."""
    compiled = _compiled(tuple(patterns))
    return any(name and compiled.match(name) for name in names)


def glob_matcher(patterns: list[str]) -> Callable[[str], bool]:
    """``glob_any`` for one non-empty name at a time, with the globs compiled once (for
    loops over every node of a module)."""
    match = _compiled(tuple(patterns)).match
    known: dict[str, bool] = {}  # the same identifiers come back again and again

    def matches(name: str) -> bool:
        found = known.get(name)
        if found is None:
            found = known[name] = match(name) is not None
        return found

    return matches


def first_row(knowledge: Knowledge, section: str, key: str, *names: str | None) -> Row | None:
    """The first row of ``section`` whose list ``key`` matches one of ``names`` (hit)."""
    for row in knowledge.rows(section):
        if glob_any(row[key], *names):
            row.hit()
            return row
    return None


def names_of(knowledge: Knowledge, section: str, kind: str | None = None) -> frozenset[str]:
    """Every name listed by ``section`` (rows of ``kind`` only, when given)."""
    found: set[str] = set()
    for row in knowledge.rows(section):
        if kind is None or row.get("kind") == kind:
            found.update(row["names"])
    return frozenset(found)
