"""CW610: imports of packages the project neither declares nor has installed.

Assistants invent plausible package names (``flask_sanitizer``, ``django-secure-forms``),
and attackers register such names on PyPI ("slopsquatting"): installing the import's
suggestion then runs their code. An import is judged by what the project shows, read as
files: the standard library of the running Python, the project's own modules, the
dependencies it declares (:mod:`..invented.dependencies`) and, where known, what is
installed (:mod:`..invented.installed`: the configured interpreter, else a virtualenv folder
inside the project, read as metadata, never run).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from ..context import RuleContext
from ..invented.dependencies import declared, normalise
from ..invented.installed import importable
from ..knowledge import declare_section
from ..model import Confidence, Finding, Severity
from ..registry import rule

declare_section(
    "import_providers",
    "Distributions that provide an import name other than their own (PyYAML → yaml) or"
    " bring it along (Flask → jinja2): the import counts as declared when one of them is.",
    required={"module": str, "distributions": list},
)

_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__", "__main__"}
#: Virtualenv folders inside a project whose metadata says what the project installed.
_PROJECT_VENVS = (".venv", "venv", "env", ".env")


@rule("CW610", "unknown-package-import", cwe=(1357, 829), severity=Severity.WARNING, confidence=Confidence.MEDIUM,
      nodes=(ast.Import, ast.ImportFrom))
def unknown_package_import(node: ast.Import | ast.ImportFrom, ctx: RuleContext) -> Iterator[Finding]:
    """An import names a package that is neither declared nor installed.

    What it does:
        Flags `import foo` / `from foo import bar` when `foo` is not in the standard library,
        not a module of the project, not declared in `requirements*.txt`, `pyproject.toml`,
        `setup.cfg`, `setup.py` or `Pipfile`, and not installed in the configured
        interpreter (or a virtualenv folder inside the project, read as metadata). High
        confidence when the installed packages are known and `foo` is not among them; low
        when only the declarations are known. Declared but not installed is a low note.
        Imports under `try: ... except ImportError`, `if TYPE_CHECKING:` and `sys.version_info` branches are optional
        and not judged.

    Why is this bad:
        Assistants invent plausible package names, and attackers register them: running
        `pip install foo` to make the import work then installs whatever they published.

    Example:
        ```python
        from flask_xss_sanitizer import sanitize
        ```

    Use instead:
        ```python
        import nh3  # a package you checked exists, declared in requirements.txt
        ```

    Fix safety:
        No fix: only a person can tell which package was meant. Check it on PyPI (owner,
        history, downloads) before declaring it.
    """
    if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
        return
    if _optional(ctx, node):
        return
    names = [node.module] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
    for name in dict.fromkeys(n.split(".")[0] for n in names if n):
        if name in _STDLIB or _in_project(ctx, name):
            continue
        verdict = _judge(ctx, name)
        if verdict is not None:
            yield ctx.finding(node, verdict[0], confidence=verdict[1], severity=verdict[2])


def _judge(ctx: RuleContext, module: str) -> tuple[str, Confidence, Severity | None] | None:
    folders = project_folders(ctx)
    found = [(folder, declared(folder)) for folder in folders]
    package = next((index for index, (_, names) in enumerate(found) if names is not None), len(folders) - 1)
    declarations = found[package][1] if found else None
    providers = _providers(module)
    is_declared = declarations is not None and (bool(providers & declarations) or _named_after(module, declarations))
    # A virtualenv of this package: beside its dependency files or below them, not above.
    installed = importable(ctx.doc.interpreter) or next(filter(None, map(_project_venv, folders[: package + 1])), None)
    if installed is not None:
        modules, distributions = installed
        if module in modules or providers & distributions:
            return None
        if is_declared:
            return (f"`{module}` is declared but not installed in this environment; install the declared dependencies",
                    Confidence.LOW, Severity.NOTE)
        return (f"`{module}` is not installed or declared; assistants sometimes invent package names, and attackers "
                "register them. Check it exists and is the one you mean before installing.", Confidence.HIGH, None)
    if declarations is None or is_declared:
        return None
    return (f"`{module}` is not declared in the project's dependencies; if it is not a real, intended package "
            "(assistants invent names, attackers register them), remove it. Check it before installing.",
            Confidence.LOW, None)


def _named_after(module: str, declarations: frozenset[str]) -> bool:
    """A declared distribution whose name holds every word of the import name
    (``captcha`` in ``django-simple-captcha``, ``django_comments`` in
    ``django-contrib-comments``, ``django_filters`` in ``django-filter``): import names
    often drop the distribution's prefix. An invented ``flask_xss_sanitizer`` is not
    covered by a declared ``flask``: its words are not all there."""
    words = {_singular(w) for w in normalise(module).split("-") if w}
    return any(words <= {_singular(w) for w in name.split("-")} for name in declarations)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _providers(module: str) -> frozenset[str]:
    """Normalised distributions that make ``module`` importable: its own name, and the
    ``[[import_providers]]`` rows for it."""
    from ..knowledge import load

    names = {normalise(module)}
    for row in load().rows("import_providers"):
        if row["module"] == module:
            row.hit()
            names |= {normalise(d) for d in row["distributions"]}
    return frozenset(names)


def _root(ctx: RuleContext) -> Path | None:
    """Where the walk up from the file stops: the folder of the configuration in use when
    the file is inside it (a project within a larger repository), else the scan root."""
    scan_root = getattr(ctx.project, "root", None) if ctx.project is not None else None
    config_root = ctx.config.root
    if config_root is not None and Path(config_root) in _file(ctx, scan_root or config_root).parents:
        return Path(config_root)
    return Path(scan_root) if scan_root is not None else None


def project_folders(ctx: RuleContext) -> list[Path]:
    """The importing file's folder and those above it, up to the project root: the nearest
    one with dependency files (or a virtualenv) describes the package the file belongs to."""
    root = _root(ctx)
    if root is None:
        return []
    scan_root = getattr(ctx.project, "root", None) if ctx.project is not None else None
    here = _file(ctx, scan_root or root).parent
    folders = [here, *here.parents]
    if root in folders:
        return folders[: folders.index(root) + 1]
    return [root]


def _file(ctx: RuleContext, base: Path | None) -> Path:
    """The analysed file's path on disk (``doc.path`` is relative to the scan root)."""
    path = Path(ctx.doc.path)
    if path.is_absolute() or base is None:
        return path
    return Path(base) / path


