"""Per-file access-control facts for the ProjectIndex (``@fact_extractor("access")``).

One pass over a module records what other files' routes depend on: the guards it defines
(decorators and dependencies recognised by what they do), ``before_request`` hooks, routers
and blueprints with their prefixes and dependencies, ``include_router``/``register_blueprint``
calls, model classes with their fields, Django URL patterns and settings. Every value is made
of str, bool, list and dict only, so it pickles to worker processes and compares cheaply when
the language server re-extracts on save.
"""

from __future__ import annotations

import ast
from typing import Any

from .. import deadline
from .. import knowledge as knowledge_mod
from ..names import absolute_module
from ..project import fact_extractor
from ..source import SourceDoc
from ..syntax import dotted, keyword, matches_call, string_value, walk
from .behaviour import body_guard, enforcement, redirects_away, rejection, test_method_kind
from .data import glob_any
from .dependencies import dependency_parameters, dependency_targets, optional_instance, parameter_dependencies
from .forwards import forward_fact
from .identity import caller_attributes, decorator_injections, is_caller, is_user_expr, returns_caller, verified_parameters
from .logins import operator_only_login
from .migrations import migration_operations
from .nodes import all_nodes, function_nodes
from .owner_gates import decorator_owned_ids, dispatch_checks_owner, permission_owned_ids, test_method_owned_ids
from .owner_helpers import compares_record_with_caller, owner_check_fact, scope_helper_fact
from .public import ends_request
from .querysets import unscoped_returns

#: Objects routes are declared on; a call may resolve with or without ``()`` depending on
#: whether a ``[[types]]`` row names its result.
_ROUTER_TYPES = {
    "fastapi.APIRouter": "fastapi",
    "fastapi.FastAPI": "fastapi",
    "flask.Blueprint": "flask",
    "flask.Flask": "flask",
}
#: Objects that serve requests themselves (a router or blueprint is served only once included).
_APP_TYPES = ("fastapi.FastAPI", "flask.Flask")
#: Libraries whose import shows the application authenticates its callers.
LOGIN_LIBRARIES = ("flask_login", "flask_jwt_extended", "flask_httpauth", "django.contrib.auth", "fastapi.security", "starlette.authentication", "rest_framework.permissions")
#: Libraries that show the app in a desktop window of its own (pywebview, flaskwebgui): the web
#: server answers that window on the user's machine, not callers on the network.
LOCAL_WINDOW_LIBRARIES = ("webview", "flaskwebgui")
#: The hooks key of a hook an extension registers on the app it is given (see _hook_key).
ANY_APP = "<any app>"
_MODEL_FIELD_CALLS = ("Column", "mapped_column", "ForeignKey", "relationship", "Field", "ReferenceField")
#: Fields keying another model: SQLAlchemy/Django foreign keys, MongoEngine references.
_KEY_FIELD_CALLS = ("ForeignKey", "OneToOneField", "ReferenceField", "LazyReferenceField")


def object_key(doc: SourceDoc, expr: ast.AST | None) -> str | None:
    """A project-wide name for the object ``expr`` denotes: the import target for imported
    names, ``module.name`` for names bound in this module (``bp`` → ``app.admin.bp``)."""
    if isinstance(expr, ast.Name):
        scope = doc.scope_of(expr)
        binding = doc.names.binding(expr.id, scope)
        if binding is None and scope is not doc.tree:
            binding = doc.names.binding(expr.id)
        if isinstance(binding, tuple):  # imported, possibly inside a factory function
            return binding[1]
        return f"{doc.module_name}.{expr.id}" if doc.module_name else expr.id
    if isinstance(expr, ast.Attribute):
        base = object_key(doc, expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None


def is_test_module(doc: SourceDoc) -> bool:
    """Test code, by its file name (``test_*.py``, ``*_test.py``, ``conftest.py``) or by what it
    is (its folder may be a tests folder for other reasons, such as this project's fixtures): it
    imports a test framework or test client, or defines ``test_*`` functions."""
    cached = doc.__dict__.get("_test_module")
    if cached is None:
        name = doc.path.replace("\\", "/").rpartition("/")[2]
        imports = doc.names.imports.values()
        body = doc.tree.body if doc.tree is not None else []
        cached = (
            name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or any(i.split(".", 1)[0] in ("pytest", "unittest") or ".testclient" in i for i in imports)
            or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name.startswith("test_") for s in body)
        )
        doc.__dict__["_test_module"] = cached
    return cached


def _list_keyword(call: ast.Call, name: str) -> list[ast.expr]:
    kw = keyword(call, name)
    return [kw.value] if kw is not None else []


