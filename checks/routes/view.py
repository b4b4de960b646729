"""The merged, project-wide view of access facts one document's analysis reads, and guard
look-ups over it (built by :mod:`.scope`).

Names from the index are module paths computed from the
project root, while names written in imports may be shorter (``from app.auth import x`` in a
project scanned from a parent folder), so look-ups also accept a dotted suffix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..knowledge import Knowledge, Row
from ..syntax import path_matches
from .data import first_row
from .migrations import replay

_MAX_DEPTH = 6


#: Guard source of a check against a secret from the configuration: the caller is a service.
SHARED_SECRET = "secret"


@dataclass
class Guard:
    """An authentication or role check protecting a route."""

    name: str
    kind: str  # "login" | "admin" | "public"
    source: str  # decorator, dependency, hook, router, settings, body, mixin, permission, middleware, secret
    import_line: str | None = None
    module: str | None = None  # defining module of a project guard (for imports in fixes)
    text: str | None = None  # the guard as written in this file (to copy it onto a sibling)
    #: What a guard decorator passes its view: (leading positional arguments, keyword names).
    injects: tuple[int, tuple[str, ...]] | None = None


@dataclass
class ProjectView:
    guards: dict[str, str] = field(default_factory=dict)
    deps: dict[str, list[str]] = field(default_factory=dict)
    hooks: dict[str, str] = field(default_factory=dict)
    routers: dict[str, dict[str, Any]] = field(default_factory=dict)
    includes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reexports: dict[str, str] = field(default_factory=dict)  # package name -> what it renames (see facts.reexports)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    permissions: dict[str, dict[str, Any]] = field(default_factory=dict)
    urls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (urls module, entry)
    settings: dict[str, list[str]] = field(default_factory=dict)
    callers: set[str] = field(default_factory=set)  # g attributes a hook loads the caller into
    fetchers: dict[str, dict[str, Any]] = field(default_factory=dict)  # helpers loading a record by an argument
    dispatches: dict[str, dict[str, Any]] = field(default_factory=dict)  # TABLE[name](...) calls: guarded, caller args
    fetcher_names: set[str] = field(default_factory=set)  # their last name segments (a cheap filter)
    forwards: dict[str, dict[str, Any]] = field(default_factory=dict)  # wrappers passing an id on (see .forwards)
    injects: dict[str, list] = field(default_factory=dict)  # guard decorator -> [positional count, keywords]
    class_decorators: dict[str, list[str]] = field(default_factory=dict)  # view base class -> its decorators
    class_bases: dict[str, list[str]] = field(default_factory=dict)  # class -> its resolved base classes
    class_guards: dict[str, str] = field(default_factory=dict)  # view class or mixin whose dispatch refuses -> kind
    wrapped: dict[str, list[str]] = field(default_factory=dict)  # project decorator -> decorators on the wrapper it returns
    path_scoped_middleware: set[str] = field(default_factory=set)  # middleware refusing only under a path test
    data_routes: dict[str, list[list]] = field(default_factory=dict)  # router -> [route, effect, calls] (see .stored)
    data_helpers: dict[str, str] = field(default_factory=dict)  # function or method -> its effect on stored data
    helper_tables: dict[str, list] = field(default_factory=dict)  # data helper -> [SQL tables, per owner, owner tables]
    listed_models: set[str] = field(default_factory=set)  # models some route lists in full (shared records)
    declared_models: set[str] = field(default_factory=set)  # models a class defines
    migrated_models: set[str] = field(default_factory=set)  # models only Django migrations define (see .migrations)
    key_targets: set[str] = field(default_factory=set)  # tables and models some model keys to (Expense.category_id -> categories)
    listed_models_if: dict[str, list[str]] = field(default_factory=dict)  # the same, if one of these guards is a login check
    index_listed_models: set[str] = field(default_factory=set)  # models an open index page lists in full (public content)
    scoped_querysets: dict[str, bool] = field(default_factory=dict)  # classes whose get_queryset serves only the caller's records
    caller_helpers: set[str] = field(default_factory=set)  # helpers returning the caller or their id
    scope_helpers: dict[str, dict[str, Any]] = field(default_factory=dict)  # helpers building the query of a user's visible records
    verifies: dict[str, list[str]] = field(default_factory=dict)  # dependency -> parameters it refuses unless they are the caller's id
    refusal_errors: dict[str, str] = field(default_factory=dict)  # project exception class carrying 401/403 -> "login"/"deny"
    raising_checks: dict[str, list[str]] = field(default_factory=dict)  # credential-reading function -> project exceptions it raises
    owner_checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # helpers comparing a record's owner with the caller
    owner_check_names: set[str] = field(default_factory=set)  # their last name segments
    owner_gates: dict[str, list[str]] = field(default_factory=dict)  # decorator or view class -> URL ids it ties to the caller first
    owner_dispatch: dict[str, bool] = field(default_factory=dict)  # view class or mixin whose dispatch refuses unless the record is the caller's
    caller_helper_names: set[str] = field(default_factory=set)  # their last name segments
    login_library: bool = False  # a module of the app imports a login library
    middleware: dict[str, list[str]] = field(default_factory=dict)  # app -> middleware classes or auth backends
    auth_middleware: dict[str, str] = field(default_factory=dict)  # middleware or backend class -> kind it enforces
    middleware_exempt: dict[str, list[str]] = field(default_factory=dict)  # middleware function -> paths it names
    local_window: bool = False  # the app runs in a desktop window of its own (see facts.LOCAL_WINDOW_LIBRARIES)
    includes_unknown: bool = False  # some include names its router dynamically (a loop variable)
    operator_login: bool = False  # its login admits only an allow-list of accounts (operators)
    operator_credentials: bool = False  # a login admits only the credentials the configuration holds
    account_logins: bool = False  # a login admits other accounts (a users table)

    @property
    def account_names(self) -> frozenset[str]:
        """Lower-case class and table names of the models that hold passwords: the app's
        accounts, whatever they are called (Member, Employee, Clerk)."""
        cached = self.__dict__.get("_accounts")
        if cached is None:
            found: set[str] = set()
            for name, info in self.models.items():
                if info.get("account") or any("password" in f or f in ("pw_hash", "pw_digest", "passwd") for f in info.get("fields", ())):
                    found.add(name.lower())
                    if info.get("table"):
                        found.add(str(info["table"]).lower())
            cached = self.__dict__["_accounts"] = frozenset(found)
        return cached

    @property
    def publicly_listed(self) -> frozenset[str]:
        """Models an index page shows every visitor (``index_listed_models``), when nothing
        in the app may guard that page after all: no login hook, no authentication
        middleware, no Django middleware requiring a login."""
        if self.hooks or self.auth_middleware or self.middleware_exempt or any("login" in m.lower() or "auth" in m.lower() for m in self.settings.get("middleware", []) if "AuthenticationMiddleware" not in m):
            return frozenset()
        return frozenset(self.index_listed_models)

    def add(self, module: str, facts: dict[str, Any]) -> None:
        self.__dict__.pop("_accounts", None)
        self.__dict__.pop("_public_content", None)
        self.__dict__.pop("_served_urlconfs", None)
        self.__dict__.pop("_wiring", None)
        self.__dict__.pop("_wiring_cycles", None)
        self.__dict__.pop("_promoted", None)
        self.__dict__.pop("_helper_names", None)
        self.callers.update(facts.get("callers", ()))
        self.listed_models.update(facts.get("listed_models", ()))
        # (kept apart from `models`, where a schema class of the same name may replace the model)
        self.key_targets.update(t for info in facts.get("models", {}).values() for t in (info.get("fks") or {}).values())
        self.index_listed_models.update(facts.get("index_listed_models", ()))
        for model, guards in facts.get("listed_models_if", {}).items():
            self.listed_models_if.setdefault(model, []).extend(guards)
        self.login_library = self.login_library or bool(facts.get("login_library"))
        self.includes_unknown = self.includes_unknown or bool(facts.get("includes_unknown"))
        self.local_window = self.local_window or bool(facts.get("local_window"))
        self.operator_login = self.operator_login or bool(facts.get("operator_login"))
        self.path_scoped_middleware.update(facts.get("path_scoped_middleware", ()))
        self.operator_credentials = self.operator_credentials or bool(facts.get("operator_credentials"))
        self.account_logins = self.account_logins or bool(facts.get("account_logins"))
        for key in facts.get("caller_helpers", ()):
            self.caller_helpers.add(key)
            self.caller_helper_names.add(key.rsplit(".", 1)[-1])
        for key, value in facts.get("dispatches", {}).items():
            known = self.dispatches.get(key)
            self.dispatches[key] = value if known is None else {**value, "guarded": value["guarded"] and known["guarded"]}
        for key, value in facts.get("owner_checks", {}).items():
            self.owner_checks[key] = value
            self.owner_check_names.add(key.rsplit(".", 1)[-1])
        for key, value in facts.get("fetchers", {}).items():
            self.fetchers[key] = value
            self.fetcher_names.add(key.rsplit(".", 1)[-1])
        self.forwards.update(facts.get("forwards", {}))
        for key, items in facts.get("middleware", {}).items():
            self.middleware.setdefault(key, []).extend(items)
        self.declared_models.update(facts.get("models", {}))
        replay(self.models, self.migrated_models, self.declared_models, module, facts.get("migrations", []))
        for name in ("guards", "deps", "hooks", "routers", "models", "permissions", "injects", "class_decorators", "class_bases", "class_guards", "wrapped", "auth_middleware", "middleware_exempt", "verifies", "scope_helpers", "scoped_querysets", "owner_gates", "owner_dispatch", "refusal_errors", "raising_checks"):
            getattr(self, name).update(facts.get(name, {}))
        for key, items in facts.get("data_routes", {}).items():
            self.data_routes.setdefault(key, []).extend(items)
        self.data_helpers.update(facts.get("data_helpers", {}))
        self.helper_tables.update(facts.get("helper_tables", {}))
        for key, items in facts.get("includes", {}).items():
            self.includes.setdefault(key, []).extend(items)
        self.reexports.update(facts.get("reexports", {}))
        for entry in facts.get("urls", []):
            self.urls.append((module, entry))
        for key, value in facts.get("settings", {}).items():
            self.settings.setdefault(key, []).extend(value)


    @property
    def data_helper_names(self) -> frozenset[str]:
        """Last name segments of the data helpers (a cheap filter before resolving a call)."""
        cached = self.__dict__.get("_helper_names")
        if cached is None:
            cached = self.__dict__["_helper_names"] = frozenset(k.rsplit(".", 1)[-1] for k in self.data_helpers)
        return cached

    def may_fetch(self, name: str | None) -> bool:
        """Whether some project fetch helper, wrappers of one included, has the last name
        segment ``name`` (a cheap filter before resolving the call)."""
        self._promote_forwards()
        return name is not None and name in self.fetcher_names

    def promote_raising_checks(self) -> None:
        """Make login guards of the functions that read a credential and raise a project
        exception carrying 401/403 (``raise AuthError("Invalid API key")`` where ``class
        AuthError(AppError)`` defaults to status 401), once per merged view: the exception's
        class is in another module, so the function's own module could not tell."""
        if self.__dict__.get("_raising_promoted"):
            return
        self.__dict__["_raising_promoted"] = True
        for key, raised in self.raising_checks.items():
            if key not in self.guards and any(lookup(self.refusal_errors, name) is not None for name in raised):
                self.guards[key] = "login"

    def _promote_forwards(self) -> None:
        """Make fetch helpers of the wrappers that pass an id to one (also to a wrapper
        promoted before them: a few layers deep), once per merged view."""
        if self.__dict__.get("_promoted") or not self.forwards:
            return
        from .forwards import promoted  # here: .forwards reads identity, which imports this module

        self.__dict__["_promoted"] = True
        for _ in range(_MAX_DEPTH):
            grew = False
            for key, fact in self.forwards.items():
                if key in self.fetchers:
                    continue
                for call in fact["calls"]:
                    found = lookup(self.fetchers, call[0])
                    made = promoted(fact, found[1], call, self.data_helpers.get(key) == "change") if found else None
                    if made is not None:
                        self.fetchers[key] = made
                        self.fetcher_names.add(key.rsplit(".", 1)[-1])
                        grew = True
                        break
            if not grew:
                return


