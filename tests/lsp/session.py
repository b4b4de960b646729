"""Driving ``codeward lsp`` from tests with pytest-lsp, as a VS Code or a Neovim client.

``Session`` starts the real server process (stdio), initialises it with a replayed client
profile and offers the few waits the tests need. Waits block on notifications and
responses, never on sleeps; the timeout only turns a hang into a failure.
"""

from __future__ import annotations

import asyncio
import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter

PROFILES = ("visual_studio_code", "neovim")
TIMEOUT = 20.0
SERVER = [sys.executable, "-m", "codeward.server", "lsp"]
INSTRUMENTED = [sys.executable, str(Path(__file__).with_name("instrumented_server.py"))]

VULNERABLE = 'import requests\n\nresponse = requests.get("https://example.org", verify=False)\n'


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also remembering the version of each publishDiagnostics."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: dict[str, list[tuple[int | None, list[types.Diagnostic]]]] = {}
        #: How many ``workspace/diagnostic/refresh`` requests the server sent.
        self.refreshes = 0
        self.changed = asyncio.Event()


def _record_diagnostics(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.setdefault(params.uri, []).append((params.version, list(params.diagnostics)))
    client.changed.set()


def _record_log(client: RecordingClient, params: types.LogMessageParams) -> None:
    client.log_messages.append(params)
    client.changed.set()


def _record_show_message(client: RecordingClient, params: types.ShowMessageParams) -> None:
    client.messages.append(params)
    client.changed.set()


def _record_progress(client: RecordingClient, params: types.ProgressParams) -> None:
    DEFAULT_CLIENT_FEATURES[types.PROGRESS](client, params)
    client.changed.set()


def _record_refresh(client: RecordingClient, params: None) -> None:
    client.refreshes += 1
    client.changed.set()


def _apply_edit(client: RecordingClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
    return types.ApplyWorkspaceEditResult(applied=False, failure_reason="not used in tests")


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_diagnostics
    features[types.WINDOW_LOG_MESSAGE] = _record_log
    features[types.WINDOW_SHOW_MESSAGE] = _record_show_message
    features[types.PROGRESS] = _record_progress
    features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = _record_refresh
    register_lsp_features(client, features)
    return client


def capabilities(profile: str, pull: bool | None = None) -> types.ClientCapabilities:
    """A replayed client profile; ``pull`` forces pull (True: with ``workspace/diagnostic/refresh``,
    as VS Code 1.100 has it) or push (False) diagnostics."""
    caps = copy.deepcopy(client_capabilities(profile))
    if pull is False and caps.text_document is not None:
        caps.text_document.diagnostic = None
    if pull is True and caps.text_document is not None:
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
        caps.workspace = caps.workspace or types.WorkspaceClientCapabilities()
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


def pulls(caps: types.ClientCapabilities) -> bool:
    """Whether the server uses pull diagnostics with this client: only when it can also ask
    it to pull again (Neovim 0.11 pulls but has no refresh: it is pushed to)."""
    refresh = caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refresh_support
    return bool(caps.text_document and caps.text_document.diagnostic and refresh)


class Session:
    def __init__(self, client: RecordingClient, root: Path, caps: types.ClientCapabilities) -> None:
        self.client = client
        self.root = root
        self.caps = caps
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        #: Set per test by the shared fixture so tests sharing a server never share a file.
        self.prefix = ""
        self.server_capabilities: types.ServerCapabilities | None = None

    @property
    def pull(self) -> bool:
        return pulls(self.caps)

    @property
    def encoding(self) -> str:
        general = self.caps.general
        return "utf-8" if general and general.position_encodings and "utf-8" in general.position_encodings else "utf-16"

    # -- documents ----------------------------------------------------------------------
    def open(self, name: str, text: str, language: str = "python") -> str:
        path = self.root / (f"{self.prefix}_{name}" if self.prefix else name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8", newline="")
        uri = from_fs_path(str(path))
        assert uri is not None
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        ))
        return uri

    def change(self, uri: str, changes: list[types.TextDocumentContentChangeEvent], new_text: str | None = None) -> int:
        self.versions[uri] += 1
        if new_text is not None:
            self.texts[uri] = new_text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=changes,
        ))
        return self.versions[uri]

    def replace_all(self, uri: str, text: str) -> int:
        return self.change(uri, [types.TextDocumentContentChangeWholeDocument(text=text)], text)

    def save(self, uri: str) -> None:
        from pygls.uris import to_fs_path

        Path(to_fs_path(uri)).write_text(self.texts[uri], "utf-8", newline="")
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    # -- waiting ------------------------------------------------------------------------
    async def until(self, condition: Callable[[], Any], what: str) -> Any:
        async def loop() -> Any:
            while True:
                self.client.changed.clear()
                value = condition()
                if value:
                    return value
                await self.client.changed.wait()

        try:
            return await asyncio.wait_for(loop(), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """Diagnostics for the current version of ``uri`` (pulled or pushed, as negotiated)."""
        if self.pull:
            report = await self.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            assert uri not in self.client.published, "a pull client must never get pushed diagnostics"
            return list(report.items)
        version = self.versions[uri]

        def published() -> list[types.Diagnostic] | None:
            for got_version, items in reversed(self.client.published.get(uri, [])):
                if got_version == version:
                    return items if items else []
            return None

        found = await self.until(lambda: published() is not None and (True,), f"diagnostics of {uri} version {version}")
        assert found
        result = published()
        assert result is not None
        return result

    async def next_diagnostics(self, uri: str, after: int) -> list[types.Diagnostic]:
        """Push: the first publication after the ``after``-th one; pull: a fresh pull."""
        if self.pull:
            return await self.diagnostics(uri)
        await self.until(lambda: len(self.client.published.get(uri, [])) > after, f"new diagnostics for {uri}")
        return self.client.published[uri][after][1]

    async def settled(self, uri: str, accept: Callable[[list[types.Diagnostic]], bool]) -> list[types.Diagnostic]:
        """Diagnostics once a re-check (not caused by an edit) produced what ``accept`` wants."""
        if self.pull:
            return await self.diagnostics(uri)
        latest = lambda: self.client.published.get(uri, [(None, None)])[-1][1]  # noqa: E731
        await self.until(lambda: latest() is not None and accept(latest()), f"settled diagnostics for {uri}")
        return latest()

    def published_count(self, uri: str) -> int:
        return len(self.client.published.get(uri, []))

    async def log_containing(self, text: str) -> types.LogMessageParams:
        def find() -> types.LogMessageParams | None:
            return next((m for m in self.client.log_messages if text in m.message), None)

        return await self.until(find, f"a log message containing {text!r}")

    async def code_actions(self, uri: str, rng: types.Range, only: list[str] | None = None,
                           diagnostics: list[types.Diagnostic] | None = None) -> list[types.CodeAction]:
        actions = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
        ))
        return [a for a in actions or [] if isinstance(a, types.CodeAction)]

    def apply(self, uri: str, edit: types.WorkspaceEdit) -> str:
        """Apply a workspace edit to our copy of the buffer, as an editor would, and send it."""
        from .textmodel import apply_text_edits

        if edit.document_changes:
            doc_edits = [c for c in edit.document_changes if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == uri]
            assert len(doc_edits) == 1
            assert doc_edits[0].text_document.version == self.versions[uri], "edit must target the shown version"
            text_edits = [e for e in doc_edits[0].edits if isinstance(e, types.TextEdit)]
        else:
            assert edit.changes is not None
            text_edits = list(edit.changes[uri])
        new_text = apply_text_edits(self.texts[uri], text_edits, self.encoding)
        self.replace_all(uri, new_text)
        return new_text

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """The action with its edit, asking ``codeAction/resolve`` when it has none yet."""
        if action.edit is None and action.data is not None:
            return await self.client.code_action_resolve_async(action)
        return action

    def save_other_files(self, uri: str, edit: types.WorkspaceEdit) -> list[str]:
        """The edit's changes to other files than ``uri`` (CreateFile, TextDocumentEdits),
        applied and saved as an editor does on "Save All"; the paths touched, in order."""
        from pygls.uris import to_fs_path

        from .textmodel import apply_text_edits

        touched = []
        for change in edit.document_changes or []:
            if isinstance(change, types.CreateFile):
                path = Path(to_fs_path(change.uri))
                if not path.exists():
                    path.write_text("")
            elif isinstance(change, types.TextDocumentEdit) and change.text_document.uri != uri:
                path = Path(to_fs_path(change.text_document.uri))
                edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
                path.write_text(apply_text_edits(path.read_text("utf-8"), edits, self.encoding), "utf-8")
                touched.append(path.name)
        return touched