class _Extractor:
    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.knowledge = knowledge_mod.load()
        self.module = doc.module_name
        self.facts: dict[str, Any] = {}
        self.owner_fields = frozenset(n for row in self.knowledge.rows("access_owner_fields") for n in row["names"])

    def _put(self, section: str, key: str, value: Any) -> None:
        self.facts.setdefault(section, {})[key] = value

    def run(self) -> dict[str, Any]:
        tree = self.doc.tree
        assert tree is not None
        for stmt in tree.body:
            self._statement(stmt, top=True)
        from .ownership import helper_fact  # here: ownership reads the merged view of these facts

        for index, node in enumerate(all_nodes(self.doc)):
            if not index & 255:
                deadline.check()
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Subscript) and isinstance(node.func.value, ast.Name):
                    self._dispatch(node)
                self._call(node)
                helper = helper_fact(self.doc, node, self.knowledge)
                if helper is not None:
                    self.facts.setdefault("fetchers", {}).setdefault(helper[0], helper[1])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.decorator_list:
                    self._hook(node)
                else:
                    checker = owner_check_fact(self.doc, node, self.owner_fields)
                    if checker is not None:
                        self._put("owner_checks", *checker)
                    forward = forward_fact(self.doc, node, self.owner_fields)
                    if forward is not None:
                        self._put("forwards", *forward)
                    self._http_middleware(node)
                if isinstance(self.doc.parent(node), ast.Module):
                    owned = decorator_owned_ids(node, self.owner_fields)
                    if owned:  # @owned_by_user(Contact): the wrapper calls the view only on the caller's record
                        self._put("owner_gates", self._qual(node.name), owned)
                nodes = function_nodes(self.doc, node)
                if "operator_login" not in self.facts and allow_list_login(node, self.knowledge, nodes):
                    self.facts["operator_login"] = True
                operator = operator_only_login(node, self.knowledge, nodes)
                if operator is not None:
                    self.facts["operator_credentials" if operator else "account_logins"] = True
        if any(i.startswith(LOGIN_LIBRARIES) for i in self.doc.names.imports.values()):
            self.facts["login_library"] = True
        if any(i.split(".", 1)[0] in LOCAL_WINDOW_LIBRARIES for i in self.doc.names.imports.values()):
            self.facts["local_window"] = True
        from ..rules._settings import is_settings_file  # here: importing rules registers them

        if is_settings_file(self.doc):
            self._settings(tree)
        return self.facts

    def _qual(self, name: str) -> str:
        return f"{self.module}.{name}" if self.module else name

    # -- definitions ---------------------------------------------------------------
    def _statement(self, stmt: ast.stmt, top: bool) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(stmt)
        elif isinstance(stmt, ast.ClassDef):
            self._class(stmt)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            self._assignment(stmt.targets[0].id, stmt.value)
        elif isinstance(stmt, ast.If) and top:
            for inner in stmt.body + stmt.orelse:
                self._statement(inner, top=False)

    def _function(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if any(self._is_route_decorator(d) for d in func.decorator_list):
            self._record_data_route(func)
            self._record_listed_models(func)
            return
        if [a.arg for a in func.args.args[:1]] == ["request"] and func.decorator_list:
            self._record_listed_models(func)  # a Django view (wired by a URL conf, not a decorator) behind its guards
        self._record_data_helper(self._qual(func.name), func)
        deps = parameter_dependencies(self.doc, func)
        if deps:
            self._put("deps", self._qual(func.name), deps)
        wrapped = _wrapper_decorators(self.doc, func)
        if wrapped:
            self._put("wrapped", self._qual(func.name), wrapped)
        kind = enforcement(func, self.knowledge)
        if kind is None:
            raised = _raised_project_errors(self.doc, func, self.knowledge)
            if raised:  # decided once the project's exception classes are known (ProjectView)
                self._put("raising_checks", self._qual(func.name), raised)
        if kind:
            self._put("guards", self._qual(func.name), kind)
            injects = decorator_injections(func)
            if injects is not None:
                self._put("injects", self._qual(func.name), [injects[0], injects[1]])
            self._add_callers(caller_attributes(func, self.knowledge))
        self._factory(func)
        if returns_caller(func, self.knowledge):
            self.facts.setdefault("caller_helpers", []).append(self._qual(func.name))
        scope = scope_helper_fact(func, self.owner_fields)
        if scope is not None:
            self._put("scope_helpers", self._qual(func.name), scope)
        verified = verified_parameters(self.doc, func, self.knowledge)
        if verified:
            self._put("verifies", self._qual(func.name), verified)

    def _factory(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A dependency factory: ``Depends(get_authorizer())`` and ``require_editor =
        require_role(EDITOR)`` run what the call returns. Recorded under ``name()``: the
        module functions it returns, or for a checker defined inside it (``def
        role_checker(ctx = Depends(get_org_context)): ... raise HTTPException(403)``) that
        checker's own dependencies and what it enforces."""
        key = self._qual(func.name) + "()"
        nested = {s.name: s for s in func.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        deps: list[str] = []
        for name in _returned_functions(func):
            inner = nested.get(name.id)
            if inner is not None:
                deps += parameter_dependencies(self.doc, inner)
                kind = enforcement(inner, self.knowledge)
                if kind:
                    self._put("guards", key, kind)
            elif isinstance(self.doc.names.binding(name.id), (ast.FunctionDef, ast.AsyncFunctionDef, tuple)):
                deps.append(self.doc.resolve(name) or name.id)
        built = [(self.doc.resolve(call.func) or call.func.id) + "()" for call in _returned_factory_calls(func)
                 if isinstance(self.doc.names.binding(call.func.id), (ast.FunctionDef, ast.AsyncFunctionDef, tuple))]
        if built and not self.facts.get("deps", {}).get(self._qual(func.name)):
            # def require_super_admin(auth): return require_role(auth, "super_admin"): a factory
            # giving what another factory of the project gives runs that one's guard, used as
            # a decorator (@require_super_admin(auth), looked up by its name) or a dependency.
            self._put("deps", self._qual(func.name), built)
        deps += built
        if deps:
            self._put("deps", key, deps)

    def _add_callers(self, attributes: list[str]) -> None:
        callers = self.facts.setdefault("callers", [])
        callers.extend(a for a in attributes if a not in callers)

    def _record_data_route(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``data_routes``: per router or app, its routes that change, add or return stored
        data (``[route, effect, other calls]``, see :mod:`.stored`), for the app-level finding
        of an app without authentication (CW301), written in the app object's file."""
        from .stored import data_effect

        effect, calls = data_effect(self.doc, func, self.knowledge)
        for deco in func.decorator_list:
            if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.args):
                continue
            url = string_value(deco.args[0])
            methods = [deco.func.attr.upper()] if deco.func.attr in ("get", "post", "put", "patch", "delete") else ["GET"]
            kw = keyword(deco, "methods")
            if kw is not None and isinstance(kw.value, (ast.List, ast.Tuple)):
                methods = sorted(str(string_value(e)).upper() for e in kw.value.elts)
            key = object_key(self.doc, deco.func.value)
            if key and url is not None and (effect or calls):
                self.facts.setdefault("data_routes", {}).setdefault(key, []).append([f"{'/'.join(methods)} {url}", effect, calls])

    def _record_data_helper(self, qual: str, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``data_helpers``: functions and methods that run a data call themselves
        (``BookingDB.get_all`` running ``SELECT``), with what they do to the data. Not view
        functions taking the request: their bodies are edited all the time, and facts that
        change with every such edit would make the editor re-check the whole app."""
        from .stored import data_effect, helper_tables

        params = [a.arg for a in [*func.args.posonlyargs, *func.args.args] if a.arg not in ("self", "cls")]
        if params[:1] in (["request"], ["req"]):
            return

        effect, _ = data_effect(self.doc, func, self.knowledge)
        if effect:
            self._put("data_helpers", qual, effect)
            tables = helper_tables(self.doc, func, self.knowledge)
            if tables is not None:
                self._put("helper_tables", qual, tables)

    def _record_listed_models(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``listed_models``: models a route any logged-in user may call lists in full
        (``Code.query.order_by(...).all()``, ``.paginate()``, ``Model.objects.all()``,
        ``db.session.scalars(select(Code)).all()``, ``return Post.select()``, also through
        locals: ``stmt = select(Code)``, ``result = session.execute(stmt)``) with no filter
        tying them to the caller: the app shows every user all of them, so they are shared
        records, not private ones. A route protected only by a dependency or decorator whose
        definition is in another module records its models under ``listed_models_if`` with
        those guards' names; the route analysis decides once the project is known."""
        kinds = {self._decorated_guard_row(d) for d in func.decorator_list}
        body = body_guard(func, self.knowledge)
        if "admin" in kinds or body == "admin":
            return  # a staff page listing everything says nothing about what users see
        candidates: list[str] = []
        if "login" not in kinds and body != "login":
            deps = dependency_parameters(self.doc, func)
            decorators = [d.func if isinstance(d, ast.Call) else d for d in func.decorator_list if not self._is_route_decorator(d)]
            candidates = [t for _, t, _ in deps] + [self.doc.resolve(d) or dotted(d) or "" for d in decorators]
            candidates = [c for c in candidates if c]
            if not candidates:
                self._record_index_listing(func)
                return  # only a route any logged-in user may call shows that every user sees them all
        callers = frozenset(name for name, _, _ in dependency_parameters(self.doc, func))
        models = _listed_models(func, callers, self._template_renders(func))
        if not models:
            return
        if candidates:
            pending = self.facts.setdefault("listed_models_if", {})
            for model in models:
                pending.setdefault(model, []).extend(c for c in candidates if c not in pending.get(model, ()))
        else:
            listed = self.facts.setdefault("listed_models", [])
            listed.extend(m for m in models if m not in listed)

    def _template_renders(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[int]:
        """Ids of the calls in ``func`` that fill a template (data rows ``template_renders``):
        handing the caller to the page (``render(request, ..., {"user": request.user})``)
        ties no query to them."""
        patterns = [row["call"] for row in self.knowledge.rows("template_renders") if "()" not in row["call"]]  # (not env.get_template().render)
        return frozenset(id(n) for n in ast.walk(func) if isinstance(n, ast.Call) and any(matches_call(self.doc, n, p) for p in patterns))

    def _record_index_listing(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``index_listed_models``: models the app's index page (``/``), open to anyone and
        changing nothing, lists in full: community content the site shows every visitor
        (facts, posts, listings), so a page showing one of them by id shows nothing the index
        does not. Only the index page counts: it is public by design (see .public), while
        another open route listing everything may itself be the flaw. The route analysis
        drops these when a hook or middleware may guard the index after all."""
        from .stored import CHANGE, data_effect

        urls = [string_value(d.args[0]) for d in func.decorator_list if self._is_route_decorator(d) and d.args]  # type: ignore[union-attr]
        if not any(url is not None and url.strip("/") == "" for url in urls) or data_effect(self.doc, func, self.knowledge)[0] == CHANGE:
            return
        listed = self.facts.setdefault("index_listed_models", [])
        listed.extend(m for m in _listed_models(func, frozenset()) if m not in listed)

    def _is_route_decorator(self, deco: ast.expr) -> bool:
        target = deco.func if isinstance(deco, ast.Call) else deco
        attrs = {row["attribute"] for row in self.knowledge.rows("access_route_decorators")}
        return isinstance(target, ast.Attribute) and target.attr in attrs and isinstance(deco, ast.Call)

    def _class(self, cls: ast.ClassDef) -> None:
        bases = [dotted(b) or "" for b in cls.bases]
        fields: list[str] = []
        user_fks: list[str] = []
        fks: dict[str, str] = {}  # field -> referenced table or model, lower case
        table = None
        methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for method in methods.values():
            self._record_data_helper(self._qual(f"{cls.name}.{method.name}"), method)
        if any(b.rsplit(".", 1)[-1].endswith(("Middleware", "Backend")) for b in bases) or methods.keys() & _MIDDLEWARE_METHODS:
            self._auth_middleware(cls, methods)
        resolved_bases = [n for n in (self.doc.resolve(b) or dotted(b) for b in cls.bases) if n and n != "object"]
        if resolved_bases:
            self._put("class_bases", self._qual(cls.name), resolved_bases)
        refusal = _refusal_status(cls, methods.get("__init__"), self.knowledge)
        if refusal is not None:
            self._put("refusal_errors", self._qual(cls.name), refusal)
        dispatch = methods.get("dispatch")
        kind = enforcement(dispatch, self.knowledge) if dispatch is not None else None
        if kind:  # a view class or mixin whose dispatch refuses: its subclasses are guarded
            self._put("class_guards", self._qual(cls.name), kind)
        if dispatch is not None and dispatch_checks_owner(dispatch):  # UserIsObjectOwnerMixin: obj.owner != request.user -> 403
            self._put("owner_dispatch", self._qual(cls.name), True)
        if any(b.rsplit(".", 1)[-1].endswith(("View", "ViewSet", "Mixin")) for b in bases):
            from .stored import view_class_effect

            effect = view_class_effect(self.doc, cls, self.knowledge)
            if effect:
                self._put("data_helpers", self._qual(cls.name), effect)
        for stmt in cls.body:
            target = value = None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target, value = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                target, value = stmt.target.id, stmt.value or stmt.annotation
            if target is None:
                continue
            if target == "__tablename__":
                table = string_value(value)
            elif value is not None and any(
                isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1].endswith(_MODEL_FIELD_CALLS) for n in ast.walk(value)
            ):
                fields.append(target)
                if _references_user(value):
                    user_fks.append(target)
                fk = _foreign_key_target(value)
                if fk:
                    fks[target] = fk
        if fields or any(b.endswith(("Model", "Base", "SQLModel", "Document")) for b in bases):
            info: dict[str, Any] = {"fields": fields, "table": table, "module": self.module}
            if user_fks:
                info["user_fks"] = user_fks
            if fks:
                info["fks"] = fks
            if any(b.rsplit(".", 1)[-1] in _ACCOUNT_BASES for b in bases):
                info["account"] = True  # a custom user model: its password field is inherited
            self._put("models", cls.name, info)
        tested = test_method_kind(cls, self.knowledge)
        if tested:  # class AdminRequiredMixin(UserPassesTestMixin): a base other views inherit
            self._put("guards", self._qual(cls.name), tested)
        for row in self.knowledge.rows("access_test_methods"):
            owned = test_method_owned_ids(methods[row["method"]], self.owner_fields) if row["method"] in methods else []
            if owned:  # test_func: Address.objects.filter(id=self.kwargs["pk"], user=self.request.user).exists()
                self._put("owner_gates", self._qual(cls.name), owned)
        if _scoped_queryset(methods.get("get_queryset")):  # class OwnedMixin: get_queryset filters owner=self.request.user
            self._put("scoped_querysets", self._qual(cls.name), True)
        inherited = self._class_decorators(cls)
        if inherited:
            self._put("class_decorators", self._qual(cls.name), inherited)
        self._guard_class(cls)
        if any(b.endswith("BasePermission") for b in bases):
            kind = None
            if "has_permission" in methods:
                kind = enforcement(methods["has_permission"], self.knowledge) or _permission_kind(methods["has_permission"], self.knowledge)
            if kind is None and _owner_or_read_only(cls, methods.get("has_object_permission")):
                kind = "login"  # as DRF's IsAuthenticatedOrReadOnly: reads public, changes need an identity
            owned = permission_owned_ids(methods["has_permission"]) if "has_permission" in methods else []
            self._put("permissions", self._qual(cls.name), {"kind": kind, "object": _object_check(methods.get("has_object_permission")), "owned": owned})

    def _guard_class(self, cls: ast.ClassDef) -> None:
        """A subclass of a framework's credential scheme (``class SupabaseJWTBearer(HTTPBearer)``):
        its instances reject requests as the scheme does (recorded as the call ``Cls()``)."""
        for base in cls.bases:
            resolved = (self.doc.resolve(base) or "") + "()"
            row = next((r for r in self.knowledge.rows("access_guards") if r["path"] == resolved), None)
            if row is not None:
                row.hit()
                self._put("guards", self._qual(cls.name) + "()", row["kind"])
                return

    def _class_decorators(self, cls: ast.ClassDef) -> list[str]:
        """Resolved names in a class view's ``decorators = [...]`` and Django's
        ``@method_decorator(login_required, name="dispatch")`` on the class: subclasses (a
        project's ``BaseView(MethodView)``, ``BaseReportView(View)``) get them too."""
        targets = [d.args[0] for d in cls.decorator_list if isinstance(d, ast.Call) and (dotted(d.func) or "").endswith("method_decorator") and d.args]
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "decorators" for t in stmt.targets) and isinstance(stmt.value, (ast.List, ast.Tuple)):
                targets += stmt.value.elts
                break
        targets = [e.func if isinstance(e, ast.Call) else e for e in targets]
        return [n for n in (self.doc.resolve(t) or dotted(t) for t in targets) if n]

    def _assignment(self, name: str, value: ast.expr) -> None:
        if isinstance(value, ast.Dict):
            self._dispatch_table(name, value)
            return
        if isinstance(value, ast.Name):
            self._permission_alias(name, value)
            return
        if isinstance(value, ast.Subscript):  # CurrentUser = Annotated[User, Depends(get_user)]
            deps = dependency_targets(self.doc, [value])
            if deps:
                self._put("deps", self._qual(name), deps)
            return
        if not isinstance(value, ast.Call):
            return
        resolved = self.doc.resolve(value) or ""
        framework = _ROUTER_TYPES.get(resolved.removesuffix("()"))
        if framework:
            prefix = string_value((keyword(value, "prefix") or keyword(value, "url_prefix") or ast.Constant(None)).value)
            deps = dependency_targets(self.doc, _list_keyword(value, "dependencies"))
            app = resolved.removesuffix("()") in _APP_TYPES
            self._put("routers", self._qual(name), {"framework": framework, "prefix": prefix or "", "deps": deps, "app": app})
            for item in _list_keyword(value, "middleware"):  # FastAPI(middleware=[Middleware(Auth, backend=B())])
                for entry in item.elts if isinstance(item, (ast.List, ast.Tuple)) else []:
                    if isinstance(entry, ast.Call) and entry.args:
                        self._middleware(self._qual(name), entry.args[0], entry)
            return
        if optional_instance(value):
            return  # HTTPBearer(auto_error=False): admits callers without a credential
        for row in self.knowledge.rows("access_guards"):
            if row["path"].endswith("()") and resolved == row["path"]:
                row.hit()
                self._put("guards", self._qual(name), row["kind"])
                return
        if isinstance(value.func, ast.Name) and isinstance(self.doc.names.binding(value.func.id), (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, tuple)):
            # `require_editor = require_role(EDITOR)`, `bearer = ProjectJWTBearer(...)`: as a
            # dependency, the name runs what the project's factory or guard class gives.
            self._put("deps", self._qual(name), [resolved])

    def _permission_alias(self, name: str, value: ast.Name) -> None:
        """``DevelopmentAwarePermission = IsAuthenticatedPermission``: a module-level alias of a
        DRF permission class defined above it is the same class, so views listing the alias in
        ``permission_classes`` are guarded as the class guards them."""
        known = self.facts.get("permissions", {}).get(self._qual(value.id))
        if known is not None:
            self._put("permissions", self._qual(name), known)

    # -- dispatch tables: OPS = {"playlist": playlist, ...}; OPS[name](args, user) -------
    def _dispatch_table(self, name: str, value: ast.Dict) -> None:
        """A module-level dict of this module's functions, keyed by operation name."""
        entries = []
        for key, item in zip(value.keys, value.values):
            op = string_value(key) if key is not None else None
            if op and isinstance(item, ast.Name) and isinstance(self.doc.names.binding(item.id), (ast.FunctionDef, ast.AsyncFunctionDef)):
                entries.append([op, item.id])
        if len(entries) >= 2:
            self._put("dispatch_tables", self._qual(name), entries)

    def _dispatch(self, call: ast.Call) -> None:
        """``TABLE[name](args, user)``: the table's functions run on the request's data.
        Records which arguments carry the caller and whether a login check precedes the call."""
        from .behaviour import dispatch_guarded

        key = object_key(self.doc, call.func.value)  # type: ignore[attr-defined]
        if not key:
            return
        scope = self.doc.scope_of(call)
        callers = []
        for index, arg in enumerate(call.args):
            value = self.doc.names.binding(arg.id, scope) if isinstance(arg, ast.Name) else arg  # type: ignore[arg-type]
            if isinstance(value, ast.AST) and any(is_user_expr(sub) for sub in ast.walk(value)):
                callers.append(index)
        guarded = dispatch_guarded(self.doc, call, self.knowledge)
        found = self.facts.setdefault("dispatches", {}).get(key)
        if found is not None:
            guarded = guarded and found["guarded"]
        self.facts["dispatches"][key] = {"guarded": guarded, "callers": callers}

    # -- hooks, includes, URL patterns ---------------------------------------------
    def _hook(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in func.decorator_list:
            if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "middleware" and string_value(deco.args[0] if deco.args else None) == "http":
                # FastAPI/Starlette @app.middleware("http"): runs before every route of the app
                kind = enforcement(func, self.knowledge)
                key = object_key(self.doc, deco.func.value)
                if kind and key:
                    self.facts.setdefault("middleware", {}).setdefault(key, []).append(self._qual(func.name))
                    self._put("auth_middleware", self._qual(func.name), kind)
            if isinstance(deco, ast.Attribute) and deco.attr in ("before_request", "before_app_request"):
                self._add_callers(caller_attributes(func, self.knowledge))
                kind = enforcement(func, self.knowledge) or self._decorated_guard(func)
                key = self._hook_key(deco.value)
                if kind and key:
                    self._put("hooks", key, kind)

    def _hook_function(self, expr: ast.expr) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function ``app.before_request(x)`` registers: a module function, or a method
        of the enclosing class (``app.before_request(self.check)`` in an extension)."""
        if isinstance(expr, ast.Name):
            target = self.doc.names.binding(expr.id)
            return target if isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
            scope = self.doc.scope_of(expr)
            cls = self.doc.parent(scope) if scope is not None else None
            if isinstance(cls, ast.ClassDef):
                return next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == expr.attr), None)
        return None

    def _hook_key(self, receiver: ast.expr) -> str | None:
        """The app or blueprint a hook is registered on; ``ANY_APP`` when it is registered on
        a parameter (``def init_app(self, app): @app.before_request ...``, ``self.app``): an
        extension's hook guards whatever app it is initialised with."""
        base = receiver.value if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == "self" else receiver
        if isinstance(base, ast.Name):
            scope = self.doc.scope_of(base)
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = {a.arg for a in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]}
                if base.id in params:
                    return ANY_APP
        return object_key(self.doc, receiver)

    def _decorated_guard(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """A hook that is itself guarded (``@bp.before_request`` over ``@login_required``)."""
        return next((kind for kind in map(self._decorated_guard_row, func.decorator_list) if kind), None)

    def _decorated_guard_row(self, deco: ast.expr) -> str | None:
        """The kind of a library or well-named guard decorator (its definition may be elsewhere)."""
        from .data import first_row
        from .view import known_guard

        target = deco.func if isinstance(deco, ast.Call) else deco
        row = known_guard(self.knowledge, self.doc.resolve(target), dotted(target))
        if row is None:
            row = first_row(self.knowledge, "access_guard_names", "names", (dotted(target) or "").rsplit(".", 1)[-1])
        return str(row["kind"]) if row is not None and row["kind"] != "public" else None

    def _http_middleware(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A module function shaped like FastAPI/Starlette HTTP middleware (``request``,
        ``call_next``) that refuses requests: an auth middleware wherever an app registers it
        (``app.middleware("http")(auth_middleware)``, often from another module)."""
        params = [a.arg for a in func.args.args]
        if func.col_offset == 0 and len(params) == 2 and params[1] == "call_next":
            kind = enforcement(func, self.knowledge)
            if kind:
                self._put("auth_middleware", self._qual(func.name), kind)
                self._exempt_paths(self._qual(func.name), func)

    def _exempt_paths(self, key: str, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``middleware_exempt``: the paths a middleware names are the ones it lets through
        (``public_paths = ["/login", ...]``); ``*`` when a prefix test over a list holding
        ``"/"`` lets every path through."""
        exempt = sorted({text for node in ast.walk(func) if (text := string_value(node)) and text.startswith("/")})
        if "/" in exempt and _prefix_test_lets_all_through(self.doc, func):
            exempt = ["*"]  # `path.startswith(p) for p in [..., "/"]`: every path is public
        if exempt:
            self._put("middleware_exempt", key, exempt)

    def _registered_middleware(self, call: ast.Call) -> None:
        """``app.middleware("http")(fn)``: the call form of the ``@app.middleware("http")``
        decorator; whether ``fn`` refuses requests is known where it is defined."""
        register = call.func
        if not (isinstance(register, ast.Call) and isinstance(register.func, ast.Attribute) and register.func.attr == "middleware"
                and string_value(register.args[0] if register.args else None) == "http" and call.args):
            return
        key = object_key(self.doc, register.func.value)
        name = self.doc.resolve(call.args[0]) or dotted(call.args[0])
        if key and name:
            self.facts.setdefault("middleware", {}).setdefault(key, []).append(name)

    def _call(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Call):
            self._registered_middleware(call)
            return
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in ("include_router", "register_blueprint", "mount") and call.args:
            self._include(call, func)
        elif func.attr == "before_request" and call.args and isinstance(call.args[0], (ast.Name, ast.Attribute)):
            target = self._hook_function(call.args[0])
            if target is not None:
                kind = enforcement(target, self.knowledge)
                key = self._hook_key(func.value)
                if kind and key:
                    self._put("hooks", key, kind)
        elif func.attr in ("add_url_rule", "add_resource") and call.args:
            self._imported_view_rule(call)
        elif func.attr == "add_middleware" and call.args:
            key = object_key(self.doc, func.value)
            if key:
                self._middleware(key, call.args[0], call)
        elif func.attr == "add_api" and (call.args or call.keywords):
            from .openapi import spec_routes

            found = spec_routes(self.doc, call)
            if found is not None:
                self.facts.setdefault("urls", []).extend(found[0])
                if found[1]:  # the spec declares security schemes: the app knows its callers
                    self.facts["login_library"] = True
                self.facts.setdefault("spec_apps", []).append(call.lineno)
        elif func.attr == "register" and len(call.args) >= 2:
            prefix = string_value(call.args[0])
            view = self.doc.resolve(call.args[1]) or dotted(call.args[1])
            if prefix is not None and view:
                self.facts.setdefault("urls", []).append({"url": prefix.strip("^$"), "view": view, "viewset": True, "router": dotted(func.value) or ""})

    def _middleware(self, app: str, cls: ast.expr, call: ast.Call) -> None:
        """``middleware``: per app, the middleware classes it runs, or for Starlette's
        ``AuthenticationMiddleware`` the backend that decides (whether a class rejects
        requests is known where it is defined: ``auth_middleware``)."""
        backend = keyword(call, "backend")
        target = backend.value if backend is not None and (dotted(cls) or "").endswith("AuthenticationMiddleware") else cls
        if isinstance(target, ast.Call):
            target = target.func
        name = self.doc.resolve(target) or dotted(target)
        if name:
            self.facts.setdefault("middleware", {}).setdefault(app, []).append(name.removesuffix("()"))

    def _auth_middleware(self, cls: ast.ClassDef, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> None:
        """A middleware class or authentication backend that rejects requests without a valid
        credential: its ``authenticate`` (a Starlette backend raising ``AuthenticationError``),
        ``dispatch`` or ``__call__`` refuses with 401/403, or for Django middleware its
        ``process_request``/``process_view`` redirects anonymous callers to the login page.
        The paths it names are the ones it lets through (``public_paths = ["/about/"]``).
        Whether or not it rejects, the request attributes it loads from the logged-in user are
        the caller's."""
        for name in ("process_request", "dispatch", "__call__"):
            if name in methods:  # request.organization = <the logged-in trainer>.organization
                self._add_callers(caller_attributes(methods[name], self.knowledge))
        for name in ("authenticate", "dispatch", *_MIDDLEWARE_METHODS):
            method = methods.get(name)
            kind = enforcement(method, self.knowledge) if method is not None else None
            if kind and method is not None:
                self._put("auth_middleware", self._qual(cls.name), kind)
                self._exempt_paths(self._qual(cls.name), method)
                if not any(isinstance(stmt, ast.Return) and rejection([stmt], self.knowledge) or isinstance(stmt, ast.Return) and redirects_away([stmt], self.knowledge) for stmt in method.body):
                    # `if is_admin_url: <refuse>`: it guards only the paths it lists, not the rest
                    self.facts.setdefault("path_scoped_middleware", []).append(self._qual(cls.name))
                return

    def _include(self, call: ast.Call, func: ast.Attribute) -> None:
        """``include_router``/``register_blueprint``/``mount``: the child is served under the
        parent with its prefix and dependencies. A test that includes a router to call it
        serves nothing; an include of a value the walk cannot name (a loop variable, a
        ``getattr``) is recorded as ``includes_unknown``: every router may then be served."""
        if is_test_module(self.doc):
            return
        if func.attr == "mount":  # app.mount("/api", sub_app) / app.mount(path="/api", app=sub)
            child_expr = call.args[1] if len(call.args) >= 2 else (keyword(call, "app") or ast.Constant(None)).value
            prefix_expr = call.args[0]
            if not isinstance(child_expr, (ast.Name, ast.Attribute)):
                return  # StaticFiles(...) built in place: an ASGI app, not one of the routers
        else:
            child_expr = call.args[0]
            prefix_expr = (keyword(call, "prefix") or keyword(call, "url_prefix") or ast.Constant(None)).value
        child = self._static_key(child_expr)
        parent = object_key(self.doc, func.value)
        if child is None:
            self.facts["includes_unknown"] = True
            return
        if parent:
            deps = dependency_targets(self.doc, _list_keyword(call, "dependencies"))
            entry = {"parent": parent, "prefix": string_value(prefix_expr) or "", "deps": deps}
            self.facts.setdefault("includes", {}).setdefault(child, []).append(entry)

    def _static_key(self, expr: ast.expr) -> str | None:
        """The project-wide name of an included router when the code names it statically: an
        imported name, a module attribute (``users.router``) or a module-level object."""
        if isinstance(expr, ast.Name):
            scope = self.doc.scope_of(expr)
            binding = self.doc.names.binding(expr.id, scope)
            if binding is None and scope is not self.doc.tree:
                binding = self.doc.names.binding(expr.id)
            if not isinstance(binding, (tuple, ast.Call)):
                return None  # a loop variable, a parameter, an alias of something else
        elif not isinstance(expr, ast.Attribute):
            return None
        return object_key(self.doc, expr)

    def _imported_view_rule(self, call: ast.Call) -> None:
        """``app.add_url_rule("/user/<id>", view_func=UserAPI.as_view("user"))`` with the view
        imported from another module: that module's discovery needs the URL (a view defined
        here is discovered with this module)."""
        if call.func.attr == "add_resource":  # type: ignore[attr-defined]  # Flask-RESTful: (Resource, url, ...)
            url = string_value(call.args[1]) if len(call.args) >= 2 else None
            target: ast.expr | None = call.args[0]
        else:
            url = string_value(call.args[0])
            kw = keyword(call, "view_func")
            target = kw.value if kw is not None else (call.args[2] if len(call.args) >= 3 else None)
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "as_view":
            target = target.func.value
        if url is None or not isinstance(target, ast.Name):
            return
        binding = self.doc.names.binding(target.id, self.doc.scope_of(target)) or self.doc.names.binding(target.id)
        if isinstance(binding, tuple):  # imported: a view defined here is discovered with this module
            views = [self.doc.resolve(target) or target.id]
        elif not self.doc.names.is_bound(target.id):
            # Bound nowhere here: it comes from a `from views import *`; the module of those
            # that defines it discovers the route (the others define no such function).
            views = [f"{module}.{target.id}" for module in self.doc.names.star_modules() if module]
        else:
            return
        methods_kw = keyword(call, "methods")
        methods = [str(string_value(e)).upper() for e in methods_kw.value.elts if string_value(e)] if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple)) else []
        for view in views:
            entry: dict[str, Any] = {"url": url, "view": view, "flask": True, "methods": methods}
            if call.func.attr == "add_resource":  # type: ignore[attr-defined]
                entry["resource"] = True  # each of its HTTP methods is a route (discover._resource_routes)
                entry["aliases"] = [u for u in map(string_value, call.args[2:]) if u]
            self.facts.setdefault("urls", []).append(entry)

    def _settings(self, tree: ast.Module) -> None:
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            name = stmt.targets[0].id
            if name == "ROOT_URLCONF" and string_value(stmt.value):
                self.facts.setdefault("settings", {})["root_urlconf"] = [str(string_value(stmt.value))]
            elif name == "MIDDLEWARE" and isinstance(stmt.value, (ast.List, ast.Tuple)):
                items = [string_value(e) for e in stmt.value.elts]
                self.facts.setdefault("settings", {})["middleware"] = [i for i in items if i]
            elif name == "REST_FRAMEWORK" and isinstance(stmt.value, ast.Dict):
                for key, value in zip(stmt.value.keys, stmt.value.values):
                    if string_value(key) == "DEFAULT_PERMISSION_CLASSES" and isinstance(value, (ast.List, ast.Tuple)):
                        items = [string_value(e) for e in value.elts]
                        self.facts.setdefault("settings", {})["drf_permissions"] = [i for i in items if i]


def query_root(expr: ast.AST) -> str | None:
    """``Code`` for ``Code.query`` / ``Code.objects`` / ``select(Code)`` / ``Code.select()`` /
    ``session.query(Code)``: the model a query starts from, also when named through its module
    (``db.query(models.Post)``) or selected with computed columns beside it
    (``select(models.Post, func.count(models.Vote.post_id))``: still every post)."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("query", "objects"):
        return _model_reference(expr.value)
    if isinstance(expr, ast.Call):
        func = expr.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in ("select", "query") and expr.args and all(isinstance(a, ast.Call) for a in expr.args[1:]):
            return _model_reference(expr.args[0])
        if name == "select" and not expr.args and isinstance(func, ast.Attribute):
            return _model_reference(func.value)
    return None


def _model_reference(expr: ast.expr) -> str | None:
    """``Post`` for ``Post`` or ``models.Post`` (a class named through a lower-case module)."""
    if isinstance(expr, ast.Name) and expr.id[:1].isupper():
        return expr.id
    if isinstance(expr, ast.Attribute) and expr.attr[:1].isupper() and isinstance(expr.value, ast.Name) and expr.value.id[:1].islower():
        return expr.attr
    return None


#: Calls after which a query yields one record (or a count), not the listing of a model.
_SINGLE_RESULT = frozenset({"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "get", "get_or_404",
                            "first_or_404", "one_or_404", "count", "exists", "delete", "update"})
_MANY_RESULTS = frozenset({"all", "paginate"})


def _root_of_chain(expr: ast.AST, roots: dict[str, str]) -> str | None:
    """The model a query chain (``select(M).where(...).order_by(...)``, ``result.scalars()``)
    starts from, directly or through a local in ``roots``; None once a call in the chain
    yields a single record."""
    while True:
        model = query_root(expr)
        if model:
            return model
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr in _SINGLE_RESULT:
                return None
            inner = next((r for r in map(lambda a: _root_of_chain(a, roots), expr.args[:1]) if r), None)
            if inner and isinstance(func, ast.Attribute) and func.attr in ("execute", "scalars"):
                return inner  # session.execute(stmt), db.session.scalars(Post.select())
            expr = func
        elif isinstance(expr, ast.Attribute):
            expr = expr.value
        elif isinstance(expr, ast.Await):
            expr = expr.value
        elif isinstance(expr, ast.Name):
            return roots.get(expr.id)
        else:
            return None


def _listed_models(func: ast.FunctionDef | ast.AsyncFunctionDef, callers: frozenset[str], renders: frozenset[int] = frozenset()) -> list[str]:
    """Models ``func`` lists in full: ``.all()``/``.paginate()`` of a
    query chain, or a query returned unfinished (``return Post.select()``, paginated by a
    decorator), none of the route's queries being tied to the caller (``current_user``,
    ``request.user``, a dependency parameter in ``callers``). Calls in ``renders`` fill a
    template: the caller they hand to the page is no query's."""
    nodes = list(ast.walk(func))
    if any(isinstance(n, ast.Call) and id(n) not in renders and any(is_caller(a, callers) for a in [*n.args, *(k.value for k in n.keywords)]) for n in nodes):
        return []  # some query of the route is tied to the caller
    roots: dict[str, str] = {}  # local -> model (query = Code.query; result = session.execute(stmt))
    assigns = [n for n in nodes if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)]
    for node in sorted(assigns, key=lambda n: (n.lineno, n.col_offset)):
        model = _root_of_chain(node.value, roots)
        if model:
            roots.setdefault(node.targets[0].id, model)  # type: ignore[union-attr]
    changed = {id(n.func.value) for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("delete", "update")}
    listed: list[str] = []
    for node in nodes:
        model = None
        if id(node) in changed:
            continue  # `Note.objects.all().delete()` changes every note; it shows none
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MANY_RESULTS:
            model = _root_of_chain(node.func.value, roots)
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            model = _root_of_chain(node.value, roots)
        if model and model not in listed:
            listed.append(model)
    return listed


def _object_check(method: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """A DRF ``has_object_permission(self, request, view, obj)`` that compares the object
    (or something reached through it) with the caller."""
    if method is None:
        return False
    params = [a.arg for a in method.args.args]
    return compares_record_with_caller(method, set(params[3:4]))


def _returned_functions(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Name]:
    """The functions a factory returns by default: ``return _get_user if required else
    _get_optional`` gives ``_get_user`` (the branch taken with the defaults)."""
    found: list[ast.Name] = []
    for stmt in func.body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            value = stmt.value.body if isinstance(stmt.value, ast.IfExp) else stmt.value
            if isinstance(value, ast.Name):
                found.append(value)
    return found


def _returned_factory_calls(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """Calls of a named function a factory returns at its top level (``return require_role(auth,
    "super_admin")``): what that other factory builds is what this one gives."""
    return [stmt.value for stmt in func.body
            if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)]


def default_permission_nodes(doc: SourceDoc) -> list[ast.Constant]:
    """The strings of ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` in a settings module."""
    from ..rules._settings import is_settings_file

    found: list[ast.Constant] = []
    if doc.tree is None or not is_settings_file(doc):
        return found
    for stmt in doc.tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "REST_FRAMEWORK" for t in stmt.targets) and isinstance(stmt.value, ast.Dict):
            for key, value in zip(stmt.value.keys, stmt.value.values):
                if string_value(key) == "DEFAULT_PERMISSION_CLASSES" and isinstance(value, (ast.List, ast.Tuple)):
                    found += [e for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return found


def _foreign_key_target(value: ast.expr) -> str | None:
    """``member`` for ``ForeignKey("member.id")``, ``ForeignKey(Member)``, ``ForeignKey("Member")``,
    ``ReferenceField(Member)``."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in _KEY_FIELD_CALLS:
            for arg in node.args[:1]:
                text = string_value(arg) or dotted(arg) or ""
                parts = text.lower().split(".")
                if len(parts) > 1 and parts[-1] == "id":
                    parts.pop()
                return parts[-1] or None
    return None


def _references_user(value: ast.expr) -> bool:
    """``ForeignKey(User)``, ``ForeignKey(settings.AUTH_USER_MODEL)``, ``ForeignKey("users.id")``,
    ``ReferenceField(User)``."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in _KEY_FIELD_CALLS:
            for arg in node.args[:1]:
                text = string_value(arg) or dotted(arg) or ""
                last = text.replace(".id", "").rsplit(".", 1)[-1].lower()
                if last in ("user", "users", "auth_user_model", "account", "accounts"):
                    return True
    return False


def allow_list_login(func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: knowledge_mod.Knowledge, nodes: list[ast.AST] | None = None) -> bool:
    """A login that admits only listed accounts: ``if email not in allowed_emails: return
    "Forbidden", 401`` before ``login_user(user)``. Every logged-in user is then one of the
    operators the list names, so a login check is a role check (no CW304). ``nodes``: every
    node of ``func`` in any order (the answer does not depend on it), when the caller has them."""
    rows = knowledge.rows("access_login_calls")
    if not rows:
        return False
    nodes = list(walk(func)) if nodes is None else nodes
    logins = [n for n in nodes if isinstance(n, ast.Call) and glob_any(rows[0]["calls"], dotted(n.func))]
    if not logins:
        return False
    first_login = min(n.lineno for n in logins)
    for node in nodes:
        if isinstance(node, ast.If) and node.lineno < first_login and isinstance(node.test, ast.Compare):
            lists = [c for op, c in zip(node.test.ops, node.test.comparators) if isinstance(op, ast.NotIn)]
            if any(_names_allow_list(c, rows[0]["allow_lists"]) for c in lists) and ends_request(node.body):
                rows[0].hit()
                return True
    return False


def _names_allow_list(expr: ast.expr, patterns: list[str]) -> bool:
    """``whitelisted_emails``, ``settings.ALLOWED_USERS``, ``env.get("admin_emails")``: the
    container is named as a list of admitted accounts, not as the user registry."""
    names = [dotted(expr.func if isinstance(expr, ast.Call) else expr) or ""]
    if isinstance(expr, ast.Call):
        names += [string_value(a) or "" for a in expr.args]
    return glob_any(patterns, *(n.lower().rsplit(".", 1)[-1] for n in names if n))


def _owner_or_read_only(cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """An ``IsOwnerOrReadOnly`` permission: it lets ``SAFE_METHODS`` through and compares the
    object's owner with ``request.user`` for the rest. Reads are public by design; an anonymous
    caller has no identity to match, so every change needs a login."""
    if method is None or not any(isinstance(n, (ast.Name, ast.Attribute)) and (getattr(n, "id", None) or getattr(n, "attr", None)) == "SAFE_METHODS" for n in ast.walk(cls)):
        return False
    for node in ast.walk(method):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.Is)):
            sides = [node.left, node.comparators[0]]
            if any(is_caller(s, frozenset()) for s in sides) and any(isinstance(s, ast.Attribute) and not is_caller(s, frozenset()) for s in sides):
                return True
    return False


def _permission_kind(method: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: knowledge_mod.Knowledge) -> str | None:
    """A DRF ``has_permission`` that returns a test of the user (``request.user.is_staff``);
    ``"public"`` for one that admits only anonymous callers, which opens a view as AllowAny does."""
    from .behaviour import mentioned_names, term_kinds

    returns = [n.value for n in ast.walk(method) if isinstance(n, ast.Return) and n.value is not None]
    if returns and all(_admits_only_anonymous(value) for value in returns):
        return "public"  # class IsNotAuthenticated: it opens the view to anonymous callers, as AllowAny
    kinds = term_kinds(knowledge, mentioned_names(returns))
    return "admin" if "admin" in kinds else ("login" if kinds else None)


def _admits_only_anonymous(value: ast.expr) -> bool:
    """``not request.user.is_authenticated`` or ``request.user.is_anonymous``: a test that
    passes only for callers who are not logged in, so it protects nothing."""
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
        return isinstance(value.operand, ast.Attribute) and value.operand.attr == "is_authenticated"
    return isinstance(value, ast.Attribute) and value.attr == "is_anonymous"


#: Django's user model bases: a subclass is the app's account model.
_ACCOUNT_BASES = frozenset({"AbstractUser", "AbstractBaseUser"})


def url_patterns(doc: SourceDoc) -> list[dict[str, Any]]:
    """Django ``urlpatterns``: ``path``/``re_path`` entries to views and includes."""
    found: list[dict[str, Any]] = []
    assert doc.tree is not None
    for stmt in doc.tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AugAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in targets):
            _collect_patterns(doc, stmt.value, "", found, frozenset())  # type: ignore[attr-defined]
    return found


def _collect_patterns(doc: SourceDoc, patterns: ast.expr, prefix: str, found: list[dict[str, Any]], within: frozenset[int]) -> None:
    """The ``path``/``re_path`` entries of one pattern list, their URLs under ``prefix``. An
    include of a list bound in this module (``api_v1 = [...]``; ``path("api/v1/",
    include(api_v1))``) adds that list's entries under its prefix (``within``: the lists being
    read, so a list including itself ends)."""
    if id(patterns) in within:
        return
    within = within | {id(patterns)}
    for node in ast.walk(patterns):
        if not (isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("path", "re_path", "url")):
            continue
        # path("x/", view), also by keyword: path("x/", view=add_log), path(route="x/", view=...)
        given = {kw.arg: kw.value for kw in node.keywords if kw.arg in ("route", "regex", "view")}
        route_expr = node.args[0] if node.args else given.get("route", given.get("regex"))
        target = node.args[1] if len(node.args) > 1 else given.get("view")
        route = string_value(route_expr) if route_expr is not None else None
        if route is None or target is None:
            continue
        url = prefix + route
        if isinstance(target, ast.Call) and (dotted(target.func) or "").endswith("include") and target.args:
            inner = target.args[0]
            if isinstance(inner, ast.Tuple) and inner.elts:  # include((patterns, "app_name"))
                inner = inner.elts[0]
            module = string_value(inner)
            local = doc.names.binding(inner.id) if module is None and isinstance(inner, ast.Name) else None
            if isinstance(local, (ast.List, ast.Tuple)):
                _collect_patterns(doc, local, url, found, within)
                continue
            if module is None and isinstance(local, tuple):
                module = doc.resolve(inner)  # from blog import urls as blog_urls; include(blog_urls)
            if module is None and isinstance(inner, ast.Attribute) and inner.attr == "urls":
                found.append({"url": url, "include_router": dotted(inner.value) or ""})
            elif module:
                found.append({"url": url, "include": module})
            continue
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr in ("as_view", "as_viewset"):
            target = target.func.value
        view = doc.resolve(target) or dotted(target)
        if view:
            found.append({"url": url, "view": view})


def reexports(doc: SourceDoc) -> dict[str, str]:
    """A package's renaming re-exports (``from .auth import router as auth_router`` in
    ``routes/__init__.py``): ``routes.auth_router`` → ``routes.auth.router``, so an app that
    includes ``auth_router`` serves the routes of ``auth.router``. Re-exports keeping their
    name are matched by :func:`.view.same_object` already."""
    if not doc.names.package or not doc.module_name or doc.tree is None:
        return {}
    found: dict[str, str] = {}
    for node in doc.tree.body:
        if isinstance(node, ast.ImportFrom):
            base = absolute_module(node, doc.module_name, True)
            for alias in node.names:
                if alias.asname and alias.asname != alias.name and base:
                    found[f"{doc.module_name}.{alias.asname}"] = f"{base}.{alias.name}"
    return found


@fact_extractor("access")
def access_facts(doc: SourceDoc) -> dict[str, Any]:
    """Everything other files' routes need to know about this module (see module doc).
    Computed once per document version (the index and the analysis both ask)."""
    cached = doc.__dict__.get("_access_facts")
    if cached is not None:
        return cached
    facts = _Extractor(doc).run()
    migrated = migration_operations(doc)
    if migrated:
        facts["migrations"] = migrated
    renamed = reexports(doc)
    if renamed:
        facts["reexports"] = renamed
    urls = url_patterns(doc)
    if urls or facts.get("urls"):
        facts["urls"] = urls + facts.get("urls", [])
    doc.__dict__["_access_facts"] = facts
    return facts


def _prefix_test_lets_all_through(doc: SourceDoc, func: ast.AST) -> bool:
    """A middleware testing ``path.startswith(p)`` over a list holding ``"/"`` without
    comparing with ``"/"`` itself first: ``"/"`` is a prefix of every path. A ``"/"`` only in
    a list tested for equality (``request.path in public_paths``) opens the home page alone."""
    nodes = list(ast.walk(func))
    prefix_tests = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith" and n.args]
    root_compared = any(
        isinstance(n, ast.Compare) and any(string_value(c) == "/" for c in [n.left, *n.comparators]) for n in nodes
    )
    if not prefix_tests or root_compared:
        return False
    loops = {t.id: n.iter for n in nodes if isinstance(n, (ast.comprehension, ast.For)) and isinstance((t := n.target), ast.Name)}
    for test in prefix_tests:
        prefixes = _strings_of(doc, func, test.args[0], loops)
        if prefixes is None or "/" in prefixes:
            return True  # (a prefix list the walk cannot read may hold "/")
    return False


def _strings_of(doc: SourceDoc, func: ast.AST, expr: ast.expr, loops: dict[str, ast.expr], depth: int = 0) -> set[str] | None:
    """The strings a prefix argument stands for: a literal, a tuple or list of them, a loop
    variable over one, or a name bound to one (in the function or the module); None when the
    walk cannot tell."""
    text = string_value(expr)
    if text is not None:
        return {text}
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        found: set[str] = set()
        for element in expr.elts:
            inner = _strings_of(doc, func, element, loops, depth + 1)
            if inner is None:
                return None
            found |= inner
        return found
    if isinstance(expr, ast.Name) and depth < 4:
        if expr.id in loops:
            return _strings_of(doc, func, loops[expr.id], {k: v for k, v in loops.items() if k != expr.id}, depth + 1)
        local = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
        bound = local[0] if len(local) == 1 else None if local else doc.names.binding(expr.id)
        if isinstance(bound, ast.expr):
            return _strings_of(doc, func, bound, loops, depth + 1)
    return None


#: Methods of a Django middleware class that may answer a request before the view runs.
_MIDDLEWARE_METHODS = ("process_request", "process_view", "__call__")


def _wrapper_decorators(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Resolved decorators of the wrapper a project decorator returns (``def club_member_required
    (view): @wraps(view) @login_required def wrapper(...)``, also inside a decorator factory):
    a view decorated with it runs behind them too (see ``view.guard_for``)."""
    nested = [n for n in ast.walk(func) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not func]
    names = {n.name for n in nested}
    if not any(isinstance(r, ast.Return) and isinstance(r.value, ast.Name) and r.value.id in names for r in ast.walk(func)):
        return []  # not a decorator: it returns none of its inner functions
    found: list[str] = []
    for inner in nested:
        for deco in inner.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = doc.resolve(target) or dotted(target)
            if name and name.rsplit(".", 1)[-1] != "wraps" and name not in found:
                found.append(name)
    return found


def _scoped_queryset(method: ast.AST | None) -> bool:
    """A ``get_queryset`` that returns something and whose every return is tied to the caller:
    a view inheriting it serves only the caller's records."""
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    returns = any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(method))
    return returns and not unscoped_returns(method)


def _refusal_status(cls: ast.ClassDef, init: ast.AST | None, knowledge: knowledge_mod.Knowledge) -> str | None:
    """``"login"``/``"deny"`` for a project exception class whose instances carry 401/403:
    ``status_code = 401`` in its body, or an ``__init__`` defaulting its status to 401 or
    passing 401 on (``super().__init__(401, detail)``). An application error handler then
    answers with that status, so raising it refuses the request."""
    if not cls.bases:
        return None
    rows = knowledge.rows("access_rejections")
    statuses = set(rows[0]["statuses"]) if rows else set()
    login = set(rows[0].get("login_statuses") or ()) if rows else set()
    found: set[int] = set()
    for stmt in cls.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Constant):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and "status" in t.id for t in targets):
                found.add(stmt.value.value)
    if isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef)):
        named = [a.arg for a in init.args.args]
        defaults = dict(zip(named[len(named) - len(init.args.defaults):], init.args.defaults))
        defaults.update({a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None})
        found |= {d.value for name, d in defaults.items() if "status" in name and isinstance(d, ast.Constant)}
        for node in ast.walk(init):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
                found |= {a.value for a in [*node.args, *(k.value for k in node.keywords)] if isinstance(a, ast.Constant) and isinstance(a.value, int)}
    hit = {v for v in found if isinstance(v, int) and not isinstance(v, bool)} & statuses
    if not hit:
        return None
    return "login" if hit & login else "deny"


def _raised_project_errors(doc: SourceDoc, func: ast.FunctionDef | ast.AsyncFunctionDef, knowledge: knowledge_mod.Knowledge) -> list[str]:
    """The project exceptions ``func`` raises when it reads a credential (a token, an API
    key, a session: :func:`term_kinds` of its names and parameters), resolved to where they
    are defined; empty for other functions."""
    from .behaviour import mentioned_names, term_kinds

    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    if not term_kinds(knowledge, mentioned_names(func.body) | params):
        return []
    raised: list[str] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            resolved = doc.resolve(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
            if resolved and resolved not in raised:
                raised.append(resolved)
    return raised