def same_object(key: str, name: str) -> bool:
    """Whether two dotted names denote the same object: equal, one a dotted suffix of the
    other, or ``name`` a re-export by a package of ``key`` (``auth.verify_jwt`` for
    ``auth.service.verify_jwt``, imported through auth/__init__.py)."""
    if key == name or key.endswith("." + name) or name.endswith("." + key):
        return True
    if "." not in name:
        return False
    if name.startswith("src.") and name.count(".") >= 2:
        # `from src import operational as op; op.authorize`: the index names modules without
        # their `src` folder (project.module_name_of), so the package is `operational`.
        name = name.removeprefix("src.")
    package, last = name.rsplit(".", 1)
    if not key.endswith("." + last):
        return False
    module = f".{key.rsplit('.', 1)[0]}."
    # `from src.core.auth import x` where `src` is a plain folder, not a package: the index
    # names the module `core.auth.dependencies`; two trailing segments still identify it.
    parts = package.split(".")
    return any(f".{'.'.join(parts[i:])}." in module for i in range(max(1, len(parts) - 1)))


def lookup(table: dict[str, Any], name: str | None) -> tuple[str, Any] | None:
    """``(key, value)`` for ``name`` in ``table``, exactly or as a dotted suffix either way."""
    if not name:
        return None
    if name in table:
        return name, table[name]
    for key, value in table.items():
        if key.endswith("." + name) or name.endswith("." + key):
            return key, value
    for key, value in table.items():  # re-exported by a package (checked after exact names)
        if same_object(key, name):
            return key, value
    return None


