"""Finding the routes of one module: Flask, FastAPI, Django, DRF and Starlette.

Each route records its handler (a function, or a class for class-based views), methods,
URL, the object it was declared on (app, blueprint, router) and every guard that applies,
wherever it was written: decorators, dependencies, router/include dependencies,
``before_request`` hooks, mixins, permission classes, settings, middleware, body checks.
One walk of the tree; guard look-ups go through the merged project view.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass, field

from .. import deadline
from ..config import Config
from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted, keyword, string_value
from .behaviour import body_guard, enforcement, leading_statements, owner_gate, shared_secret_check, test_method_kind
from .nodes import all_nodes
from .permission_method import SAFE_METHODS, PermissionBranch, permission_branches
from .dependencies import dependency_parameters, dependency_targets
from .facts import ANY_APP, object_key
from .view import SHARED_SECRET, Guard, ProjectView, guard_for, includes_of, known_guard, lookup, same_object
from .wiring import router_wiring, urlconf_wiring, wires_django_views

Handler = ast.FunctionDef | ast.AsyncFunctionDef

_HTTP_METHODS = ("get", "post", "put", "patch", "delete")
_VIEWSET_ACTIONS = {
    "ModelViewSet": ("GET", "POST", "PUT", "PATCH", "DELETE"),
    "ReadOnlyModelViewSet": ("GET",),
    "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
    "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"),
    "RetrieveAPIView": ("GET",),
    "DestroyAPIView": ("DELETE",),
    "UpdateAPIView": ("PUT", "PATCH"),
    "ListCreateAPIView": ("GET", "POST"),
    "CreateAPIView": ("POST",),
    "ListAPIView": ("GET",),
    "DetailView": ("GET",),
    "ListView": ("GET",),
    "UpdateView": ("GET", "POST"),
    "DeleteView": ("GET", "POST"),
    "CreateView": ("GET", "POST"),
    "FormView": ("GET", "POST"),
    "TemplateView": ("GET",),
}
_CLASS_VIEW_SUFFIXES = ("View", "ViewSet", "APIView", "MethodView")
_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_]\w*)>|\{([A-Za-z_]\w*)(?::[^}]*)?\}|\(\?P<([A-Za-z_]\w*)>")


@dataclass
class Route:
    framework: str
    methods: tuple[str, ...]
    url: str
    handler: str
    node: Handler | ast.ClassDef
    functions: list[Handler]
    decorator: ast.Call | None = None
    receiver: str | None = None
    guards: list[Guard] = field(default_factory=list)
    object_permission: bool = False
    #: DRF: the view sets its own permission classes (settings defaults do not apply).
    explicit_permissions: bool = False
    #: A function of a dispatch table a route calls with the request's data (``OPS[name](args,
    #: user)``): its parameters are client data, except those the dispatcher passes the caller in.
    caller_params: tuple[str, ...] | None = None
    #: Wired into the app that answers requests (see :mod:`.wiring`): None when unknown.
    served: bool | None = None
    #: Why it is not served (when ``served`` is False).
    unserved: str = ""
    #: URL parameters whose record a check before the handler ties to the caller (see
    #: :mod:`.owner_gates`), with the check's name.
    owned_params: dict[str, str] = field(default_factory=dict)
    #: A read a resource leaves open while its other methods carry their own guard (the
    #: guard's name; see :meth:`_Discovery._resource_routes`).
    open_beside: str = ""

    @property
    def is_class(self) -> bool:
        return isinstance(self.node, ast.ClassDef)

    @property
    def path_params(self) -> list[str]:
        return [next(g for g in m.groups() if g) for m in _PATH_PARAM.finditer(self.url)]

    def strongest(self) -> Guard | None:
        """The guard that decides the route's status: public > admin > login."""
        order = {"public": 3, "admin": 2, "login": 1}
        return max(self.guards, key=lambda g: order.get(g.kind, 0), default=None)


