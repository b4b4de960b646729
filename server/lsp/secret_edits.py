"""File edits that carry a secret (``NAME=value`` for ``.env``) never travel over LSP.

A quick fix that moves a secret to an environment variable edits the buffer through the
client as usual, but its ``.env`` line is kept here, in the server, under a random token;
the code action carries only the command ``codeward.writeSecretEdits`` with that token.
When the client runs the command (after applying the buffer edit), the server appends the
fix's file edits (``.gitignore`` first, then ``.env``, then ``.env.example``) on disk itself,
through the same safe-write path as the command line (:mod:`codeward.server.writes`), so
``.env`` is never written before git ignores it, whatever the client supports. Code
action lists, traces and logs hold no value.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from codeward.checks.model import FileEdit
from codeward.server.writes import WriteOutcome, apply_file_edits

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

    def write(self, token: str) -> list[WriteOutcome]:
        """Write the edits of ``token`` through the shared safe-write path (in order, stopping
        at the first that fails: a ``.env`` must not be written when ``.gitignore`` could not
        be); what was done, for the log and the user."""
        with self._lock:
            entry = self._pending.get(token)
        if entry is None:
            return []
        root, edits = entry
        return apply_file_edits(root, edits)


PENDING = PendingWrites()
