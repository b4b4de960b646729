"""The "move to an environment variable" fix.

The literal becomes an environment read in the project's own style (``os.environ[...]`` by
default; ``os.getenv``, python-decouple ``config(...)``, an environs / django-environ ``Env``
object when the file, or else the project, already uses one). File edits, relative to the
project root, put the value in ``.env`` — the one place the secret is written, by design the
user's own file — after making sure git ignores ``.env`` (else ``.env`` is added to
``.gitignore`` in the same fix), and add ``NAME=`` to ``.env.example`` when it exists.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import knowledge
from ..context import RuleContext
from ..model import Edit, FileEdit, Fix, Range
from ..project import fact_extractor
from ..reading import read_regular_text
from ..source import SourceDoc
from ..syntax import dotted, matches_call
from . import git, loading
from .catalog import catalog
from .model import Secret

_FACT = "env_reader"


@dataclass(frozen=True)
class Convention:
    template: str
    imports: tuple[str, ...]
    var: str = ""
    #: The reader loads ``.env`` itself (python-decouple).
    loads_dotenv: bool = False
    #: The expression reads ``os.environ``, which ``load_dotenv()`` fills.
    reads_os_environ: bool = False
    #: The reader library's own call that loads ``.env`` (environs, django-environ).
    loader: str = ""

    def expression(self, name: str) -> str:
        return self.template.format(name=name, var=self.var)


_DEFAULT = Convention('os.environ["{name}"]', ("import os",), reads_os_environ=True)


def build_fix(ctx: RuleContext, secret: Secret, location: git.Location | None) -> Fix | None:
    """The fix for ``secret``, or None when its literal cannot be replaced in place.

    The caller asks :func:`destination_problem` once per file first and offers no fix when
    ``.env`` cannot receive the value. The title says where the value goes and how the
    program will load it (:mod:`.loading`); the note tells the rest once it is applied."""
    if secret.node is None or ctx.doc.tree is None:
        return None
    convention = convention_for(ctx)
    if secret.settings_field and isinstance(secret.node, ast.AnnAssign) and secret.node.value is not None:
        # pydantic-settings reads the field from the environment once it has no default.
        start = ctx.doc.range_of(secret.node.annotation).end
        edit = Edit(Range(start, ctx.doc.range_of(secret.node.value).end), "")
        imports: tuple[str, ...] = ()
    else:
        expression = convention.expression(secret.env_name)
        if _is_bytes(secret.node):
            expression += ".encode()"
        edit, imports = ctx.replace(secret.node, expression), convention.imports
    root = location.root if location is not None else None
    load = loading.plan(ctx, secret, convention.loads_dotenv, convention.reads_os_environ, root, convention.loader)
    file_edits: list[FileEdit] = []
    name = secret.env_name
    if location is not None and _defined_in(location.root / ".env", name):
        # Never overwrite or shadow the user's own value: they check it themselves.
        title = f"Move the {secret.kind} to {name} ({name} is already in .env; {load.how})"
        note = f"{name} was already set in .env: check that it holds the value this code had. {load.note}"
    elif location is not None:
        env_file = location.root / ".env"
        ignored = git.is_ignored(location.repo, env_file)
        if not ignored:
            file_edits.append(FileEdit(".gitignore", ".env\n", description="keep .env out of git"))
        file_edits.append(FileEdit(".env", f"{name}={dotenv_value(secret.value)}\n",
                                   description=f"set {name}", sensitive=True))
        if (location.root / ".env.example").is_file():
            file_edits.append(FileEdit(".env.example", f"{name}=\n", create=False,
                                       description=f"document {name} in .env.example"))
        title = f"Move the {secret.kind} to {name} in .env (git-ignored; {load.how})"
        where = "git ignores .env" if ignored else ".env is added to .gitignore"
        note = f"The {secret.kind} is now {name} in .env ({where}). {load.note}"
    else:
        title = f"Move the {secret.kind} to the environment variable {name} ({load.how})"
        note = f"The {secret.kind} is now read from {name}: set it where the program runs. {load.note}"
    return ctx.fix(
        [edit, *load.edits],
        title=title,
        imports=(*imports, *load.imports),
        file_edits=file_edits,
        note=note,
    )


def destination_problem(location: git.Location | None) -> str | None:
    """Why the project's ``.env`` cannot receive a secret, or None when it can (or there is
    no project on disk: the fix then edits only the buffer).

    A ``.env`` git tracks would put the value in the next commit; a symlinked ``.env`` or
    ``.gitignore`` would send the write somewhere else. The writer checks again when it
    writes; this makes the finding say so up front instead of offering a fix that fails."""
    if location is None:
        return None
    for name in (".env", ".gitignore"):
        path = location.root / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            return f"`{name}` is a symlink or not a regular file"
    if git.is_tracked(location.repo, location.root / ".env"):
        return "git tracks `.env`, so a value written there would be committed"
    return None


def _defined_in(env_file: Path, name: str) -> bool:
    """``env_file`` already sets ``name`` (``NAME=...`` or ``export NAME=...``)."""
    try:
        lines = read_regular_text(env_file, 1_000_000, errors="replace").splitlines()
    except OSError:  # absent, too large, or not a regular file (a FIFO would block)
        return False
    return any(line.strip().removeprefix("export ").lstrip().startswith(f"{name}=") for line in lines)


def _is_bytes(node: ast.AST) -> bool:
    while isinstance(node, ast.BinOp):
        node = node.left
    return isinstance(node, ast.Constant) and isinstance(node.value, bytes)


def dotenv_value(value: str) -> str:
    """``value`` as a .env value: bare when simple, else double-quoted with escapes."""
    if value and all(ch.isalnum() or ch in "-_./:+=@%,~^*!?" for ch in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def convention_for(ctx: RuleContext) -> Convention:
    """The file's own env reader, else the one most files of the project use, else os.environ.

    Asked once per analysis (every secret of a file asks the same question)."""
    known = ctx.memo.get("secrets.convention")
    if known is None:
        known = ctx.memo["secrets.convention"] = _find_convention(ctx)
    return known  # type: ignore[return-value]


def _find_convention(ctx: RuleContext) -> Convention:
    own = reader_used(ctx.doc)
    if own is not None:
        return _convention(ctx, *own)
    if ctx.project is not None:
        votes = Counter(fact[0] for fact in ctx.project.facts(_FACT).values() if not fact[1])
        if votes:
            return _convention(ctx, votes.most_common(1)[0][0], "")
    return _DEFAULT


def _convention(ctx: RuleContext, index: int, var: str) -> Convention:
    rows = catalog(ctx.knowledge).env_readers
    if not 0 <= index < len(rows):
        return _DEFAULT
    row = rows[index]
    row.hit()
    return Convention(row["template"], (row["import"],) if "import" in row else (), var,
                      loads_dotenv=bool(row.get("loads_dotenv")), reads_os_environ=row["call"].startswith("os."),
                      loader=row.get("loader", "").format(var=var))


@fact_extractor(_FACT)
def reader_used(doc: SourceDoc) -> tuple[int, str] | None:
    """(row index, reader variable) of the first env reader row this file uses."""
    if doc.tree is None:
        return None
    # Every file is indexed: skip the tree walk (and name resolution) unless the text names
    # a reader's module and function at all.
    rows = [
        (index, row) for index, row in enumerate(catalog(knowledge.load()).env_readers)
        if row["call"].split(".")[0] in doc.text and row["call"].rsplit(".", 1)[-1] in doc.text
    ]
    if not rows:
        return None
    calls: list[ast.Call] = []
    instances: list[tuple[str, ast.Call]] = []
    environ_used = False
    for node in doc.nodes:
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            instances.append((node.targets[0].id, node.value))
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and not environ_used:
            written = dotted(node.value) or ""
            environ_used = written.endswith("environ") and doc.resolve(node.value) == "os.environ"
    for index, row in rows:
        if row.get("instance"):
            for var, call in instances:
                if matches_call(doc, call, row["call"]):
                    return index, var
        elif row["call"] == "os.environ":
            if environ_used:
                return index, ""
        elif any(matches_call(doc, call, row["call"]) for call in calls):
            return index, ""
    return None