class _Discovery:
    def __init__(self, doc: SourceDoc, view: ProjectView, knowledge: Knowledge, config: Config) -> None:
        self.doc = doc
        self.view = view
        self.knowledge = knowledge
        self.config = config
        self.routes: list[Route] = []
        self.route_attrs = {row["attribute"]: row for row in knowledge.rows("access_route_decorators")}
        imports = doc.names.imports.values()
        self.imports_fastapi = any(i.startswith("fastapi") for i in imports)
        self.imports_flask = any(i.startswith("flask") for i in imports)
        self.imports_django = any(i.startswith(("django", "rest_framework")) for i in imports)
        self.seen: set[int] = set()
        self._guards: dict[tuple[str | None, int, str], Guard | None] = {}
        self._frameworks: dict[tuple[str | None, int], str | None] = {}

    def guard(self, expr: ast.expr, source: str) -> Guard | None:
        target = expr.func if isinstance(expr, ast.Call) else expr
        # The same decorator appears on many routes: resolve each name once per scope.
        key = (dotted(target), id(self.doc.scope_of(target)), source)
        if key not in self._guards:
            self._guards[key] = guard_for(self.knowledge, self.view, self.config.auth_guards, self.doc.resolve(target), key[0], source)
        cached = self._guards[key]
        if cached is None:
            return None
        if cached.kind != "public" and optional_authentication(expr):
            # `jwt_required(optional=True)`: a decision to serve anonymous callers too.
            return dataclasses.replace(cached, name=f"{cached.name} (optional)", kind="public", text=self.doc.source_of(expr))
        return dataclasses.replace(cached, text=self.doc.source_of(expr))

    # -- walking ---------------------------------------------------------------------
    def run(self) -> list[Route]:
        tree = self.doc.tree
        assert tree is not None
        for index, node in enumerate(all_nodes(self.doc)):
            if not index & 255:
                deadline.check()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._decorated(node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_url_rule":
                self._add_url_rule(node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_resource":
                self._add_resource(node)
            elif isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("Route", "WebSocketRoute"):
                self._starlette(node)
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef) and id(stmt) not in self.seen and self._namespace_routes(stmt):
                continue
            if isinstance(stmt, ast.ClassDef) and id(stmt) not in self.seen and self._is_flask_view(stmt):
                self._flask_view(stmt)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and id(stmt) not in self.seen:
                self._django(stmt)
        self._dispatched()
        for route in self.routes:
            self._common_guards(route)
        return self.routes

    def _dispatched(self) -> None:
        """Functions of this module's dispatch tables that a route calls (see Route.caller_params)."""
        from .facts import access_facts

        tables = access_facts(self.doc).get("dispatch_tables", {})
        if not tables or not self.view.dispatches:
            return
        functions = {s.name: s for s in self.doc.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}  # type: ignore[union-attr]
        for key, entries in tables.items():
            found = lookup(self.view.dispatches, key)
            if found is None:
                continue
            info = found[1]
            for op, name in entries:
                func = functions.get(name)
                if func is None or id(func) in self.seen:
                    continue
                params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
                callers = tuple(params[i] for i in info["callers"] if i < len(params))
                route = Route("dispatch", ("POST",), f"{key.rsplit('.', 1)[-1]}[{op}]", name, func, [func], caller_params=callers)
                if info["guarded"]:
                    route.guards.append(Guard("login check before the dispatch", "login", "dispatch"))
                self.seen.add(id(func))
                self.routes.append(route)

    def _framework_of(self, receiver: ast.expr) -> str | None:
        key = (dotted(receiver), id(self.doc.scope_of(receiver)))
        if key not in self._frameworks:
            self._frameworks[key] = self._resolve_framework(receiver)
        return self._frameworks[key]

    def _resolve_framework(self, receiver: ast.expr) -> str | None:
        resolved = self.doc.resolve(receiver) or ""
        if resolved.startswith("fastapi"):
            return "fastapi"
        if resolved.startswith("flask"):
            return "flask"
        found = lookup(self.view.routers, object_key(self.doc, receiver))
        if found is not None:
            return found[1]["framework"]
        if self.imports_fastapi:
            return "fastapi"
        if self.imports_flask:
            return "flask"
        return None

    def _decorated(self, func: Handler) -> None:
        for deco in func.decorator_list:
            if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in self.route_attrs):
                continue
            url = string_value(deco.args[0]) if deco.args else None
            if url is None:
                url = string_value((keyword(deco, "rule") or keyword(deco, "path") or ast.Constant(None)).value)
            framework = self._framework_of(deco.func.value)
            if framework is None or url is None:
                continue
            row = self.route_attrs[deco.func.attr]
            row.hit()
            methods = tuple(row["methods"])
            methods_kw = keyword(deco, "methods")
            if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple, ast.Set)):
                methods = tuple(str(string_value(e)).upper() for e in methods_kw.value.elts if string_value(e))
            route = Route(framework, methods, url, func.name, func, [func], deco, object_key(self.doc, deco.func.value))
            self._function_guards(route, func, skip=deco)
            if framework == "fastapi":
                for target in dependency_targets(self.doc, [kw.value for kw in deco.keywords if kw.arg == "dependencies"]):
                    self._add_resolved(route, target, "dependency", written=target.rsplit(".", 1)[-1])
            self.seen.add(id(func))
            self.routes.append(route)
            return

    def _add_url_rule(self, call: ast.Call) -> None:
        url = string_value(call.args[0]) if call.args else None
        kw = keyword(call, "view_func")
        target = kw.value if kw is not None else (call.args[2] if len(call.args) >= 3 else None)
        if url is None or target is None:
            return
        wrappers: list[ast.expr] = []  # login_required(view) wraps the view in a guard
        if isinstance(target, ast.Call):
            if isinstance(target.func, ast.Attribute) and target.func.attr == "as_view":
                target = target.func.value
            elif target.args:
                wrappers = [target.func]
                target = target.args[0]
        node = self._local_definition(target)
        if node is None:
            return
        methods_kw = keyword(call, "methods")
        methods: tuple[str, ...] = ("GET",)
        if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple)):
            methods = tuple(str(string_value(e)).upper() for e in methods_kw.value.elts if string_value(e))
        route = self._route_for(node, "flask", url, methods, object_key(self.doc, call.func.value))  # type: ignore[attr-defined]
        for wrapper in wrappers:
            guard = self.guard(wrapper, "decorator")
            if guard:
                route.guards.append(guard)

    def _add_resource(self, call: ast.Call) -> None:
        """Flask-RESTful ``api.add_resource(NoteResource, "/notes/<int:id>", ...)``: the
        resource's ``get``/``post``/... methods serve the first URL (extra URLs alias it)."""
        urls = [u for u in map(string_value, call.args[1:]) if u]
        node = self._local_definition(call.args[0]) if call.args else None
        if not urls or not isinstance(node, ast.ClassDef) or id(node) in self.seen:
            return
        self._resource_routes(node, urls, object_key(self.doc, call.func.value))  # type: ignore[attr-defined]

    def _namespace_routes(self, cls: ast.ClassDef) -> bool:
        """Flask-RESTX's ``@ns.route("/todos/<int:todo_id>")`` on a ``Resource`` class (also
        ``@api.route``): the resource's routes, as ``add_resource`` gives them. False when the
        class carries no such decorator."""
        urls: list[str] = []
        receiver = None
        for deco in cls.decorator_list:
            if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "route" and self._framework_of(deco.func.value) == "flask":
                urls += [u for u in map(string_value, deco.args) if u]
                receiver = receiver or object_key(self.doc, deco.func.value)
        if not urls:
            return False
        self._resource_routes(cls, urls, receiver)
        return True

    def _resource_routes(self, cls: ast.ClassDef, urls: list[str], receiver: str | None) -> None:
        """A Flask-RESTful / Flask-RESTX ``Resource``: each HTTP method is a route of its own,
        guarded by what the class applies to every method (``method_decorators`` as a list,
        ``decorators``, base classes), by its entry in a per-method ``method_decorators``
        dict, and by its own decorators and body. Judging the class once mixed a public
        ``get`` with a guarded ``delete``. A resource whose methods are all inherited is
        judged as one class route. Of the URLs the resource is added under, each method
        serves the one whose variables it takes (``delete(self, user_id)``:
        ``/accounts/<int:user_id>``, not the ``/accounts`` alias)."""
        functions = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in _HTTP_METHODS]
        if not functions:
            self._route_for(cls, "flask", urls[0], ("GET",), receiver)
            return
        self.seen.add(id(cls))
        per_method = _method_decorator_table(cls)
        own: dict[str, list[Guard]] = {}  # the guards each method carries itself
        routes: list[Route] = []
        for func in functions:
            url = _served_url(urls, func)
            route = Route("flask", (func.name.upper(),), url, f"{cls.name}.{func.name}", func, [func], None, receiver)
            self._class_guards(route, cls)
            mine = Route(route.framework, route.methods, url, route.handler, func, [func])
            self._function_guards(mine, func, skip=None)
            self._decorator_guards(mine, ast.List(elts=per_method.get(func.name, [])))
            route.guards += mine.guards
            own[func.name] = [g for g in mine.guards if g.kind != "public"]
            self.seen.add(id(func))
            routes.append(route)
        # The author guarded some methods one by one and left this read without: a decision
        # to serve it openly (public.py weighs it against what the read returns).
        beside = next((found[0].name for found in own.values() if found), "")
        for route, func in zip(routes, functions):
            if beside and not own[func.name] and func.name in ("get", "head"):
                route.open_beside = beside
        self.routes += routes

    def _starlette(self, call: ast.Call) -> None:
        url = string_value(call.args[0]) if call.args else None
        kw = keyword(call, "endpoint")
        target = kw.value if kw is not None else (call.args[1] if len(call.args) >= 2 else None)
        if url is None or target is None:
            return
        node = self._local_definition(target)
        if node is None:
            return
        methods_kw = keyword(call, "methods")
        methods: tuple[str, ...] = ("GET",)
        if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple)):
            methods = tuple(str(string_value(e)).upper() for e in methods_kw.value.elts if string_value(e))
        self._route_for(node, "starlette", url, methods, None)

    def _local_definition(self, target: ast.expr) -> Handler | ast.ClassDef | None:
        if not isinstance(target, ast.Name):
            return None
        for scope in (self.doc.scope_of(target), self.doc.tree):
            binding = self.doc.names.binding(target.id, scope)  # type: ignore[arg-type]
            if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return binding
            if isinstance(binding, ast.Call) and isinstance(binding.func, ast.Attribute) and binding.func.attr == "as_view":
                # loans = LoanAPI.as_view("loans"); add_url_rule(..., view_func=loans)
                return self._local_definition(binding.func.value)
        return None

    def _route_for(self, node: Handler | ast.ClassDef, framework: str, url: str, methods: tuple[str, ...], receiver: str | None) -> Route:
        if isinstance(node, ast.ClassDef):
            functions = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name in _HTTP_METHODS]
            if functions:
                methods = tuple(f.name.upper() for f in functions)
            route = Route(framework, methods, url, node.name, node, functions, None, receiver)
            self._class_guards(route, node)
        else:
            route = Route(framework, methods, url, node.name, node, [node], None, receiver)
            self._function_guards(route, node, skip=None)
        self.seen.add(id(node))
        self.routes.append(route)
        return route

    # -- Flask-Classy / Flask-Classful ---------------------------------------------
    def _is_flask_view(self, cls: ast.ClassDef) -> bool:
        return any((self.doc.resolve(b) or "").startswith(_FLASK_VIEW_MODULES) for b in cls.bases)

    def _flask_view(self, cls: ast.ClassDef) -> None:
        """``class ItemAPI(FlaskView)`` registered with ``ItemAPI.register(bp)``: every public
        method is a route under ``route_base`` (``get(id)`` → ``GET /<id>``, ``index`` → ``GET
        /``, ``@route("/x")`` as written, other methods → ``GET /<name>``); class
        ``decorators`` and a ``before_request`` method that rejects guard them all."""
        self.seen.add(id(cls))
        base = _class_string(cls, "route_base")
        if base is None:
            base = "/" + cls.name.removesuffix("View").lower()
        registered = next(
            (n for n in all_nodes(self.doc) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "register"
             and isinstance(n.func.value, ast.Name) and n.func.value.id == cls.name and n.args),
            None,
        )
        receiver = object_key(self.doc, registered.args[0]) if registered is not None else None
        methods = {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        hook = methods.get("before_request")
        hook_kind = enforcement(hook, self.knowledge) if hook is not None else None
        for name, func in methods.items():
            if name.startswith("_") or name in _FLASK_VIEW_HOOKS:
                continue
            verbs, url = _flask_view_route(name, func, base)
            route = Route("flask", verbs, url, f"{cls.name}.{name}", func, [func], None, receiver)
            self._class_guards(route, cls)
            self._function_guards(route, func, skip=None)
            if hook_kind:
                route.guards.append(Guard(f"{cls.name}.before_request", hook_kind, "hook"))
            self.seen.add(id(func))
            self.routes.append(route)

    # -- Django and DRF ------------------------------------------------------------
    def _django(self, node: Handler | ast.ClassDef) -> None:
        qual = f"{self.doc.module_name}.{node.name}" if self.doc.module_name else node.name
        urls = [(module, entry) for module, entry in self.view.urls if "view" in entry and _same(entry["view"], qual)]
        is_view_class = isinstance(node, ast.ClassDef) and any((dotted(b) or "").endswith(_CLASS_VIEW_SUFFIXES) for b in node.bases)
        is_api_view = any((dotted(d.func if isinstance(d, ast.Call) else d) or "").endswith("api_view") for d in node.decorator_list)
        if not urls and not is_view_class and not is_api_view:
            if not (self.imports_django and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _takes_request(node) and self._is_views_module()):
                return
        if not urls and is_view_class and self.imports_django and any("view" in entry for _, entry in self.view.urls):
            return  # the app's URL confs wire other views, not this one: it is not reachable
        flask_rule = next((entry for _, entry in urls if entry.get("flask")), None)
        if flask_rule is not None:  # add_url_rule or an OpenAPI operation in another module (facts)
            rules = [entry for _, entry in urls if entry.get("flask")]
            if isinstance(node, ast.ClassDef) and all(entry.get("resource") for entry in rules):
                self._resource_routes(node, [flask_rule["url"], *flask_rule.get("aliases", [])], None)
                return
            methods = tuple(dict.fromkeys(m for entry in rules for m in entry["methods"])) or ("GET",)
            route = self._route_for(node, flask_rule.get("framework", "flask"), flask_rule["url"], methods, None)
            if all(entry.get("security") for entry in rules) and any("security" in entry for entry in rules):
                route.guards.append(Guard("OpenAPI security requirement", "login", "spec"))
            return
        url = self._django_url(urls) if urls else ""
        if urls:
            wiring = urlconf_wiring(self.view, urls)
        elif self.imports_django and wires_django_views(self.view):
            wiring = (False, "no URL conf of the tree names it, so it has no URL")
        else:
            wiring = (None, "")
        framework = "drf" if is_api_view or (isinstance(node, ast.ClassDef) and self._is_drf_class(node)) else "django"
        methods: tuple[str, ...] = ("GET", "POST")
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and (dotted(deco.func) or "").endswith("api_view") and deco.args and isinstance(deco.args[0], (ast.List, ast.Tuple)):
                methods = tuple(str(string_value(e)).upper() for e in deco.args[0].elts if string_value(e))
            if isinstance(deco, ast.Call) and (dotted(deco.func) or "").endswith(("require_http_methods",)) and deco.args and isinstance(deco.args[0], (ast.List, ast.Tuple)):
                methods = tuple(str(string_value(e)).upper() for e in deco.args[0].elts if string_value(e))
            if isinstance(deco, ast.Name) and deco.id in ("require_POST", "require_GET"):
                methods = (deco.id[-4:].strip("_").upper(),)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                implied = _VIEWSET_ACTIONS.get((dotted(base) or "").rsplit(".", 1)[-1])
                if implied:
                    methods = implied
        route = self._route_for(node, framework, url, methods, None)
        route.served, route.unserved = wiring

    def _is_views_module(self) -> bool:
        name = self.doc.path.replace("\\", "/").rsplit("/", 1)[-1]
        return name.startswith(("views", "api")) or "/views/" in self.doc.path.replace("\\", "/")

    def _is_drf_class(self, node: ast.ClassDef) -> bool:
        return any((self.doc.resolve(b) or dotted(b) or "").startswith("rest_framework") or (dotted(b) or "").endswith(("APIView", "ViewSet")) for b in node.bases)

    def _django_url(self, urls: list[tuple[str, dict]]) -> str:
        module, entry = urls[0]
        url = entry["url"]
        if entry.get("viewset"):
            for other_module, other in self.view.urls:
                if other_module == module and "include_router" in other:
                    url = other["url"] + url
        prefix = ""
        current = module
        for _ in range(4):
            parent = next(((m, e) for m, e in self.view.urls if "include" in e and _same(e["include"], current)), None)
            if parent is None:
                break
            prefix = parent[1]["url"] + prefix
            current = parent[0]
        return "/" + (prefix + url).lstrip("^").rstrip("$").lstrip("/")

    # -- guards ------------------------------------------------------------------
    def _function_guards(self, route: Route, func: Handler, skip: ast.expr | None) -> None:
        for deco in func.decorator_list:
            if deco is skip:
                continue
            if isinstance(deco, ast.Call) and (dotted(deco.func) or "").endswith("permission_classes") and deco.args:
                route.explicit_permissions = True
                self._permission_list(route, deco.args[0])
                continue
            guard = self.guard(deco, "decorator")
            if guard is not None:
                route.guards.append(guard)
            target = deco.func if isinstance(deco, ast.Call) else deco
            self._owner_gate(route, self.doc.resolve(target) or dotted(target))
        for _, target, alias in dependency_parameters(self.doc, func):
            # A type alias (`user: CurrentUser`) is no callable a fix could copy into Depends().
            self._add_resolved(route, target, "dependency", written=None if alias else self._written_dependency(func, target))
        kind = body_guard(func, self.knowledge)
        if self._secret_checked(func):  # `if token != settings.API_TOKEN: return 401`
            route.guards.append(Guard("shared secret from the configuration", kind or "login", SHARED_SECRET))
        elif kind:
            route.guards.append(Guard("check in the handler body", kind, "body"))
        elif owner_gate(func, self.knowledge):
            route.guards.append(Guard("owner check in the handler body", "login", "body"))
        route.guards.extend(self._guard_calls(func))

    def _secret_checked(self, func: Handler) -> bool:
        """The handler refuses callers without the shared secret from the configuration, itself
        or through a function of this module it calls first and obeys (``err =
        check_api_token(request); if err: return err``, or a helper that raises)."""
        if shared_secret_check(func, self.knowledge):
            return True
        statements = [stmt for stmt, leaves in leading_statements(func.body, self.knowledge, 6) if leaves]
        for index, stmt in enumerate(statements):
            value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
                continue
            helper = self.doc.names.binding(value.func.id)
            if not isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)) or helper is func:
                continue
            following = statements[index + 1] if index + 1 < len(statements) else None
            if _obeyed(stmt, following, helper) and shared_secret_check(helper, self.knowledge):
                return True
        return False

    def _guard_calls(self, func: Handler) -> list[Guard]:
        """Guards called at the top of the handler (``verify_slack(request)``,
        ``user = require_login()``), also inside a ``try:`` whose ``except`` clauses all end
        the request: they refuse the request before anything else runs."""
        found: list[Guard] = []
        for stmt, leaves in leading_statements(func.body, self.knowledge, 6):
            value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            if leaves and isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
                guard = self.guard(value.func, "body")
                if guard is not None and guard.kind != "public":
                    optional = optional_authentication(value)  # verify_jwt_in_request(optional=True)
                    found.append(dataclasses.replace(guard, name=f"{guard.name} (optional)", kind="public") if optional else guard)
        return found

    def _class_guards(self, route: Route, cls: ast.ClassDef) -> None:
        tested = test_method_kind(cls, self.knowledge)
        if tested:
            route.guards.append(Guard(f"{cls.name}.test_func", tested, "mixin"))
        self._owner_gate(route, f"{self.doc.module_name}.{cls.name}" if self.doc.module_name else cls.name)
        for base in cls.bases:
            self._owner_gate(route, self.doc.resolve(base) or dotted(base))
            project_mixin = lookup(self.view.guards, self.doc.resolve(base) or dotted(base))
            if project_mixin is not None and known_guard(self.knowledge, self.doc.resolve(base), dotted(base)) is None:
                # a project base class whose test method guards (see test_method_kind)
                route.guards.append(Guard(dotted(base) or project_mixin[0], project_mixin[1], "mixin"))
        self._inherited_guards(route, cls)
        for deco in cls.decorator_list:
            if isinstance(deco, ast.Call) and (dotted(deco.func) or "").endswith("method_decorator") and deco.args:
                self._decorator_guards(route, deco.args[0])
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if stmt.targets[0].id == "permission_classes" and not self._returned_permissions(route, cls, stmt.value):
                    route.explicit_permissions = True
                    self._permission_list(route, stmt.value)
                elif stmt.targets[0].id in ("decorators", "method_decorators") and isinstance(stmt.value, (ast.List, ast.Tuple)):
                    for item in stmt.value.elts:
                        guard = self.guard(item, "decorator")
                        if guard:
                            route.guards.append(guard)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "dispatch":
                for deco in stmt.decorator_list:
                    inner = deco.args[0] if isinstance(deco, ast.Call) and deco.args and (dotted(deco.func) or "").endswith("method_decorator") else deco
                    self._decorator_guards(route, inner)
        if not any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "permission_classes" for t in s.targets) for s in cls.body):
            self._returned_permissions(route, cls, None)
        if route.node is not cls:
            return  # a route of one method: its own guards are read with it
        # Each handler method decorated with a guard (``@jwt_required()`` on a Flask-RESTful
        # resource's get and delete): the class route is guarded when every method is.
        decorated = [[g for g in map(lambda d: self.guard(d, "decorator"), f.decorator_list) if g is not None and g.kind != "public"] for f in route.functions]
        if decorated and all(decorated):
            kinds = {g.kind for found in decorated for g in found}
            route.guards.append(dataclasses.replace(decorated[0][0], kind="admin" if kinds == {"admin"} else "login"))
        # A check in each handler method's body, or a guard each calls first (``err =
        # check_token(request); if err: return err`` in an APIView's post and patch).
        secret = [self._secret_checked(f) for f in route.functions]
        per_method = [body_guard(f, self.knowledge) or next((g.kind for g in self._guard_calls(f)), None) or ("login" if s else None) for f, s in zip(route.functions, secret)]
        if per_method and all(per_method):
            kind = "admin" if all(k == "admin" for k in per_method) else "login"
            if all(secret):
                route.guards.append(Guard("shared secret from the configuration", kind, SHARED_SECRET))
            else:
                route.guards.append(Guard("check in the handler body", kind, "body"))

    def _owner_gate(self, route: Route, name: str | None) -> None:
        """A project decorator or view class (its test method) that refuses unless the record
        a URL parameter names is the caller's (see :mod:`.owner_gates`)."""
        found = lookup(self.view.owner_gates, name)
        if found is not None:
            for param in found[1]:
                route.owned_params.setdefault(param, found[0].rsplit(".", 1)[-1])

    def _decorator_guards(self, route: Route, expr: ast.expr) -> None:
        """The guards ``method_decorator`` applies: one decorator, or Django's list form
        (``method_decorator([login_required, teacher_required], name="dispatch")``), which
        applies each of them."""
        for item in expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]:
            guard = self.guard(item, "decorator")
            if guard:
                route.guards.append(guard)

    def _inherited_guards(self, route: Route, cls: ast.ClassDef) -> None:
        """Guards a class view gets from its own ``dispatch`` and from its base classes at any
        depth: a guard mixin (``LoginRequiredMixin``), a project base or mixin whose
        ``dispatch`` refuses (``AdminClubDashboardView(AdminPermissionMixin, ...)``), or a base
        view's ``decorators = [...]``."""
        own = f"{self.doc.module_name}.{cls.name}" if self.doc.module_name else cls.name
        kind = self.view.class_guards.get(own)
        if kind:
            route.guards.append(Guard(f"{cls.name}.dispatch", kind, "body"))
        frontier = [(dotted(b), self.doc.resolve(b) or dotted(b), self.doc.source_of(b)) for b in cls.bases]
        seen: set[str] = {own}
        for _ in range(6):
            upper: list[tuple[str | None, str | None, str | None]] = []
            for written, resolved, text in frontier:
                if not resolved or resolved in seen:
                    continue
                seen.add(resolved)
                row = known_guard(self.knowledge, resolved, written)
                if row is not None:
                    route.guards.append(Guard(written or row["path"], row["kind"], "mixin", row.get("import"), text=text))
                    continue
                found = lookup(self.view.class_guards, resolved)
                if found is not None:
                    route.guards.append(Guard(f"{found[0].rsplit('.', 1)[-1]}.dispatch", found[1], "mixin"))
                inherited = lookup(self.view.class_decorators, resolved)
                for path in inherited[1] if inherited is not None else []:
                    guard = guard_for(self.knowledge, self.view, self.config.auth_guards, path, path.rsplit(".", 1)[-1], "decorator")
                    if guard is not None and guard.kind != "public":
                        guard.name = f"{guard.name} (from {written or resolved.rsplit('.', 1)[-1]})"
                        route.guards.append(guard)
                bases = lookup(self.view.class_bases, resolved)
                upper += [(b.rsplit(".", 1)[-1], b, None) for b in (bases[1] if bases is not None else [])]
            frontier = upper

    def _returned_permissions(self, route: Route, cls: ast.ClassDef, declared: ast.expr | None) -> bool:
        """DRF ``get_permissions()``: the permission classes each of its returns gives (see
        :mod:`.permission_method`), the declared ``permission_classes`` counting only where
        it keeps the defaults. The view requires a login (or a role) when every return does,
        or when the only returns without one are an ``AllowAny`` for reads (as
        ``IsAuthenticatedOrReadOnly``); a return that opens changes adds no guard. False when
        the view has no such method or it is not understood: ``permission_classes`` decides."""
        method = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "get_permissions"), None)
        branches = permission_branches(method) if method is not None and route.framework == "drf" else None
        if not branches:
            return False
        defaults = list(declared.elts) if isinstance(declared, (ast.List, ast.Tuple)) else [declared] if declared is not None else []
        kinds: list[tuple[PermissionBranch, str | None]] = []
        found: list[Guard] = []
        object_checked = True
        for branch in branches:
            probe = dataclasses.replace(route, guards=[], object_permission=False)
            self._permission_list(probe, ast.List(elts=[*branch.classes, *(defaults if branch.keeps_defaults else [])]))
            found += probe.guards
            own = {g.kind for g in probe.guards}
            kinds.append((branch, next((k for k in ("admin", "login", "public") if k in own), None)))
            if branch.methods - SAFE_METHODS - {"POST"} and not probe.object_permission:
                object_checked = False
        if declared is not None or all(not branch.keeps_defaults for branch in branches):
            route.explicit_permissions = True
        guarded = [kind for _, kind in kinds if kind in ("login", "admin")]
        open_reads = all(kind == "public" and branch.methods <= SAFE_METHODS for branch, kind in kinds if kind not in ("login", "admin"))
        if guarded and open_reads:
            kind = "admin" if len(guarded) == len(kinds) and set(guarded) == {"admin"} else "login"
            text = next((g.text for g in found if g.kind == kind), None)
            route.guards.append(Guard(f"{route.handler}.get_permissions", kind, "permission", text=text))
        if object_checked:
            route.object_permission = True
        return True

    def _permission_list(self, route: Route, expr: ast.expr) -> None:
        items = expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
        for item in items:
            parts = [item.left, item.right] if isinstance(item, ast.BinOp) else [item]  # IsAuthenticated & IsOwner
            for part in parts:
                text = self.doc.source_of(part)
                if isinstance(part, ast.Call) and not part.args and not part.keywords:
                    # `[IsUserOrAbove()]`: DRF calls every entry, so an instance fails each
                    # request (TypeError) and anonymous callers pass no sooner than with the
                    # class the author meant; it is read as that class, and not copied by a fix.
                    part, text = part.func, None
                resolved = self.doc.resolve(part) or dotted(part)
                found = lookup(self.view.permissions, resolved)
                if found is not None:
                    if found[1]["object"]:
                        route.object_permission = True
                    for param in found[1].get("owned", ()):  # has_permission relates the URL's record to the caller
                        route.owned_params.setdefault(param, found[0].rsplit(".", 1)[-1])
                    if found[1]["kind"]:
                        route.guards.append(Guard(dotted(part) or resolved or "?", found[1]["kind"], "permission", text=text))
                    continue
                row = known_guard(self.knowledge, resolved, dotted(part))
                if row is not None:
                    route.guards.append(Guard(dotted(part) or row["path"], row["kind"], "permission", row.get("import"), text=text))

    def _written_dependency(self, func: Handler, target: str) -> str:
        """The dependency resolving to ``target`` as the handler writes it inside ``Depends()``
        (``op.authorize`` after ``from src import operational as op``), so a fix copying it
        to another route names something that module has; the last name otherwise."""
        for node in ast.walk(func.args):
            if isinstance(node, ast.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("Depends", "Security") and node.args:
                written = dotted(node.args[0])
                if written and (self.doc.resolve(node.args[0]) or written) == target:
                    return written
        return target.rsplit(".", 1)[-1]

    def _add_resolved(self, route: Route, path: str, source: str, written: str | None = None) -> None:
        guard = guard_for(self.knowledge, self.view, self.config.auth_guards, path, path.rsplit(".", 1)[-1] if source != "settings" else path, source)
        if guard is not None and guard.kind == "public" and source == "settings":
            return  # an API-wide AllowAny default is not a decision about this route
        if guard is not None:
            guard.text = written
            route.guards.append(guard)

    def _prefix(self, route: Route) -> None:
        """Prepend router/blueprint prefixes and include/register prefixes to the URL."""
        parts: list[str] = []
        key = route.receiver
        for _ in range(4):
            found = lookup(self.view.routers, key)
            if found is not None and found[1]["prefix"]:
                parts.insert(0, found[1]["prefix"])
            included = includes_of(self.view, key)
            if not included:
                break
            parts.insert(0, included[0]["prefix"])
            key = included[0]["parent"]
        if parts:
            route.url = re.sub(r"/{2,}", "/", "".join(parts) + "/" + route.url.lstrip("/")) if route.url.strip("/") else "".join(parts) or route.url

    def _common_guards(self, route: Route) -> None:
        """Guards applied outside the handler: routers, includes, hooks, settings, middleware."""
        if route.receiver:
            self._prefix(route)
            if route.framework in ("fastapi", "flask"):
                route.served, route.unserved = router_wiring(self.view, route.receiver)
        keys = [route.receiver] if route.receiver else []
        for _ in range(4):
            if not keys:
                break
            next_keys = []
            for key in keys:
                found = lookup(self.view.routers, key)
                if found is not None:
                    for target in found[1]["deps"]:
                        self._add_resolved(route, target, "router")
                hook = lookup(self.view.hooks, key)
                if hook is not None:
                    route.guards.append(Guard(f"before_request hook on {key.rsplit('.', 1)[-1]}", hook[1], "hook"))
                for name in (lookup(self.view.middleware, key) or ("", []))[1]:
                    enforced = lookup(self.view.auth_middleware, name)
                    exempt = lookup(self.view.middleware_exempt, name)
                    if enforced is not None and not (exempt is not None and _exempted(route.url, exempt[1])):
                        route.guards.append(Guard(f"{name.rsplit('.', 1)[-1]} middleware on {key.rsplit('.', 1)[-1]}", enforced[1], "middleware"))
                for include in includes_of(self.view, key):
                    for target in include["deps"]:
                        self._add_resolved(route, target, "router")
                    next_keys.append(include["parent"])
            keys = next_keys
        if route.framework == "flask" and self.view.hooks.get(ANY_APP):
            route.guards.append(Guard("before_request hook of an extension", self.view.hooks[ANY_APP], "hook"))
        if route.framework == "drf" and not route.explicit_permissions:
            for path in self.view.settings.get("drf_permissions", []):
                self._add_resolved(route, path, "settings")
        if route.framework in ("django", "drf"):
            for path in self.view.settings.get("middleware", []):
                if known_guard(self.knowledge, path, None) is not None or path.rsplit(".", 1)[-1] in self.config.auth_guards:
                    route.guards.append(Guard(path.rsplit(".", 1)[-1], "login", "middleware"))
                    continue
                # The project's own middleware that redirects or refuses anonymous requests,
                # except on the paths it names (simlane's AuthenticationRequiredMiddleware).
                enforced = lookup(self.view.auth_middleware, path) if "." in path else None
                if enforced is not None and enforced[0] in self.view.path_scoped_middleware:
                    continue  # it refuses only on the paths it lists (`if is_admin_url: ...`)
                exempt = lookup(self.view.middleware_exempt, enforced[0]) if enforced is not None else None
                if enforced is not None and route.url and not (exempt is not None and _exempted(route.url, exempt[1])):
                    route.guards.append(Guard(path.rsplit(".", 1)[-1], enforced[1], "middleware"))


_FLASK_VIEW_MODULES = ("flask_classy.FlaskView", "flask_classful.FlaskView")
_FLASK_VIEW_HOOKS = ("before_request", "after_request", "before_first_request")
#: Flask-Classy's special method names: (HTTP method, takes the id in the URL).
_FLASK_VIEW_SPECIAL = {"index": ("GET", False), "get": ("GET", True), "post": ("POST", False), "put": ("PUT", True), "patch": ("PATCH", True), "delete": ("DELETE", True)}


def _served_url(urls: list[str], func: Handler) -> str:
    """The URL whose variables ``func`` takes most of (the first on a tie): Flask-RESTful
    calls a method with the variables of whichever URL matched."""
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]}
    return max(urls, key=lambda url: len(params & {next(g for g in m.groups() if g) for m in _PATH_PARAM.finditer(url)}))


