"""Uploaded files as stored data: the folder a route saves uploads into, and a route sending
a file the client names from that folder.

A file-sharing app keeps its users' documents on disk, not in a table: ``upload`` saves
``request.files["file"]`` to ``os.path.join(app.config["UPLOAD_FOLDER"], name)`` and
``download`` answers ``send_from_directory(app.config["UPLOAD_FOLDER"], request.form["name"])``.
When the saving route needs a login, the files in that folder are what the login protects;
a route serving them to anyone is reported as one reading any other guarded data. A folder no
route saves into (static assets, generated reports) is no one's uploads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from ..knowledge import Knowledge
from ..source import SourceDoc
from ..syntax import dotted
from .nodes import function_nodes

#: Calls answering with a file: (last name segment, index of the folder argument or None
#: when the first argument is the whole path).
_SENDERS = {"send_from_directory": 0, "send_file": None, "FileResponse": None}


def media_words(knowledge: Knowledge) -> Callable[[str], bool]:
    """A test for text naming public pictures (``PROFILE_PICTURE_FOLDER``, ``/avatars/<f>``):
    the words of the ``access_public_media`` rows, matched against the text's words."""
    rows = knowledge.rows("access_public_media")
    words = frozenset(w for row in rows for w in row["words"])

    def names_media(text: str) -> bool:
        found = words.intersection(re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", text).lower()))
        if found and rows:
            rows[0].hit()
        return bool(found)

    return names_media


def folder_key(folder: str) -> str:
    """The pseudo-table of the files in ``folder`` (its source text, quotes normalised)."""
    return f"files:{folder}"


def saved_folders(doc: SourceDoc, func: ast.AST) -> set[str]:
    """Folders ``func`` saves a file into: ``x.save(os.path.join(FOLDER, ...))``, also
    through a local (``path = os.path.join(FOLDER, name)``, then ``x.save(path)``)."""
    found: set[str] = set()
    for node in function_nodes(doc, func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save" and node.args:
            folder = _folder_of(doc, node.args[0])
            if folder:
                found.add(folder)
    return found


def served_folders(doc: SourceDoc, func: ast.AST, client_names: set[str]) -> list[tuple[ast.Call, str]]:
    """``(call, folder)`` for each file ``func`` sends from a folder under a name the client
    chose (a path parameter or a request value, directly or through a local)."""
    found: list[tuple[ast.Call, str]] = []
    for node in function_nodes(doc, func):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        last = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if last not in _SENDERS:
            continue
        index = _SENDERS[last]
        if index is not None and len(node.args) > index + 1:
            folder, name = _source(node.args[index]), node.args[index + 1]
        else:
            path = _bound(doc, node.args[0])
            if not (isinstance(path, ast.Call) and (dotted(path.func) or "").endswith("path.join") and len(path.args) >= 2):
                continue
            folder, name = _source(path.args[0]), path.args[-1]
        if folder and _from_client(doc, name, client_names):
            found.append((node, folder))
    return found


def _folder_of(doc: SourceDoc, path: ast.expr) -> str | None:
    path = _bound(doc, path)
    if isinstance(path, ast.Call) and (dotted(path.func) or "").endswith("path.join") and len(path.args) >= 2:
        return _source(path.args[0])
    return None


def _bound(doc: SourceDoc, expr: ast.expr) -> ast.expr:
    """The value a local name was assigned, else ``expr`` itself."""
    if isinstance(expr, ast.Name):
        value = doc.names.binding(expr.id, doc.scope_of(expr))
        if isinstance(value, ast.expr):
            return value
    return expr


def _source(folder: ast.expr) -> str | None:
    """The folder as written, for matching the same folder in another route; a literal
    string (a fixed asset folder such as ``"static"``) is matched the same way."""
    try:
        return ast.unparse(folder)
    except (ValueError, AttributeError):  # pragma: no cover - unparse of a recovered tree
        return None


def _from_client(doc: SourceDoc, name: ast.expr, client_names: set[str]) -> bool:
    value = _bound(doc, name)
    for node in [*ast.walk(name), *ast.walk(value)]:
        if isinstance(node, ast.Name) and (node.id in client_names or node.id == "request"):
            return True
    return False