async def start_session(profile: str, root: Path, pull: bool | None = None,
                        init_options: dict[str, Any] | None = None,
                        configuration: dict[str, Any] | None = None,
                        server: list[str] | None = None, file_operations: bool = True) -> Session:
    """``file_operations=False``: a client whose WorkspaceEdits cannot create files."""
    if pull is None and profile == "visual_studio_code":
        pull = True  # the extension needs VS Code 1.100, which pulls (the replayed 1.65 profile pushes)
    config = ClientServerConfig(server_command=server or SERVER, client_factory=make_client)
    client = await config.start()
    assert isinstance(client, RecordingClient)
    if configuration is not None:
        client.set_configuration(configuration, section="codeward")
    caps = capabilities(profile, pull)
    if not file_operations and caps.workspace is not None:
        caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=True)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps,
        root_uri=from_fs_path(str(root)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(root)) or "", name=root.name)],
        initialization_options=init_options,
    ))
    session = Session(client, root, caps)
    session.server_capabilities = result.capabilities
    return session


async def stop_session(session: Session) -> None:
    await session.client.shutdown_session()
    await session.client.stop()


def tell_commands_from_code_actions(converter) -> None:  # type: ignore[no-untyped-def]
    """Structure ``(Command | CodeAction)[]`` as editors do: a Command's ``command`` is a
    string, a CodeAction's is an object (lsprotocol's default hook mistakes a CodeAction that
    carries a command for a Command)."""

    def structure(obj, _type):  # type: ignore[no-untyped-def]
        if isinstance(obj, dict) and isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)
