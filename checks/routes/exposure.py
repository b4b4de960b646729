"""The routes an app exposes to stored data: what the app-level finding of an app with no
authentication at all (CW301) lists.

An assistant's quick API often has no login anywhere. Reporting each of its routes would
bury the one decision that matters (the app has no authentication), so one finding on the app
object lists the routes that change, add or return stored data: the app's own and those of
every router or sub-app it includes, directly or through other routers. Each file's facts
carry its routes' effects (:mod:`.stored`); a route calling a project data helper
(``BookingDB.get_all()``) takes the helper's effect.
"""

from __future__ import annotations

import re

from .stored import ADD, CHANGE, READ, stronger
from .view import ProjectView, lookup, same_object
from .wiring import urlconf_views

_MAX_DEPTH = 6
_PRIVILEGED = ("admin", "debug", "internal")


def _under(view: ProjectView, key: str, depth: int = 0) -> list[tuple[str, str]]:
    """``(router key, URL prefix of its routes)`` for ``key`` and every router included under
    it: include prefixes and the routers' own prefixes, outermost first."""
    router = lookup(view.routers, key)
    found = [(key, router[1]["prefix"] if router else "")]
    if depth >= _MAX_DEPTH:
        return found
    for child, items in view.includes.items():
        for item in items:
            if same_object(item["parent"], key) or same_object(key, item["parent"]):
                found += [(k, found[0][1] + item["prefix"] + prefix) for k, prefix in _under(view, child, depth + 1)]
    return found


def exposed_routes(view: ProjectView, app_key: str, public: set[str]) -> list[tuple[str, str]]:
    """``(route, effect)`` for the routes of the app ``app_key`` that change, add or read
    stored data, changes first. Routes in ``public`` (login, sign-up...) and admin areas (each
    reported on its own as a privileged route without a guard) are left out."""
    found: dict[str, str] = {}
    for key, prefix in _under(view, app_key):
        routes = lookup(view.data_routes, key)
        for text, effect, calls in routes[1] if routes else []:
            for call in calls:
                effect = stronger(effect, helper_effect(view, call))
            method, _, url = text.partition(" ")
            if effect == CHANGE and set(method.split("/")) <= {"GET", "HEAD"}:
                effect = READ  # a GET that writes updates a counter or a dict, not a record the caller picks
            shown = f"{method} {_join(prefix, url)}"
            if effect is None or shown in public or text in public or _privileged(f"{key} {url}"):
                continue
            found[shown] = stronger(found.get(shown), effect) or effect
    return _changes_first(found)


def urlconf_exposed(view: ProjectView, root: str) -> list[tuple[str, str]]:
    """``(route, effect)`` for the views the Django root URL conf ``root`` serves that change,
    add or read stored data (class views by their generic bases and handlers, function views
    by their own data calls), changes first."""
    found: dict[str, str] = {}
    for url, name in urlconf_views(view, root):
        effect = helper_effect(view, name)
        if effect is not None and not _privileged(url):
            found[url] = stronger(found.get(url), effect) or effect
    return _changes_first(found)


def spec_exposed(view: ProjectView, module: str) -> list[tuple[str, str]]:
    """``(route, effect)`` for the OpenAPI operations the connexion app of ``module`` serves
    without a security requirement that change, add or read stored data, changes first."""
    found: dict[str, str] = {}
    for owner, entry in view.urls:
        if owner != module or entry.get("framework") != "connexion" or entry.get("security"):
            continue
        effect = helper_effect(view, entry["view"])
        text = f"{'/'.join(entry['methods'])} {entry['url']}"
        if effect is not None and not _privileged(entry["url"]):
            found[text] = stronger(found.get(text), effect) or effect
    return _changes_first(found)


def helper_effect(view: ProjectView, call: str) -> str | None:
    """The effect of the data helper ``call`` names, also a method of a class re-exported by a
    package (``database.BookingDB.cancel`` for ``database.models.BookingDB.cancel``)."""
    found = lookup(view.data_helpers, call)
    if found is not None:
        return found[1]
    owner, _, method = call.rpartition(".")
    for key, effect in view.data_helpers.items():
        if key.endswith("." + method) and "." in owner and same_object(key.rsplit(".", 1)[0], owner):
            return effect
    return None


def _changes_first(found: dict[str, str]) -> list[tuple[str, str]]:
    order = {CHANGE: 0, ADD: 1, READ: 2}
    return sorted(found.items(), key=lambda item: order[item[1]])


def _join(prefix: str, url: str) -> str:
    return re.sub(r"/{2,}", "/", f"{prefix}/{url}") if prefix else url


def _privileged(text: str) -> bool:
    return any(w in _PRIVILEGED for w in re.split(r"[^a-z]+", text.lower()))
