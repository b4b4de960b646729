"""CW301-CW304: access control — routes without authentication, records fetched without an
ownership check, guessable tokens, admin routes without a role check.

The route model lives in :mod:`codeward.checks.routes`; these rules turn its verdicts into
findings and fixes. All four share one discovery per document through ``ctx.memo``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Confidence, Finding, Position, Range, Severity
from ..registry import rule
from ..routes import facts as _facts  # noqa: F401  (registers the "access" fact extractor)
from ..routes.analysis import Verdict, app_object, operators_only, verdicts
from ..routes.fixes import GuardChoice, choose_guard, guard_edits, guard_imports, ownership_edits, token_edit
from ..routes.ownership import unchecked_fetches
from ..routes.tokens import guessable_values
from ..routes.evidence import route_weakness
from ..routes.exposure import exposed_routes, spec_exposed, urlconf_exposed
from ..routes.facts import access_facts, default_permission_nodes, is_test_module
from ..routes.stored import CHANGE
from ..routes.scope import project_view
from ..routes.view import ProjectView, known_guard


def handler_range(ctx: RuleContext, verdict: Verdict) -> Range:
    """``def name``/``class Name`` on the handler's own line (not its decorators)."""
    node = verdict.route.node
    line = node.lineno - 1
    text = ctx.doc.lines.line_text(line)
    start = node.col_offset
    name_at = text.find(node.name, start)
    end = name_at + len(node.name) if name_at >= 0 else len(text)
    return Range(Position(line, start), Position(line, end))


def _route_text(verdict: Verdict) -> str:
    route = verdict.route
    return f"{'/'.join(route.methods)} {route.url or route.handler}"


def _guard_choice(ctx: RuleContext, verdict: Verdict, all_verdicts: list[Verdict], kind: str) -> GuardChoice | None:
    view = project_view(ctx.doc, ctx.project, ctx.memo)
    return choose_guard(ctx.doc, verdict, all_verdicts, view, ctx.knowledge, kind)


def _guard_fix(ctx: RuleContext, verdict: Verdict, all_verdicts: list[Verdict], kind: str, choice: GuardChoice | None = None):
    choice = choice or _guard_choice(ctx, verdict, all_verdicts, kind)
    if choice is None:
        return None
    edits = guard_edits(ctx.doc, verdict, choice)
    if not edits:
        return None
    title = f"Require {'an admin' if kind == 'admin' else 'a login'}: add `{choice.text}`"
    return ctx.fix(edits, imports=guard_imports(verdict, choice), title=title)


@rule(
    "CW301",
    "missing-authentication",
    cwe=(306, 862),
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    fix_title="Add the login guard the other routes use",
    fix_applicability=Applicability.UNSAFE,
)
def missing_authentication(ctx: RuleContext) -> Iterator[Finding]:
    """A route that reads or changes stored data, or does privileged work, has no authentication.

    What it does:
        Finds every route (Flask, FastAPI, Django, DRF, Starlette) and every guard that applies
        to it — decorators, dependencies, router and include dependencies, `before_request`
        hooks, mixins, permission classes, settings defaults, middleware and checks at the
        top of the handler, including the project's own guards in other modules. Flags routes
        with none that change data, act on the current user, are admin routes, or read data
        while their sibling routes are protected. Login, registration, logout, password-reset
        requests, health checks, index pages and signature-checked webhooks are public by
        intent; `[tool.codeward] public-routes` lists the rest.

        An app with no authentication concept at all (no login library, guard, permission
        class, hook or middleware anywhere) gets one finding instead, on its app object, root
        URL conf or OpenAPI `add_api`, listing the routes that change or return stored data.
        A route no app serves (a router only tests include, a Django URL conf the root URL
        conf does not include) is reported at low confidence, saying so. So is a route that
        accepts no change and reads only data nobody owns (no owner or personal field, not
        what its guarded siblings read, no user named in its URL): it may be public by design.

    Why is this bad:
        Anyone on the internet can call the route: read other people's data, change or delete
        it, or run admin actions. Assistants add a new endpoint next to protected ones and
        forget the decorator the others have.

    Example:
        ```python
        @app.route("/notes/<int:note_id>", methods=["DELETE"])
        def delete_note(note_id):
            db.session.delete(Note.query.get_or_404(note_id))
            db.session.commit()
        ```

    Use instead:
        ```python
        @app.route("/notes/<int:note_id>", methods=["DELETE"])
        @login_required
        def delete_note(note_id):
            ...
        ```

    Fix safety:
        Unsafe: it adds the guard the neighbouring routes use (or the framework's standard
        one), so anonymous callers are now rejected; clients that relied on the open route
        break. Review that the route is not meant to be public.
    """
    yield from _open_api_default(ctx)
    results = verdicts(ctx.doc, ctx.project, ctx.config, ctx.knowledge, ctx.memo)
    yield from _app_without_authentication(ctx, results)
    view = project_view(ctx.doc, ctx.project, ctx.memo)
    for v in results:
        if not v.needs_login or v.authenticated:
            continue
        # Weak evidence (see routes/evidence.py) keeps the finding, at LOW, saying why.
        weak = route_weakness(v, results, view, ctx.knowledge) if v.confidence is not Confidence.LOW else None
        kind = "admin" if v.admin_route else "login"
        # A login guard alone would leave a privileged route open to every user (CW304), so
        # those get a fix only when an admin guard exists.
        choice = None if v.unsigned_webhook else _guard_choice(ctx, v, results, kind)
        fix = _guard_fix(ctx, v, results, kind, choice) if choice is not None else None
        what = "privileged route" if v.admin_route else "route"
        yield ctx.finding(
            handler_range(ctx, v),
            f"{what} `{_route_text(v)}` has no authentication: {_missing_guard_reason(v, choice)}{_unserved_note(v)}{_weakness_note(weak)}",
            fix=fix,
            confidence=_served_confidence(v, Confidence.LOW if weak else v.confidence),
            properties={"route": _route_text(v)},
        )


