"""Whether routers are served: the walk up the include graph stays linear in its size."""

from __future__ import annotations

from codeward.checks.routes import wiring
from codeward.checks.routes.view import ProjectView


def _lattice(levels: int, width: int) -> ProjectView:
    """``width`` routers per level, each included by every router of the level above; the
    top level is included by the app. Distinct paths from the bottom: ``width ** levels``."""
    view = ProjectView()
    view.routers["main.app"] = {"app": True}
    for level in range(levels):
        for i in range(width):
            name = f"r{level}_{i}.router"
            view.routers[name] = {}
            parents = ["main.app"] if level == 0 else [f"r{level - 1}_{j}.router" for j in range(width)]
            view.includes[name] = [{"parent": p, "prefix": "", "deps": []} for p in parents]
    return view


def test_each_router_is_judged_once(monkeypatch) -> None:
    view = _lattice(levels=12, width=4)  # 4 ** 12 = 16.7 million paths without memoisation
    judged: list[str] = []
    inner = wiring._router_wiring
    monkeypatch.setattr(wiring, "_router_wiring", lambda v, key: judged.append(key) or inner(v, key))
    assert wiring.router_wiring(view, "r11_0.router") == (True, "")
    assert len(judged) == len(set(judged)) <= 12 * 4 + 1


def test_an_include_cycle_is_unknown_not_endless() -> None:
    view = ProjectView()
    view.routers.update({"a.router": {}, "b.router": {}})
    view.includes["a.router"] = [{"parent": "b.router", "prefix": "", "deps": []}]
    view.includes["b.router"] = [{"parent": "a.router", "prefix": "", "deps": []}]
    assert wiring.router_wiring(view, "a.router")[0] is None


def test_a_router_on_a_cycle_is_served_when_the_cycle_reaches_the_app() -> None:
    """``x`` is included only by ``a``; ``a`` by ``x`` and by the app: both are served, whichever
    is asked first (an answer that met the cycle half-way is not kept)."""
    for first in ("a.router", "x.router"):
        view = ProjectView()
        view.routers.update({"main.app": {"app": True}, "a.router": {}, "x.router": {}})
        view.includes["x.router"] = [{"parent": "a.router", "prefix": "", "deps": []}]
        view.includes["a.router"] = [{"parent": "x.router", "prefix": "", "deps": []}, {"parent": "main.app", "prefix": "", "deps": []}]
        wiring.router_wiring(view, first)
        assert wiring.router_wiring(view, "x.router")[0] is True
        assert wiring.router_wiring(view, "a.router")[0] is True
