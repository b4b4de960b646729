"""Whether a route is served: wired into the application that answers requests.

A FastAPI router or Flask blueprint serves nothing until an app includes it
(``include_router``, ``register_blueprint``, ``mount``), directly or through other routers. A
Django URL conf serves nothing until the root URL conf (``ROOT_URLCONF``) includes it, directly
or through a chain of ``include()`` (module paths, module objects, DRF ``router.urls``). Both
are common in assistant-built projects: a second copy of a router that only the tests import,
an app whose ``include()`` was commented out.

What an unserved route means for findings: nobody can call it as the code stands, so its
access findings are reported with LOW confidence (hidden by the default ``min-confidence``,
shown with ``--min-confidence low``), their messages say why, ``codeward routes`` lists it as
"not served", and the app-level "no authentication at all" finding leaves it out. They are
not dropped: wiring the route back (uncommenting the ``include()``) makes the flaw live.

Only decided when the code says so: an include of a value the walk cannot name (a loop
variable, ``getattr``), an app built where the facts do not see it, or a root URL conf outside
the scanned tree leave the route "served as far as we know" (``None``).
"""

from __future__ import annotations

from typing import Any

from .view import ProjectView, lookup, renamed, same_object

#: (served, why not): ``True`` wired, ``False`` not served (with the reason), ``None`` unknown.
Wiring = tuple[bool | None, str]


def _same(a: str, b: str) -> bool:
    return same_object(a, b) or same_object(b, a)


def _same_module(a: str, b: str) -> bool:
    """Module names from the scan root and as written (``srv.urls``, ``project.srv.urls``);
    not the package re-export rule of :func:`same_object`: ``app.urls`` is not ``app.todo.urls``."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def router_wiring(view: ProjectView, key: str) -> Wiring:
    """Whether the router, blueprint or app ``key`` serves its routes. Memoised per project
    view: routers included by several parents, each included by several more, made the walk
    exponential (a project with a few dozen routers took minutes). A router met again while
    its own answer is being worked out (an include cycle) is unknown at that point, and an
    answer that leaned on such an unknown is not kept (it may be known once the cycle is done)."""
    memo: dict[str, Wiring | None] = view.__dict__.setdefault("_wiring", {})
    if key in memo:
        known = memo[key]
        if known is None:  # in progress: an include cycle
            view.__dict__["_wiring_cycles"] = view.__dict__.get("_wiring_cycles", 0) + 1
            return None, ""
        return known
    cycles = view.__dict__.get("_wiring_cycles", 0)
    memo[key] = None
    answer = _router_wiring(view, key)
    if answer[0] is None and view.__dict__.get("_wiring_cycles", 0) != cycles:
        del memo[key]
    else:
        memo[key] = answer
    return answer


def _router_wiring(view: ProjectView, key: str) -> Wiring:
    found = lookup(view.routers, key)
    if found is None:
        return None, ""  # not an object the facts know (an app built in a factory function)
    if found[1].get("app"):
        return True, ""
    name = found[0].rsplit(".", 1)[-1]
    parents = [item["parent"] for child, items in view.includes.items() if _same(child, found[0]) or _same(renamed(view, child), found[0]) for item in items]
    if not parents:
        if view.includes_unknown or not view.includes:
            return None, ""  # some router is included by a name the walk cannot follow, or none is
        return False, f"the router `{name}` is not passed to include_router, register_blueprint or mount anywhere in the app"
    outcomes = [router_wiring(view, parent)[0] for parent in parents]
    if True in outcomes:
        return True, ""
    if None in outcomes:
        return None, ""
    return False, f"the router `{name}` is included only by routers that are themselves not served"


def served_urlconfs(view: ProjectView) -> frozenset[str] | None:
    """The Django URL conf modules reachable from ``ROOT_URLCONF`` through ``include()``;
    None when the root URL conf is unknown or not among the scanned files."""
    cached = view.__dict__.get("_served_urlconfs")
    if cached is not None:
        return cached or None
    reach = _reachable(view)
    view.__dict__["_served_urlconfs"] = reach or frozenset()
    return reach


def _reachable(view: ProjectView) -> frozenset[str] | None:
    roots = view.settings.get("root_urlconf", [])
    entries = [(module, entry) for module, entry in view.urls if not entry.get("flask")]
    modules = {module for module, _ in entries}
    reach = {m for m in modules if any(_same_module(m, root) for root in roots)}
    if not reach:
        return None
    frontier = list(reach)
    while frontier:
        current = frontier.pop()
        for module, entry in entries:
            if module != current or "include" not in entry:
                continue
            for other in modules - reach:
                if _same_module(other, entry["include"]):
                    reach.add(other)
                    frontier.append(other)
    return frozenset(reach)


def urlconf_wiring(view: ProjectView, urls: list[tuple[str, dict[str, Any]]]) -> Wiring:
    """Whether a Django/DRF view wired by the URL conf entries ``urls`` is served."""
    reach = served_urlconfs(view)
    if reach is None or not urls:
        return None, ""
    if any(module in reach for module, _ in urls):
        return True, ""
    module, entry = urls[0]
    if entry.get("viewset") and not any(m == module and "include_router" in e for m, e in view.urls):
        return None, ""  # its router may be imported and included by a served URL conf
    roots = ", ".join(f"`{r}`" for r in view.settings.get("root_urlconf", []))
    return False, f"its URL conf `{module}` is not included, directly or through include(), from ROOT_URLCONF {roots}"


def wires_django_views(view: ProjectView) -> bool:
    """Whether the tree's URL confs name views: a view none of them names has no URL."""
    return any("view" in entry and not entry.get("flask") for _, entry in view.urls)


def urlconf_views(view: ProjectView, root: str) -> list[tuple[str, str]]:
    """``(URL, view name)`` of every view the URL conf ``root`` serves, through ``include()``
    of other URL confs and of DRF routers registered in the same module."""
    entries = [(module, entry) for module, entry in view.urls if not entry.get("flask")]
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    frontier = [(module, "") for module in {m for m, _ in entries} if _same_module(module, root)]
    while frontier:
        current, prefix = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        mine = [entry for module, entry in entries if module == current]
        for entry in mine:
            url = prefix + entry["url"].lstrip("^").rstrip("$")
            if "include" in entry:
                frontier += [(m, url) for m in {m for m, _ in entries} if _same_module(m, entry["include"])]
            elif "include_router" in entry:
                found += [(url + other["url"], other["view"]) for other in mine if other.get("viewset") and other.get("router") == entry["include_router"]]
            elif "view" in entry and not entry.get("viewset"):
                found.append((url, entry["view"]))
    return [("/" + url.lstrip("/"), name) for url, name in found]