def includes_of(view: ProjectView, name: str | None) -> list[dict[str, Any]]:
    """Every ``include_router``/``register_blueprint`` of ``name``, under any spelling of its
    key (``app.reports.bp`` from an absolute import, ``reports.bp`` from a relative one in a
    factory), those with a URL prefix first: a dev-only ``register_blueprint(bp)`` beside
    the real one must not hide the prefix."""
    if not name:
        return []

    def spells(key: str) -> bool:
        return key == name or key.endswith("." + name) or name.endswith("." + key)

    # A package may hand the router on under another name (``from .auth import router as
    # auth_router`` in routes/__init__.py; ``include_router(auth_router)``).
    found = [item for key, items in view.includes.items() if spells(key) or spells(renamed(view, key)) for item in items]
    return sorted(found, key=lambda item: not item["prefix"])


def renamed(view: ProjectView, key: str) -> str:
    """What a package's renaming re-export ``key`` stands for (``key`` itself when none)."""
    if not view.reexports:
        return key
    found = lookup(view.reexports, key)
    return found[1] if found is not None and found[0].rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1] else key


def known_guard(knowledge: Knowledge, resolved: str | None, written: str | None) -> Row | None:
    """The framework guard row for a name, by resolved path (or written ``*.name``)."""
    for row in knowledge.rows("access_guards"):
        pattern = row["path"]
        if path_matches(pattern, resolved) or (pattern.startswith("*.") and path_matches(pattern, written)):
            row.hit()
            return row
    return None