def _method_decorator_table(cls: ast.ClassDef) -> dict[str, list[ast.expr]]:
    """Flask-RESTful's per-method form, ``method_decorators = {"get": [login_required]}``."""
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "method_decorators" for t in stmt.targets) and isinstance(stmt.value, ast.Dict):
            table: dict[str, list[ast.expr]] = {}
            for key, value in zip(stmt.value.keys, stmt.value.values):
                name = string_value(key) if key is not None else None
                if name:
                    table[str(name).lower()] = list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
            return table
    return {}


def _class_string(cls: ast.ClassDef, name: str) -> str | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return string_value(stmt.value)
    return None


def _flask_view_route(name: str, func: Handler, base: str) -> tuple[tuple[str, ...], str]:
    """Methods and URL of one Flask-Classy view method."""
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call) and (dotted(deco.func) or "").rsplit(".", 1)[-1] == "route" and deco.args:
            rule = string_value(deco.args[0]) or ""
            methods_kw = keyword(deco, "methods")
            verbs = tuple(str(string_value(e)).upper() for e in methods_kw.value.elts) if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple)) else ("GET",)
            return verbs, _join_url(base, rule)
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args][1:]]
    verb, takes_id = _FLASK_VIEW_SPECIAL.get(name, ("GET", False))
    parts = [] if name in _FLASK_VIEW_SPECIAL else [name]
    parts += [f"<{p}>" for p in params] if takes_id or name not in _FLASK_VIEW_SPECIAL else []
    return (verb,), _join_url(base, "/".join(parts))


