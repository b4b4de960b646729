"""Building the merged project view for one document: facts of every indexed file of the
same application, plus fresh facts of the analysed document (its buffer may be newer than
the index). Kept apart from :mod:`.view` (the view's shape and look-ups), which the fact
extraction itself needs, so the two do not import each other.
"""

from __future__ import annotations

from ..project import ProjectIndex
from ..source import SourceDoc
from .facts import access_facts
from .view import ProjectView


def project_view(doc: SourceDoc, project: ProjectIndex | None, memo: dict[str, object]) -> ProjectView:
    """The merged view for ``doc`` (memoised per document analysis)."""
    cached = memo.get("access.view")
    if isinstance(cached, ProjectView):
        return cached
    own = project.files.get(doc.path) if project is not None else None
    if own is not None and own.complete and own.digest == doc.digest and own.module == doc.module_name:
        fresh = own.facts.get("access")  # extracted from this very text: the same again
    else:
        fresh = access_facts(doc) if doc.tree is not None else None
    if project is not None and own is not None and (own.facts.get("access") or {}) == (fresh or {}):
        # The index already holds this document's facts as they are now (always so in a
        # scan): every file of the app shares one merged view, built once per index version
        # instead of once per file (which was quadratic in the number of files).
        view = _shared_view(project, _scope(project, doc.path))
    else:
        view = ProjectView()
        if project is not None:
            scope = _scope(project, doc.path)
            for path, facts in project.files.items():
                if path != doc.path and "access" in facts.facts and _within(path, scope):
                    view.add(facts.module, facts.facts["access"])
        if fresh is not None:
            view.add(doc.module_name, fresh)
    memo["access.view"] = view
    return view


def _shared_view(project: ProjectIndex, scope: str) -> ProjectView:
    """The merged facts of every indexed file under ``scope`` (read-only, cached on the index)."""
    def build() -> ProjectView:
        view = ProjectView()
        for path, facts in project.files.items():
            if "access" in facts.facts and _within(path, scope):
                view.add(facts.module, facts.facts["access"])
        return view

    return project.derived(f"access.view {scope}", build)


def _scope(project: ProjectIndex, path: str) -> str:
    """The application folder of ``path``: :func:`app_directory`, widened to the folder of
    the nearest ``manage.py`` above it. A Django project's apps are often namespace packages
    beside the settings package (``app/todo/`` and ``srv/settings.py`` under ``manage.py``):
    its settings and root URL conf apply to every one of them."""
    scope = app_directory(path, _package_dirs(project))
    parts = path.replace("\\", "/").split("/")[:-1]
    managed = project.derived("access.manage_dirs", lambda: frozenset(_folder(p) for p in project.files if _name(p) == "manage.py"))
    for depth in range(len(parts), -1, -1):
        folder = "/".join(parts[:depth])
        if folder in managed:
            return folder if len(folder) < len(scope) else scope
    return scope


def _folder(path: str) -> str:
    return path.replace("\\", "/").rpartition("/")[0]


def _name(path: str) -> str:
    return path.replace("\\", "/").rpartition("/")[2]


def _package_dirs(project: ProjectIndex) -> frozenset[str]:
    """Folders holding an ``__init__.py`` (computed once per index version, not per file)."""
    return project.derived("access.package_dirs", lambda: frozenset(
        p.replace("\\", "/").rsplit("/", 1)[0] for p in project.files if p.replace("\\", "/").endswith("/__init__.py")
    ))


def app_directory(path: str, package_dirs: frozenset[str]) -> str:
    """The folder holding the application ``path`` belongs to: above its outermost package
    ancestor (``shop/`` for ``shop/orders/views.py``, also through folders without
    ``__init__.py`` inside it: ``app/api/endpoints/`` under the package ``app/``), or its own
    folder for a flat app. Facts from other applications scanned together (a monorepo, a
    corpus) do not leak into this one."""
    parts = path.replace("\\", "/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        if "/".join(parts[:depth]) in package_dirs:
            return "/".join(parts[: depth - 1])
    return "/".join(parts)


def _within(path: str, directory: str) -> bool:
    return not directory or path.replace("\\", "/").startswith(directory + "/")