def guard_for(
    knowledge: Knowledge,
    view: ProjectView,
    configured: tuple[str, ...],
    resolved: str | None,
    written: str | None,
    source: str,
    depth: int = 0,
) -> Guard | None:
    """What guard (if any) the decorator/dependency named ``resolved``/``written`` is."""
    name = written or resolved or "?"
    last = name.rsplit(".", 1)[-1]
    if configured and any(c in (resolved, written, last) for c in configured):
        return Guard(name, "admin" if "admin" in last.lower() else "login", source)
    row = known_guard(knowledge, resolved, written)
    if row is not None:
        return Guard(name, row["kind"], source, row.get("import"))
    row = first_row(knowledge, "access_guard_names", "names", last)
    if row is not None and row["kind"] == "public":
        # `Depends(get_current_user_optional)`: whatever it checks, it admits anonymous callers.
        return Guard(name, "public", source)
    stacked = _wrapped_guard(knowledge, view, configured, resolved, name, source, depth)
    view.promote_raising_checks()
    found = lookup(view.guards, resolved)
    if found is not None:
        key, kind = found
        injects = view.injects.get(key)
        if stacked is not None and _RANK[stacked.kind] > _RANK[kind]:
            kind = stacked.kind  # its own check is a login; a role guard on its wrapper decides too
        return Guard(name, kind, source, module=key.rsplit(".", 1)[0], injects=(injects[0], tuple(injects[1])) if injects else None)
    if stacked is not None:
        return stacked
    found = lookup(view.deps, resolved)
    if found is not None and depth < _MAX_DEPTH:
        key, targets = found
        for target in targets:
            inner = guard_for(knowledge, view, configured, target, target, source, depth + 1)
            if inner is not None and inner.kind != "public":
                return Guard(name, inner.kind, source, module=key.rsplit(".", 1)[0])
    row = first_row(knowledge, "access_guard_names", "names", last)
    if row is not None:
        return Guard(name, row["kind"], source)
    return None


_RANK = {"public": 0, "login": 1, "admin": 2}


def _wrapped_guard(
    knowledge: Knowledge, view: ProjectView, configured: tuple[str, ...], resolved: str | None, name: str, source: str, depth: int
) -> Guard | None:
    """The strongest guard among the decorators on the wrapper a project decorator returns
    (``@wraps(view) @club_member_required def wrapper``): a view it decorates runs behind them."""
    found = lookup(view.wrapped, resolved) if depth < _MAX_DEPTH else None
    if found is None:
        return None
    key, targets = found
    best: Guard | None = None
    for target in targets:
        inner = guard_for(knowledge, view, configured, target, target.rsplit(".", 1)[-1], source, depth + 1)
        if inner is not None and inner.kind != "public" and (best is None or _RANK[inner.kind] > _RANK[best.kind]):
            best = inner
    return Guard(name, best.kind, source, module=key.rsplit(".", 1)[0]) if best is not None else None