def _exempted(url: str, paths: list[str]) -> bool:
    """Whether a middleware that names ``paths`` lets ``url`` through: the same path, or one
    under it (``/`` only as itself), the way such lists are written and tested."""
    url = "/" + url.strip("/")
    return "*" in paths or any(url == "/" + p.strip("/") or (p.strip("/") and url.startswith("/" + p.strip("/") + "/")) for p in paths)


def _join_url(base: str, rule: str) -> str:
    return re.sub(r"/{2,}", "/", "/" + base.strip("/") + "/" + rule.lstrip("/"))


def optional_authentication(expr: ast.expr) -> bool:
    """A guard called with ``optional=True`` (flask-jwt-extended's ``jwt_required`` and
    ``verify_jwt_in_request``): it reads a credential when there is one and lets anonymous
    callers through, so it protects nothing and says the route is meant for everyone."""
    return isinstance(expr, ast.Call) and any(kw.arg == "optional" and isinstance(kw.value, ast.Constant) and kw.value.value is True for kw in expr.keywords)


def _same(a: str, b: str) -> bool:
    return same_object(b, a)


def _takes_request(func: Handler) -> bool:
    args = func.args.posonlyargs + func.args.args
    return bool(args) and args[0].arg in ("request", "req")


def discover_routes(doc: SourceDoc, view: ProjectView, knowledge: Knowledge, config: Config) -> list[Route]:
    """Every route declared in ``doc``, with the guards that apply to it."""
    if doc.tree is None:
        return []
    return _Discovery(doc, view, knowledge, config).run()


def _obeyed(call: ast.Expr | ast.Assign, following: ast.stmt | None, helper: Handler) -> bool:
    """Whether the handler acts on what the guard ``helper`` called in ``call`` decides. Called
    for its effect, the helper must raise to refuse (it returns no value); its result kept
    (``err = check(request)``), the next statement must test that result and leave the handler
    (``if err: return err``)."""
    if isinstance(call, ast.Expr):
        return not any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(helper))
    bound = {t.id for t in call.targets if isinstance(t, ast.Name)}
    return (isinstance(following, ast.If)
            and any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(following.test))
            and any(isinstance(n, (ast.Return, ast.Raise)) for n in following.body))