def _served_confidence(verdict: Verdict, confidence: Confidence) -> Confidence:
    """A route nobody can call as the code stands (see routes/wiring.py) keeps its finding,
    at LOW confidence: wiring it back makes the flaw live."""
    return Confidence.LOW if verdict.route.served is False else confidence


def _weakness_note(weak: str | None) -> str:
    return f"; {weak}" if weak else ""


def _unserved_note(verdict: Verdict) -> str:
    return f" (not served today: {verdict.route.unserved})" if verdict.route.served is False else ""


_NOTHING_FOUND = "no decorator, dependency, hook, middleware or check in its body protects it"
_CONVENTION = "the other routes here require a login and "


def _missing_guard_reason(verdict: Verdict, choice: GuardChoice | None) -> str:
    """What was looked for and not found, why the route needs it, and the guard the
    neighbouring routes use when there is one."""
    opener = next((g for g in verdict.route.guards if g.kind == "public"), None)
    if opener is not None:  # AllowAny, optional authentication: it checks nothing
        found = f"`{opener.name}` opens it to anonymous callers, but {verdict.reason}"
        return found if choice is None or choice.source != "sibling" else f"{found} (the other routes use `{choice.text}`)"
    if choice is None or choice.source != "sibling":
        return f"{_NOTHING_FOUND}, and {verdict.reason}"
    if verdict.reason.startswith(_CONVENTION):
        return f"{_NOTHING_FOUND}, while the other routes here use `{choice.text}` and {verdict.reason.removeprefix(_CONVENTION)}"
    return f"{_NOTHING_FOUND}, and {verdict.reason} (the other routes use `{choice.text}`)"


def _app_without_authentication(ctx: RuleContext, results: list[Verdict]) -> Iterator[Finding]:
    """One finding on the app object of an app with no authentication concept at all (no
    login library, guard, hook, middleware or guarded route anywhere), listing the routes,
    its own or on the routers it includes, that change, add or return stored data: the
    commonest quick API an assistant writes. Its routes are not reported one by one. Only
    when some route changes an existing record: an app that only serves reads and sign-ups
    is taken as a public site, and one over an in-memory list stores nothing. Not for an app
    shown in a desktop window of its own (its server answers only that window) nor in test
    code."""
    if ctx.memo.get("access.auth_concept") is not False or is_test_module(ctx.doc):
        return
    view = project_view(ctx.doc, ctx.project, ctx.memo)
    if view.local_window:
        return
    app = app_object(ctx.doc)
    if app is not None:
        name = ctx.doc.source_of(app.targets[0]) or "app"
        app_key = f"{ctx.doc.module_name}.{name}" if ctx.doc.module_name else name
        # Login and sign-up pages are public by design; unserved or already reported routes are not the app's exposure.
        left_out = {_route_text(v) for v in results if v.public or v.needs_login or v.route.served is False}
        anchor, what, exposed = app, f"app `{name}`", exposed_routes(view, app_key, left_out)
    elif (spec := _spec_call(ctx)) is not None:
        anchor, what, exposed = spec, "the OpenAPI app", spec_exposed(view, ctx.doc.module_name)
    else:
        found = _root_urlpatterns(ctx, view)
        if found is None:
            return
        urls = urlconf_exposed(view, ctx.doc.module_name)
        anchor, what, exposed = found[0], f"the root URL conf `{found[1]}`", [(f"{url} ({effect})", effect) for url, effect in urls]
    if not any(effect == CHANGE for _, effect in exposed):
        return
    listed = ", ".join(f"`{r}`" for r, _ in exposed[:6]) + (f" and {len(exposed) - 6} more" if len(exposed) > 6 else "")
    yield ctx.finding(
        anchor,
        f"{what} has no authentication at all: no login library, guard, permission class, hook or middleware anywhere in the app, and anyone can change or read stored records through {listed}",
        confidence=Confidence.MEDIUM,
    )