def _project_venv(folder: Path) -> tuple[frozenset[str], frozenset[str]] | None:
    venv = project_venv(folder)
    return importable(str(venv)) if venv is not None else None


def project_venv(folder: Path) -> Path | None:
    """A virtualenv folder (``.venv``, ``venv``...) directly inside ``folder``."""
    for name in _PROJECT_VENVS:
        venv = folder / name
        if (venv / "pyvenv.cfg").is_file() and not venv.is_symlink():
            return venv
    return None


def _in_project(ctx: RuleContext, module: str) -> bool:
    """A module or package of the project: indexed, or a file/folder of that name beside
    the importing file, in a folder above it, or at the project root (``src/`` too)."""
    project = ctx.project
    if project is not None and (project.import_target(ctx.doc.path, module) is not None or module in _module_names(project)):
        return True
    for folder in project_folders(ctx):
        for candidate in (folder / f"{module}.py", folder / module, folder / "src" / module):
            if candidate.exists():
                return True
    return False


def _module_names(project: object) -> frozenset[str]:
    """Every module and package name of the project, at any depth: scripts and tests put
    folders on ``sys.path`` (``import scoring`` for ``benchmarks/scoring.py``)."""
    def build() -> frozenset[str]:
        return frozenset(part for facts in project.files.values() for part in facts.module.split(".") if part)

    return project.derived("invented.module_names", build)  # type: ignore[attr-defined]


def _optional(ctx: RuleContext, node: ast.AST) -> bool:
    """Inside ``try`` with an ``except ImportError``/``ModuleNotFoundError`` handler, an
    ``if TYPE_CHECKING:`` block, or a branch on ``sys.version_info`` (a module of a newer
    standard library, with its backport in the other branch)."""
    for ancestor in ctx.doc.ancestors(node):
        if isinstance(ancestor, ast.Try):
            for handler in ancestor.handlers:
                caught = handler.type
                names = [caught] if not isinstance(caught, ast.Tuple) else list(caught.elts)
                if handler.type is None or any(getattr(n, "id", getattr(n, "attr", "")) in ("ImportError", "ModuleNotFoundError", "Exception") for n in names):
                    return True
        if isinstance(ancestor, ast.If) and any(word in ast.dump(ancestor.test) for word in ("TYPE_CHECKING", "version_info")):
            return True  # type-checking only, or chosen by the Python version (tomllib vs tomli)
    return False
