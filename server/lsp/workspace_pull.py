"""Workspace diagnostics for clients that pull them (``workspace/diagnostic``).

With the ``workspaceDiagnostics`` setting on, the workspace scan checks the files that are
not open. A client that never asks for workspace diagnostics gets them pushed
(``publishDiagnostics``), as before. Once a client sends ``workspace/diagnostic``, closed
files are only ever pulled: what had been pushed is retracted, and each file's diagnostics
are answered from :class:`WorkspaceReports`. Open documents are left to the document pull
(``textDocument/diagnostic``), so no document is ever both pushed and pulled.

Clients re-send the request as soon as (VS Code: two seconds after) it is answered, so a
request that has nothing new to say is held open until something changes (the LSP
specification allows this long poll); the client may cancel it at any time.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from .server import CodewardServer

#: The result id of an empty report for a file that has no stored diagnostics (deleted,
#: no longer scanned, or the setting was turned off): the client is told once.
NOTHING = "none"


class WorkspaceReports:
    """The latest diagnostics of each closed workspace file, with a result id per version."""

    def __init__(self) -> None:
        #: True once the client pulled workspace diagnostics: closed files are no longer pushed.
        self.active = False
        #: Files the last workspace scan covered (URIs): the ones re-checked when closed or changed.
        self.scanned: set[str] = set()
        self._reports: dict[str, tuple[str, list[types.Diagnostic]]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()

    def put(self, uri: str, diagnostics: list[types.Diagnostic], force: bool = False) -> None:
        """Store a file's diagnostics; a new result id only if they changed (or ``force``)."""
        current = self._reports.get(uri)
        if current is not None and current[1] == diagnostics and not force:
            return
        self._reports[uri] = (f"w{next(self._ids)}", diagnostics)
        self._notify()

    def remove(self, uri: str) -> None:
        if self._reports.pop(uri, None) is not None:
            self._notify()

    def clear(self) -> None:
        """Forget every file (the setting was turned off): pulls then clear the client's."""
        self._reports.clear()
        self._notify()

    def __contains__(self, uri: str) -> bool:
        return uri in self._reports

    def changes(self, previous: dict[str, str], open_uris: set[str]) -> list[types.WorkspaceDocumentDiagnosticReport]:
        """Reports the client does not have yet, given the result ids it holds."""
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        for uri, (result_id, diagnostics) in self._reports.items():
            if uri not in open_uris and previous.get(uri) != result_id:
                items.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=diagnostics, result_id=result_id))
        for uri, result_id in previous.items():
            if uri not in self._reports and uri not in open_uris and result_id != NOTHING:
                items.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=[], result_id=NOTHING))
        return items

    async def changed(self) -> None:
        """Return at the next change."""
        await self._changed.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


def take_over(ls: "CodewardServer") -> None:
    """The client pulls workspace diagnostics: retract what was pushed for closed files."""
    reports = ls.workspace_reports
    if reports.active:
        return
    reports.active = True
    ls.log("codeward: the client pulls workspace diagnostics (workspace/diagnostic); closed files are no longer pushed")
    for uri in sorted(ls._published_closed):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls._published_closed.clear()


async def workspace_diagnostic(ls: "CodewardServer", params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    """Answer with the closed files whose diagnostics the client does not have, once there are any."""
    take_over(ls)
    previous = {item.uri: item.value for item in params.previous_result_ids}
    while True:
        items = ls.workspace_reports.changes(previous, set(ls.workspace.text_documents))
        if items:
            return types.WorkspaceDiagnosticReport(items=items)
        await ls.workspace_reports.changed()