def _spec_call(ctx: RuleContext) -> ast.Call | None:
    """The ``add_api(spec)`` call of a connexion app whose spec was read (see routes/openapi.py)."""
    lines = access_facts(ctx.doc).get("spec_apps", [])
    for node in ctx.doc.nodes_depth_first if lines else []:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_api" and node.lineno in lines:
            return node
    return None


def _root_urlpatterns(ctx: RuleContext, view: ProjectView) -> tuple[ast.stmt, str] | None:
    """The ``urlpatterns`` assignment of this module and its ``ROOT_URLCONF`` name, when it is
    the root URL conf."""
    module = ctx.doc.module_name
    root = next((r for r in view.settings.get("root_urlconf", []) if module and (r == module or module.endswith("." + r))), None)
    if ctx.doc.tree is None or root is None:
        return None
    node = next((s for s in ctx.doc.tree.body if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in s.targets)), None)
    return (node, root) if node is not None else None


def _open_api_default(ctx: RuleContext) -> Iterator[Finding]:
    """DRF settings whose default permission lets anyone call every API view."""
    for node in default_permission_nodes(ctx.doc):
        row = known_guard(ctx.knowledge, node.value, None)
        if row is None or row["kind"] != "public":
            continue
        fix = ctx.fix([ctx.replace(node, '"rest_framework.permissions.IsAuthenticated"')], title="Make IsAuthenticated the API-wide default")
        yield ctx.finding(node, "DEFAULT_PERMISSION_CLASSES opens every API view to anonymous callers unless the view sets its own permission_classes", fix=fix, confidence=Confidence.MEDIUM)


@rule(
    "CW302",
    "missing-ownership-check",
    cwe=(639, 284),
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    fix_title="Restrict the query to the current user's records",
    fix_applicability=Applicability.UNSAFE,
)
def missing_ownership_check(ctx: RuleContext) -> Iterator[Finding]:
    """A record is loaded by a client-supplied id with no check that it belongs to the caller.

    What it does:
        In each route handler, follows ids from the URL, query string or body into fetches
        (`Model.query.get`, `get_or_404`, `session.get`, `filter_by(id=...)`,
        `objects.get(pk=...)`, `get_object_or_404`, SQL `WHERE id = ?`, `find_one({"_id":
        ...})`) and flags those with no owner/user/tenant constraint in the query, no
        comparison with the current user, no user-scoped queryset (DRF/Django
        `get_queryset`) and no object-permission check. The model's real owner field comes
        from its class in the project.

    Why is this bad:
        Insecure direct object reference (IDOR): any logged-in user can read, change or
        delete anyone's records by changing the number in the URL. Assistants write
        `Note.query.get_or_404(note_id)` because it is the shortest way to load a record.

    Example:
        ```python
        @app.get("/notes/<int:note_id>")
        @login_required
        def show_note(note_id):
            return Note.query.get_or_404(note_id).body
        ```

    Use instead:
        ```python
        return Note.query.filter_by(id=note_id, user_id=current_user.id).first_or_404().body
        ```

    Fix safety:
        Unsafe: requests for records of other users now get 404 (or 403), which is the
        point, but also changes behaviour for admins or shared records if the app had them.
    """
    results = verdicts(ctx.doc, ctx.project, ctx.config, ctx.knowledge, ctx.memo)
    if ctx.memo.get("access.auth_concept") is False:
        return  # no caller identity to scope a record to: the app-level CW301 finding says so once
    view = project_view(ctx.doc, ctx.project, ctx.memo)
    for v in results:
        for item in unchecked_fetches(ctx.doc, v, view, ctx.knowledge, ctx.config.auth_guards):
            fixed = ownership_edits(ctx.doc, item)
            fix = ctx.fix(fixed[0], imports=fixed[1]) if fixed else None
            owner = f" (the model has `{item.model.owner_field}`)" if item.model.owner_field else ""
            what = "loads" if item.call is not None else "serves"
            # A model class reads "a Note"; a table or collection, "a record of `notes`".
            record = f"a {item.model.name}" if item.model.name[:1].isupper() else f"a record of `{item.model.name}`"
            anyone = "change or delete" if item.writes else "read"
            confidence = Confidence.HIGH if item.model.owner_field else Confidence.MEDIUM
            if item.shared_scope:
                # Scoped, but to what the caller may see: the missing piece is a permission to change.
                message = (f"`{_route_text(v)}` changes the record it loads by the client-supplied `{item.id_name}` from "
                           f"`{item.shared_scope}`, which also admits records shared with the caller, and nothing checks the "
                           f"caller may change it (owner or edit permission): anyone it is shared with can change or delete it")
            else:
                message = (f"`{_route_text(v)}` {what} {record} by the client-supplied `{item.id_name}` with no owner filter bound "
                           f"to the caller and no comparison with the caller{owner}: any user can {anyone} anyone's records")
            yield ctx.finding(
                item.anchor if item.call is None else item.call,
                message + _unserved_note(v),
                fix=fix,
                confidence=_served_confidence(v, confidence),
            )


