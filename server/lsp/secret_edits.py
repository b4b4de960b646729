"""How a fix that moves a secret reaches ``.env``: in the editor's own edit, or written here.

When the client can create files from a WorkspaceEdit (``documentChanges`` with the
``create`` resource operation, as VS Code and Neovim can), the ``.gitignore`` and ``.env``
changes are part of the same WorkspaceEdit as the code change, ordered so that one undo
takes all of it back in VS Code and no partial undo loses the value (:func:`in_undo_order`).
The server writes nothing on this path: the editor does (VS Code saves every file of a
multi-file fix at once, ``files.refactoring.autoSave``; Neovim leaves them as buffers until
``:wall``). The destination
is checked before the edit is offered, as the command line's writer checks it before it
writes (:mod:`codeward.server.writes`): no symlink or special file on the way, inside the
project, and a ``.env`` git does not track. What a WorkspaceEdit cannot do is said to the
user when the fix is applied: the editor creates ``.env`` with its default permissions,
not ``0600``.

Other clients get the code change only, and the action's command makes the server append
the other-file edits itself through that safe writer (``.gitignore`` first). Either way
the command then shows the fix's note (where the value went, how it is loaded) in a
``window/showMessage``. Commands carry only a random token: code action lists, traces and
logs never hold the value except in the WorkspaceEdit the user picked.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from codeward.checks.model import FileEdit
from codeward.checks.secrets import git
from codeward.server import writes
from codeward.server.writes import WriteOutcome, apply_file_edits

from .positions import ClientPositions
from .workspace import file_uri

#: Writes ``.env`` on disk, then shows the note (clients that cannot create files).
WRITE_COMMAND = "codeward.writeSecretEdits"
#: Shows the note once the editor applied the WorkspaceEdit.
APPLIED_COMMAND = "codeward.secretFixApplied"
#: Pending writes kept (code actions are recomputed on every cursor move).
LIMIT = 128

FileChange = types.TextDocumentEdit | types.CreateFile


@dataclass(frozen=True)
class Pending:
    root: Path
    #: Written by the server on the command (empty when the WorkspaceEdit carries them).
    edits: tuple[FileEdit, ...]
    #: Shown to the user once the fix is applied (never holds the value).
    message: str


class PendingFixes:
    """What to do when the user picks a secret-moving action, under a random token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._tokens: dict[Pending, str] = {}

    def stash(self, pending: Pending) -> str:
        """A token for ``pending`` (the same token for the same content, so lists stay stable)."""
        with self._lock:
            token = self._tokens.get(pending)
            if token is None:
                token = secrets.token_urlsafe(16)
                self._tokens[pending] = token
            self._pending[token] = pending
            self._pending.move_to_end(token)
            while len(self._pending) > LIMIT:
                _, old = self._pending.popitem(last=False)
                self._tokens.pop(old, None)
            return token

    def get(self, token: str) -> Pending | None:
        with self._lock:
            return self._pending.get(token)

    def write(self, token: str) -> list[WriteOutcome]:
        """Write the edits of ``token`` through the shared safe-write path (in order, stopping
        at the first that fails: a ``.env`` must not be written when ``.gitignore`` could not
        be); what was done, for the log and the user."""
        pending = self.get(token)
        if pending is None:
            return []
        return apply_file_edits(pending.root, pending.edits)


PENDING = PendingFixes()


@dataclass(frozen=True)
class SecretChanges:
    """The other-file part of a secret-moving action: WorkspaceEdit changes, or none and a
    command that writes; ``refused`` says why neither may happen."""

    changes: list[FileChange]
    command: types.Command | None
    refused: str | None = None


def secret_changes(
    file_edits: tuple[FileEdit, ...] | list[FileEdit],
    note: str,
    root: Path,
    in_editor: bool,
    open_text: dict[str, str],
    codec: str,
    fresh: bool = False,
) -> SecretChanges:
    """How ``file_edits`` (``.gitignore``, ``.env``, ``.env.example``) reach the project.

    ``in_editor``: the client creates files from a WorkspaceEdit; ``fresh``: ask git now
    (when the user picked the action), not from the short-lived cache."""
    merged = merge(file_edits)
    problem = destination_problem(root, merged, fresh)
    if problem is not None:
        return SecretChanges([], None, problem)
    if not in_editor:
        message = (f"codeward: {note} This editor cannot create files from a fix, so codeward wrote .env itself "
                   "(a new .env is readable by you only, 0600); undoing the code change leaves .env as it is.")
        token = PENDING.stash(Pending(root, merged, message))
        return SecretChanges([], types.Command(title="Write the secret to .env", command=WRITE_COMMAND, arguments=[token]))
    changes: list[FileChange] = []
    created: list[str] = []
    for edit in merged:
        ops = _append(root, edit, open_text, codec)
        if ops is None:
            return SecretChanges([], None, f"{edit.path} cannot be read")
        changes += ops
        created += [edit.path for op in ops if isinstance(op, types.CreateFile)]
    touched = [e.path for e in merged]
    message = f"codeward: {note} The fix changed {', '.join(touched)} too: save them if your editor did not."
    if ".env" in created:
        message += (" A WorkspaceEdit cannot set file permissions: the editor creates .env with its defaults "
                    "(often readable by other local users), so run `chmod 600 .env`.")
    token = PENDING.stash(Pending(root, (), message))
    return SecretChanges(changes, types.Command(title="Where the secret went", command=APPLIED_COMMAND, arguments=[token]))


