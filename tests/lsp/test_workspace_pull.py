"""Workspace diagnostics pulled with ``workspace/diagnostic`` (closed files), under both
client profiles forced to pull; push stays the fallback until the client pulls."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path

from .session import PROFILES, TIMEOUT, VULNERABLE, Session, start_session, stop_session


class WorkspacePuller:
    """Sends ``workspace/diagnostic`` the way VS Code does: with the result ids it holds."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.result_ids: dict[str, str] = {}
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}

    def request(self) -> asyncio.Future:
        return asyncio.ensure_future(self.session.client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
            previous_result_ids=[types.PreviousResultId(uri=uri, value=value) for uri, value in self.result_ids.items()]
        )))

    async def receive(self, pending: asyncio.Future) -> set[str]:
        """The URIs the answer reported (in full); remembers their ids and diagnostics."""
        report = await asyncio.wait_for(pending, TIMEOUT)
        reported = set()
        for item in report.items:
            assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport), item
            assert item.result_id and item.version is None
            self.result_ids[item.uri] = item.result_id
            self.diagnostics[item.uri] = list(item.items)
            reported.add(item.uri)
        return reported

    async def until_known(self, uris: set[str]) -> None:
        while not uris <= self.diagnostics.keys():  # the scan reports files as it checks them
            await self.receive(self.request())

    def codes(self, uri: str) -> list[str]:
        return sorted(str(d.code) for d in self.diagnostics[uri])


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


async def round_trip(session: Session, uri: str) -> None:
    """A request answered after everything sent before it was handled."""
    await session.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))


@pytest.mark.parametrize("profile", PROFILES)
async def test_workspace_pull_reports_closed_files_and_holds_until_a_change(profile: str, tmp_path: Path) -> None:
    (tmp_path / "closed.py").write_text(VULNERABLE)
    (tmp_path / "clean.py").write_text("x = 1\n")
    closed, clean = uri_of(tmp_path / "closed.py"), uri_of(tmp_path / "clean.py")
    session = await start_session(profile, tmp_path, pull=True, init_options={"workspaceDiagnostics": True})
    try:
        assert session.server_capabilities is not None
        provider = session.server_capabilities.diagnostic_provider
        assert isinstance(provider, types.DiagnosticOptions) and provider.workspace_diagnostics
        puller = WorkspacePuller(session)
        await puller.until_known({closed, clean})
        assert puller.codes(closed) == ["CW502"] and puller.codes(clean) == []
        assert all(not items for _, items in session.client.published.get(closed, [])), "pulled files are never pushed"

        # Nothing new: the request is held (not answered with the same reports again)...
        held = puller.request()
        session.prefix = ""
        opened = session.open("clean.py", VULNERABLE)  # the document pull owns it now
        assert opened == clean
        (tmp_path / "clean.py").write_text("x = 1\n")  # the buffer's text stays unsaved
        assert [d.code for d in await session.diagnostics(opened)] == ["CW502"]
        await round_trip(session, opened)
        assert not held.done()
        # ...until a closed file changes on disk.
        (tmp_path / "closed.py").write_text("x = 2\n")
        session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=closed, type=types.FileChangeType.Changed)]))
        assert await puller.receive(held) == {closed}
        assert puller.codes(closed) == []

        # Closing the buffer hands the file back to the workspace pull, checked as saved on disk.
        held = puller.request()
        session.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=clean)))
        assert await puller.receive(held) == {clean}
        assert puller.codes(clean) == []

        # A deleted file's diagnostics are cleared once; turning the setting off clears the rest.
        (tmp_path / "clean.py").write_text(VULNERABLE)
        (tmp_path / "closed.py").unlink()
        held = puller.request()
        session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=clean, type=types.FileChangeType.Changed),
            types.FileEvent(uri=closed, type=types.FileChangeType.Deleted)]))
        reported = await puller.receive(held)
        if reported != {clean, closed}:  # the deletion is answered at once, the re-check after
            reported |= await puller.receive(puller.request())
        assert reported == {clean, closed}
        assert puller.codes(clean) == ["CW502"] and puller.codes(closed) == []
        # A pyproject.toml change re-checks closed files under the new configuration.
        pyproject = tmp_path / "pyproject.toml"
        pyproject.write_text('[tool.codeward]\nignore = ["CW502"]\n')
        held = puller.request()
        session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=uri_of(pyproject), type=types.FileChangeType.Created)]))
        while clean not in await puller.receive(held):  # other files of the new scan may come first
            held = puller.request()
        assert puller.codes(clean) == []
        pyproject.unlink()
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"codeward": {"workspaceDiagnostics": False}}))
        assert clean in await puller.receive(puller.request())
        assert all(not items for items in puller.diagnostics.values())
    finally:
        await stop_session(session)


@pytest.mark.parametrize("profile", PROFILES)
async def test_closed_files_are_pushed_until_the_client_pulls_them(profile: str, tmp_path: Path) -> None:
    (tmp_path / "closed.py").write_text(VULNERABLE)
    closed = uri_of(tmp_path / "closed.py")
    session = await start_session(profile, tmp_path, pull=True, init_options={"workspaceDiagnostics": True})
    try:
        await session.until(lambda: session.client.published.get(closed), "pushed workspace diagnostics")
        assert [d.code for d in session.client.published[closed][-1][1]] == ["CW502"]
        puller = WorkspacePuller(session)
        assert await puller.receive(puller.request()) == {closed}
        assert puller.codes(closed) == ["CW502"]
        assert session.client.published[closed][-1][1] == [], "the push was withdrawn when the pull took over"
    finally:
        await stop_session(session)