@rule(
    "CW303",
    "guessable-token",
    cwe=(330, 340),
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    fix_title="Generate the token with secrets.token_urlsafe(32)",
    fix_applicability=Applicability.UNSAFE,
)
def guessable_token(ctx: RuleContext) -> Iterator[Finding]:
    """A token, reset code, invite or share link, API key or session id is predictable.

    What it does:
        Flags values stored or returned as capabilities (names like `token`, `reset_code`,
        `invite_code`, `share_id`, `api_key`, `session_id`) that are made from the clock,
        `uuid1`, a row count or a previous id plus one, a hash of values anyone can know
        (`md5(user.email)`, `sha256(email + str(time.time()))`), or fewer than 8 random
        bytes (`secrets.token_hex(3)`). It judges how the value is made, not its name: a token
        only read (`sys.argv[3]`), tested (`len(token) >= 32`) or split into words, and a
        JWT's claims, are not reported. Values from the `random` module are CW508's business.

    Why is this bad:
        Whoever can guess the value gets what it grants: resetting a victim's password,
        joining their team, reading a shared document. Times are known to the second, uuid1
        leaks the MAC address and the time, and hashing does not add any secret.

    Example:
        ```python
        user.reset_token = hashlib.sha256((user.email + str(time.time())).encode()).hexdigest()
        ```

    Use instead:
        ```python
        user.reset_token = secrets.token_urlsafe(32)
        ```

    Fix safety:
        Unsafe: the new tokens are random strings of 43 characters; code that parsed the old
        format (a timestamp inside, a numeric code) or a column too short to hold them breaks.
    """
    for item in guessable_values(ctx.doc, ctx.knowledge):
        fix = ctx.fix([token_edit(ctx.doc, item.node)], imports=["import secrets"])
        yield ctx.finding(item.node, f"`{item.name}` is made from {item.what}, so an attacker can guess it; use `secrets.token_urlsafe(32)`", fix=fix)


@rule(
    "CW304",
    "admin-route-without-role-check",
    cwe=(285, 269),
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    fix_title="Add the admin guard the other admin routes use",
    fix_applicability=Applicability.UNSAFE,
)
def admin_without_role_check(ctx: RuleContext) -> Iterator[Finding]:
    """An admin route checks that the caller is logged in, but not that they are an admin.

    What it does:
        Flags routes under an admin URL, named as admin handlers, on an admin blueprint or
        router, or that change a user's role, which have a login guard but no role check —
        no admin decorator or dependency, no `IsAdminUser`/`permission_required`, no
        `if not current_user.is_admin: abort(403)` (or a redirect away), no test of the
        caller's class. Not reported: pages that read and change nothing, callbacks verified
        by a shared secret, and apps where everyone who can log in is an operator (a login
        limited to an allow-list, a single-account app).

    Why is this bad:
        Every registered user can use the admin function: list or delete all users, grant
        themselves a role, change settings.

    Example:
        ```python
        @app.post("/admin/users/<int:user_id>/delete")
        @login_required
        def delete_user(user_id): ...
        ```

    Use instead:
        ```python
        @app.post("/admin/users/<int:user_id>/delete")
        @admin_required
        def delete_user(user_id): ...
        ```

    Fix safety:
        Unsafe: non-admin users are now refused; the fix is offered only when the project
        (or framework) has an admin guard to add.
    """
    results = verdicts(ctx.doc, ctx.project, ctx.config, ctx.knowledge, ctx.memo)
    if operators_only(project_view(ctx.doc, ctx.project, ctx.memo), ctx.knowledge):
        return  # every account that can log in is an operator: a login check is the role check
    convention = any(o.admin_checked for o in results)
    for v in results:
        if not v.admin_route or not v.authenticated or v.admin_checked or v.public:
            continue
        effects = v.effects
        if effects.signature_checked or not (effects.reads or effects.writes or effects.grants_role):
            continue  # a machine caller proving a shared secret has no role; a redirect does nothing
        fix = _guard_fix(ctx, v, results, "admin")
        yield ctx.finding(
            handler_range(ctx, v),
            f"privileged route `{_route_text(v)}` only requires a login; any user can use it (add a role check){_unserved_note(v)}",
            fix=fix,
            confidence=_served_confidence(v, Confidence.HIGH if convention else Confidence.MEDIUM),
        )
