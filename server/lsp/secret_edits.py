"""File edits that carry a secret (``NAME=value`` for ``.env``) never travel over LSP.

A quick fix that moves a secret to an environment variable edits the buffer through the
client as usual, but its ``.env`` line is kept here, in the server, under a random token;
the code action carries only the command ``codeward.writeSecretEdits`` with that token.
When the client runs the command (after applying the buffer edit), the server appends the
fix's file edits (``.gitignore`` first, then ``.env``, then ``.env.example``) on disk itself,
so ``.env`` is never written before git ignores it, whatever the client supports. Code
action lists, traces and logs hold no value.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from codeward.checks.model import FileEdit

COMMAND = "codeward.writeSecretEdits"
#: Pending writes kept (code actions are recomputed on every cursor move).
LIMIT = 128


class PendingWrites:
    """Sensitive file edits waiting for the user to pick their code action."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, tuple[Path, tuple[FileEdit, ...]]] = OrderedDict()
        self._tokens: dict[tuple[Path, tuple[FileEdit, ...]], str] = {}

    def stash(self, root: Path, edits: tuple[FileEdit, ...]) -> str:
        """A token for ``edits`` (the same token for the same edits, so lists stay stable)."""
        key = (root, edits)
        with self._lock:
            token = self._tokens.get(key)
            if token is None:
                token = secrets.token_urlsafe(16)
                self._tokens[key] = token
            self._pending[token] = key
            self._pending.move_to_end(token)
            while len(self._pending) > LIMIT:
                _, old = self._pending.popitem(last=False)
                self._tokens.pop(old, None)
            return token

    def write(self, token: str) -> list[str]:
        """Append the edits of ``token`` to their files, in order, stopping at the first that
        fails (a ``.env`` must not be written when ``.gitignore`` could not be); what was
        done, for the log."""
        with self._lock:
            entry = self._pending.get(token)
        if entry is None:
            return []
        root, edits = entry
        done = []
        for edit in edits:
            outcome, ok = append_file_edit(root, edit)
            done.append(outcome)
            if not ok:
                break
        return done


def append_file_edit(root: Path, edit: FileEdit) -> tuple[str, bool]:
    """Append ``edit`` to its file below ``root`` unless the line is already there.

    Returns what happened (never the text) and whether the file is now as the edit wants.
    """
    target = root / edit.path
    try:
        target.resolve().relative_to(root.resolve())
    except ValueError:
        return f"skipped {edit.path}: outside the workspace", False
    try:
        existing = target.read_text("utf-8") if target.exists() else ""
        if not target.exists() and not edit.create:
            return f"skipped {edit.path}: missing", True  # optional files (.env.example)
        if edit.append.strip() and edit.append.strip() in existing:
            return f"{edit.path} already up to date", True
        joiner = "" if not existing or existing.endswith("\n") else "\n"
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(joiner + edit.append)
    except (OSError, UnicodeDecodeError) as exc:
        return f"could not write {edit.path} ({type(exc).__name__})", False
    return edit.description or f"updated {edit.path}", True


PENDING = PendingWrites()