def in_undo_order(source: types.TextDocumentEdit, others: list[FileChange]) -> list[FileChange]:
    """The WorkspaceEdit's ``documentChanges``: file creations first, then every text edit
    together, the source file's last.

    VS Code 1.100 applies ``documentChanges`` as runs of consecutive changes of one kind (its
    BulkEdit), each run one undo element of a shared group, and undoes the group newest first
    in one Ctrl+Z. It saves the files of a multi-file fix at once and then closes the text
    models open in no editor (``.env``, ``.gitignore``), which invalidates their single-file
    undo elements: Ctrl+Z then silently drops that file's undo history and stops the group
    there. With the code change first and ``.env`` last, one Ctrl+Z undid ``.env``'s creation
    (deleting the value) while ``app.py`` kept reading the variable, or undid nothing visible,
    depending on whether ``.env`` was closed yet. One run of text edits over several files is
    one multi-file element, which VS Code re-opens the closed files to undo: so the whole text
    change is undone at once, then the creations (now empty files). When VS Code cannot undo
    it in every file (a file changed since), it undoes only the file the user is in, so the
    value is then in ``app.py`` and ``.env`` (git-ignored), never in neither. Editors
    that apply the changes one by one (Neovim) get the same safe order: ``.gitignore`` before
    the value reaches ``.env``, and the value in ``.env`` before it leaves the code."""
    creations = [change for change in others if isinstance(change, types.CreateFile)]
    edits = [change for change in others if not isinstance(change, types.CreateFile)]
    return [*creations, *edits, source]


def merge(file_edits: tuple[FileEdit, ...] | list[FileEdit]) -> tuple[FileEdit, ...]:
    """One edit per file, in first-seen order (fix-all moves several secrets: one ``.env``
    append, one ``.gitignore`` rule), lines kept once."""
    by_path: dict[str, list[FileEdit]] = {}
    for edit in file_edits:
        by_path.setdefault(edit.path, []).append(edit)
    merged = []
    for path, edits in by_path.items():
        lines = dict.fromkeys(line for e in edits for line in e.append.splitlines(keepends=True))
        merged.append(FileEdit(path, "".join(lines), create=any(e.create for e in edits),
                               description="; ".join(dict.fromkeys(e.description for e in edits if e.description)),
                               sensitive=any(e.sensitive for e in edits)))
    return tuple(merged)


def destination_problem(root: Path, file_edits: tuple[FileEdit, ...], fresh: bool) -> str | None:
    """Why these files must not receive the edits (the writer's own rules, asked before the
    editor gets the edit): a symlink or special file, a path outside the project, or a
    secret bound for a file git tracks."""
    for edit in file_edits:
        if not writes.safe_target(root, edit.path):
            return f"`{edit.path}` is a symlink, not a regular file, or outside the project"
        if edit.sensitive and git.is_tracked(git.find_repo(str(root)), root / edit.path, fresh=fresh):
            return f"git tracks `{edit.path}`, so a value written there would be committed"
    return None


def _append(root: Path, edit: FileEdit, open_text: dict[str, str], codec: str) -> list[FileChange] | None:
    """CreateFile (when missing) and a TextDocumentEdit appending ``edit``'s lines that are not
    there yet; [] when nothing is left to add or an optional file is missing; None when the
    file cannot be read."""
    uri = file_uri(root / edit.path)
    if uri is None:
        return None
    existing = open_text.get(uri)
    if existing is None:
        try:  # the shared reader: never through a symlink, never blocking on a FIFO
            existing = writes.read_text(root, edit.path)
        except writes.WriteRefused:
            return None
    if existing is None and not edit.create:
        return []  # optional (.env.example): only when the project has one
    text = existing or ""
    present = {line.strip() for line in text.splitlines()}
    addition = "".join(line for line in edit.append.splitlines(keepends=True) if line.strip() not in present)
    if not addition.strip():
        return []
    ops: list[FileChange] = []
    if existing is None:
        ops.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
    joiner = "" if not text or text.endswith("\n") else "\n"
    end = ClientPositions(text, codec).offset_to_client(len(text))
    ops.append(types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
        edits=[types.TextEdit(range=types.Range(start=end, end=end), new_text=joiner + addition)],
    ))
    return ops
