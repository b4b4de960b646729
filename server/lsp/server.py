"""The codeward language server: document sync, diagnostics, code actions, hover, settings.

Handlers only move data: analysis runs on a worker thread (see :mod:`.scheduler`), code
actions and hover read the cached result of the version the editor shows, and every
problem is logged with ``window/logMessage`` rather than shown as a popup.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from codeward.checks import __version__, inference
from codeward.checks.autofix import fix_document
from codeward.checks.files import kind_of
from codeward.checks.paths import real_path
from codeward.checks.incremental import IncrementalAnalyser
from codeward.checks.model import Range
from codeward.checks.project import FACT_EXTRACTORS, module_name_for
from codeward.checks.registry import all_rules
from codeward.checks.routes import summaries_for
from codeward.server.baseline import BaselineError

from . import actions, secret_edits, warmup, workspace_pull
from ..display import printable_lines
from .analysis import DocResult, Snapshot, carried, has_rules, run_analysis
from .baselined import BaselineView, mark_baselined
from .diagnostics import hover_text, not_analysed_diagnostic, rules_doc_base, to_diagnostic
from .documents import LspWorkspace
from .positions import ClientPositions
from .protocol import CodewardProtocol
from .transport import start_io
from .scheduler import Scheduler
from .settings import ConfigResolver, Settings, effective_config, parse_settings
from .workspace import WorkspaceIndex, relative_to
from .workspace_pull import WorkspaceReports
from .workspace_scan import check_closed, reindex, run_workspace_scan

log = logging.getLogger(__name__)

#: A change inserting this many lines at once (a paste, an assistant's completion) is
#: analysed without waiting for the debounce.
BIG_INSERT_LINES = 5
#: Distinct "logged once" keys remembered (a rule failing with a new message per edit would
#: otherwise grow the set for as long as the server runs).
MAX_LOGGED_ONCE = 1_000
#: Seconds after ``initialized`` to start the warm-up and the workspace index when no
#: document has been analysed first.
BACKGROUND_DELAY = 1.0
#: Seconds of quiet after an incremental result before the full analysis confirms it.
CONFIRM_DELAY = 0.75
LANGUAGE_KINDS = {
    "python": "python", "toml": "toml", "yaml": "yaml", "json": "json", "ini": "ini", "dockerfile": "dockerfile", "dotenv": "env",
    # Template buffers (VS Code, Neovim and common extension language ids).
    "html": "template", "jinja": "template", "jinja-html": "template", "jinja2": "template", "django-html": "template",
    "htmldjango": "template",
}


class AnalysisCrash:
    """The error source reported when the engine itself (not one rule) raised."""


class CodewardServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "codeward", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental, protocol_cls=CodewardProtocol
        )
        self.settings = Settings()
        #: What initializationOptions said: the base that workspace/configuration answers are
        #: applied on (a client answering {} for the section must not wipe them).
        self.initial_settings = Settings()
        self.baseline = BaselineView()
        self.results: dict[str, DocResult] = {}
        #: Per open document: the state that lets an edit re-check only what it touched.
        self.analysers: dict[str, IncrementalAnalyser] = {}
        self.analysis_pool = ThreadPoolExecutor(1, thread_name_prefix="codeward-analysis")
        self.index_pool = ThreadPoolExecutor(1, thread_name_prefix="codeward-index")
        #: Documents that are slow to analyse get this thread (see Scheduler).
        self.slow_pool = ThreadPoolExecutor(1, thread_name_prefix="codeward-slow")
        self.scheduler: Scheduler[DocResult] = Scheduler(
            self._snapshot, self._current_version, self._analyse, self._deliver, self._analysis_error, self.analysis_pool,
            keeps_stale=lambda uri: self.settings.run == "onSave",
            slow_executor=self.slow_pool,
        )
        self.configs = ConfigResolver(None)
        self.workspace_index = WorkspaceIndex(None)
        self.pull = False
        self.refresh_support = False
        self.related_support = False
        self.configuration_support = False
        self.edit_support = actions.EditSupport(False, frozenset())
        self.root: Path | None = None
        self._notified: set[str] = set()
        self._logged: set[tuple] = set()
        self._needs_refresh: set[str] = set()
        #: Documents re-checked for an outside reason whose cached result is still the old one.
        self._outdated: set[str] = set()
        self._index_task: asyncio.Task | None = None
        self._background_started = False
        self._published_closed: set[str] = set()
        #: Last (version, diagnostics) pushed per document: a re-check with the same outcome is not re-sent.
        self._published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
        #: Closed files' diagnostics for clients that pull workspace diagnostics.
        self.workspace_reports = WorkspaceReports()

    # -- logging and error reporting ------------------------------------------------------
    def log(self, message: str, level: types.MessageType = types.MessageType.Info, once: tuple | None = None) -> None:
        """``window/logMessage`` (and stderr); with ``once``, only the first time that key is seen.

        Names in messages come from the workspace: control characters and lone surrogates
        are escaped (see codeward.server.display), so every message can be sent and shown."""
        message = printable_lines(message)
        if once is not None:
            if once in self._logged:
                return
            if len(self._logged) >= MAX_LOGGED_ONCE:
                self._logged.clear()  # bounded: failures with ever-new messages must not pile up
            self._logged.add(once)
        log.log({types.MessageType.Error: logging.ERROR, types.MessageType.Warning: logging.WARNING}.get(level, logging.INFO), message)
        try:
            self.window_log_message(types.LogMessageParams(type=level, message=message))
        except Exception:  # the connection may be gone during shutdown
            pass

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log every internal error; show a popup at most once per kind of analysis crash.

        pygls's default shows a popup for each one, which turns one bug into a popup per
        keystroke. Errors of request and notification handlers are nearly always the
        client's malformed input (a document never opened, params of the wrong shape):
        protocol errors are logged, never shown as popups.
        """
        kind = f"{getattr(source, '__name__', source)}:{type(error).__name__}"
        self.log(f"codeward internal error ({kind}): {error}", types.MessageType.Error)
        if source is not AnalysisCrash or kind in self._notified:
            return  # a handler failing on what the client sent is a protocol error: logged only
        self._notified.add(kind)
        try:
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"codeward hit an internal error ({type(error).__name__}); details are in the language server log. Further errors of this kind are only logged.",
            ))
        except Exception:
            pass

    def _analysis_error(self, uri: str, error: BaseException) -> None:
        self.report_server_error(error if isinstance(error, Exception) else Exception(repr(error)), AnalysisCrash)

    # -- documents ------------------------------------------------------------------------
    def open_document(self, uri: str):
        return self.workspace.text_documents.get(uri)

    def _current_version(self, uri: str) -> int | None | bool:
        doc = self.open_document(uri)
        return doc.version if doc is not None else False

    def document_kind(self, uri: str, language_id: str | None) -> str | None:
        path = to_fs_path(uri)
        kind = kind_of(path) if path else None
        return kind or LANGUAGE_KINDS.get(language_id or "")

    def _snapshot(self, uri: str) -> Snapshot | None:
        """Text, version and configuration of an open document, taken on the event loop."""
        doc = self.open_document(uri)
        if doc is None or not self.settings.enable:
            return None
        kind = self.document_kind(uri, doc.language_id)
        if kind is None:
            return None
        fs_path = to_fs_path(uri)
        path = Path(fs_path) if fs_path else None
        base, problem = self.configs.base_config(path)
        if problem is not None:
            self.log(f"codeward: {problem}; using defaults until it is fixed", types.MessageType.Warning, once=("config", str(problem)))
        config, problems = effective_config(base, self.settings)
        for text in problems:
            self.log(f"codeward settings: {text}", types.MessageType.Warning, once=("settings", text))
        root = self.root if path is not None and self.root is not None and _inside(path, self.root) else config.root
        relative = relative_to(path, root) if path is not None else uri
        if not has_rules(config, kind, relative):
            self.log(f"codeward: no enabled rule for {kind} documents; {relative} is not analysed", once=("no-rules", kind))
            return None
        text = doc.source
        if len(text) > config.max_file_size:
            self._not_analysed(uri, relative, f"the buffer ({len(text)} characters) is larger than the max-file-size limit ({config.max_file_size} bytes)", "size")
            return None
        module = module_name_for(path, root) if path is not None and kind == "python" else ""
        return Snapshot(
            uri=uri, version=doc.version, text=text, path=path, kind=kind, relative=relative, module=module,
            config=config, project=self.workspace_index.index if FACT_EXTRACTORS else None, root=root,
            codec=self.workspace.position_codec, interpreter=self.settings.interpreter,
        )

    def _analyse(self, snapshot: Snapshot) -> DocResult:
        """Worker thread: analyse and convert to diagnostics (keeps the event loop free)."""
        analyser = self.analysers.setdefault(snapshot.uri, IncrementalAnalyser())
        result = run_analysis(snapshot, analyser, cancelled=lambda: self.scheduler.stale(snapshot.uri, snapshot.version))
        previous = self.results.get(snapshot.uri)
        if result.incremental and previous is not None:
            result.used_facts |= previous.used_facts  # the re-check read only part of the module
        result.diagnostics = self._diagnostics(result)
        return result

    def _diagnostics(self, result: DocResult) -> list[types.Diagnostic]:
        """Diagnostics of ``result``'s findings, marked when the baseline records them; the
        findings it hides are dropped from the result too (actions and hovers pair findings
        with diagnostics)."""
        rules = all_rules()
        root = self.root or result.snapshot.config.root
        try:
            known = self.baseline.known(result.findings, self.settings.baseline, root)
        except BaselineError as exc:
            self.log(f"codeward: {exc}", types.MessageType.Warning, once=("baseline", str(exc)))
            known = set()
        result.findings = [f for f in result.findings if not (id(f) in known and self.settings.baseline_findings == "hide")]
        diagnostics = [
            mark_baselined(to_diagnostic(f, result.positions, result.uri, rules, self.related_support, root), id(f) in known)
            for f in result.findings
        ]
        if result.not_analysed:  # after the findings' own: actions pair them by position
            diagnostics.append(not_analysed_diagnostic(result.not_analysed))
        return diagnostics

    def _not_analysed(self, uri: str, relative: str, reason: str, kind: str | None = None) -> None:
        """Told once per document and kind of reason, until the document analyses again."""
        self.log(f"codeward: {relative} is not analysed: {reason}", types.MessageType.Warning, once=("not-analysed", uri, kind or reason))

    def start_background(self) -> None:
        """Warm up jedi and index the workspace, once."""
        if self._background_started:
            return
        self._background_started = True
        self.analysis_pool.submit(warmup.warm_up_inference)
        self.start_workspace_scan()

    def _deliver(self, result: DocResult) -> None:
        self.start_background()
        doc = self.open_document(result.uri)
        if doc is not None and doc.version != result.version:
            result = carried(result, doc.source, doc.version)  # on-save mode: typed since the save
            result.diagnostics = self._diagnostics(result)
        for failure in result.failures:
            self.log(
                f"codeward: rule {failure.code} failed on {failure.path}: {failure.error} (other rules still ran)",
                types.MessageType.Error, once=("failure", failure.code, failure.path, failure.error),
            )
        if result.not_analysed:
            self._not_analysed(result.uri, result.snapshot.relative, result.not_analysed)
        else:
            self._logged = {k for k in self._logged if not (k[0] == "not-analysed" and k[1] == result.uri)}
        previous = self.results.get(result.uri)
        corrected = (
            previous is not None and previous.incremental and previous.version == result.version
            and previous.diagnostics != result.diagnostics
        )
        self.results[result.uri] = result
        self._outdated.discard(result.uri)
        if result.incremental:
            # Analysing the same text again takes the full path: it confirms (or corrects)
            # the incremental result once the user pauses, and parses the buffer for actions.
            self.scheduler.schedule(result.uri, CONFIRM_DELAY)
        if self.pull:
            if result.uri in self._needs_refresh or corrected:
                self._needs_refresh.discard(result.uri)
                self._request_refresh()
        elif self._published.get(result.uri) != (result.version, result.diagnostics):
            self._publish(result)

    def _publish(self, result: DocResult) -> None:
        self._published[result.uri] = (result.version, result.diagnostics)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=result.uri, diagnostics=result.diagnostics, version=result.version)
        )

    def show_carried(self, uri: str) -> None:
        """On-save mode, push clients: the last result on the lines of the edited buffer (a
        pull client asks for it itself after the edit)."""
        if self.pull or uri not in self.results:
            return
        shown = self._published.get(uri)
        result = self.current_result(uri)
        if result is None or (not result.diagnostics and not (shown and shown[1])):
            return
        self._publish(result)

    def _request_refresh(self) -> None:
        if self.refresh_support:
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as exc:
                self.log(f"codeward: diagnostic refresh failed: {exc}", types.MessageType.Warning)

    def current_result(self, uri: str) -> DocResult | None:
        """The cached result if it belongs to the version the editor shows.

        In on-save mode the last result is of the saved text: the buffer has usually moved
        on, and its findings are carried to the lines the editor shows now.
        """
        result = self.results.get(uri)
        doc = self.open_document(uri)
        if result is None or doc is None:
            return None
        if result.version != doc.version:
            if self.settings.run != "onSave" or uri in self._outdated:
                return None
            result = self.results[uri] = carried(result, doc.source, doc.version)
            result.diagnostics = self._diagnostics(result)
        return result

    def recheck(self, uris: list[str] | None = None) -> None:
        """Analyse open documents again after something outside them changed."""
        for uri in uris if uris is not None else list(self.workspace.text_documents):
            self._outdated.add(uri)  # a pull waits for the new result; code actions keep the old
            if self.pull:
                self._needs_refresh.add(uri)
            self.scheduler.schedule(uri, 0)

    def clear(self, uri: str) -> None:
        self.results.pop(uri, None)
        self.analysers.pop(uri, None)
        self._outdated.discard(uri)
        self._published.pop(uri, None)
        if not self.pull:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -- settings -------------------------------------------------------------------------
    def config_changed(self) -> None:
        """A pyproject.toml changed: re-read it for open documents and, with workspace
        diagnostics on, for the closed files too (excludes may have changed: a new scan)."""
        self.configs.forget()
        self.recheck()
        if self.settings.workspace_diagnostics and self.settings.enable:
            self.start_workspace_scan()

    def apply_settings(self, raw: Any) -> None:
        before = self.settings
        self.settings, problems = parse_settings(raw, self.initial_settings)
        for problem in problems:
            self.log(f"codeward settings: {problem}", types.MessageType.Warning, once=("settings", problem))
        if before != self.settings:
            self.log(f"codeward settings: {self.settings}")
            if not self.settings.enable:
                for uri in list(self.results):
                    self.clear(uri)
                if self.pull:
                    self._request_refresh()
            else:
                self.recheck()
            if self.settings.workspace_diagnostics and not before.workspace_diagnostics:
                self.start_workspace_scan()
            if not (self.settings.workspace_diagnostics and self.settings.enable):
                self.withdraw_workspace_diagnostics()
            if self.settings.interpreter != before.interpreter:
                self.check_interpreter()

    def check_interpreter(self) -> None:
        """Tell the user (once) when the interpreter they named cannot be used: lookups then
        fall back to the server's own environment. Only the file system is asked: the
        interpreter itself starts on the first lookup that needs it."""
        interpreter = self.settings.interpreter
        problem = inference.interpreter_problem(interpreter) if interpreter else None
        if problem is not None:
            self.log(
                f"codeward settings: 'interpreter': {problem}; installed packages are resolved with the server's own Python",
                types.MessageType.Warning, once=("interpreter", interpreter),
            )

    def withdraw_workspace_diagnostics(self) -> None:
        """Workspace diagnostics were turned off: clear what closed files show."""
        self.workspace_reports.clear()
        for uri in sorted(self._published_closed):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self._published_closed.clear()

    async def pull_settings(self) -> None:
        if not self.configuration_support:
            return
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="codeward")])
            )
        except Exception as exc:
            self.log(f"codeward: could not read settings: {exc}", types.MessageType.Warning)
            return
        if values and isinstance(values[0], dict):
            self.apply_settings(values[0])

    # -- workspace --------------------------------------------------------------------------
    def start_workspace_scan(self) -> None:
        if self._index_task is None or self._index_task.done():
            self._index_task = asyncio.ensure_future(self.index_workspace())

    async def index_workspace(self) -> None:
        """Index the workspace with cancellable progress; then publish workspace diagnostics."""
        if self.root is None:
            return
        await run_workspace_scan(self)


def _above_decorators(result: DocResult, rng: Range) -> Range:
    """A handler's lens goes above its first decorator (editors draw a lens above its line)."""
    first = result.decorator_starts.get(rng.start.line)
    return rng if first is None else Range.of(first, 0, first, 0)


def _inside(path: Path, root: Path) -> bool:
    try:
        real_path(path).relative_to(real_path(root))
        return True
    except ValueError:
        return False


def _inserted_lines(change: types.TextDocumentContentChangeEvent) -> int:
    return change.text.count("\n")


def create_server() -> CodewardServer:
    server = CodewardServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CodewardServer, params: types.InitializeParams) -> None:
        # pygls has just created the workspace and no document is open yet: swap in the one
        # that splits lines like the editor does (see documents.py).
        ls.protocol._workspace = LspWorkspace.replacing(ls.workspace)
        caps = params.capabilities
        ls.refresh_support = bool(caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refresh_support)
        # Pull only from clients that can be asked to pull again: results that come without
        # an edit (a save in on-save mode, the workspace index, a settings change) would
        # otherwise wait for the next keystroke. Neovim 0.11 pulls but has no refresh: it
        # gets pushed diagnostics (the protocol then does not offer pulling at all).
        ls.pull = bool(caps.text_document and caps.text_document.diagnostic is not None) and ls.refresh_support
        publish = caps.text_document.publish_diagnostics if caps.text_document else None
        ls.related_support = bool(publish and publish.related_information)
        ls.configuration_support = bool(caps.workspace and caps.workspace.configuration)
        ls.edit_support = actions.EditSupport.of(caps)
        root = ls.workspace.root_path
        ls.root = Path(root) if root else None
        ls.configs = ConfigResolver(ls.root)
        ls.workspace_index = WorkspaceIndex(ls.root)
        if params.initialization_options is not None:
            ls.settings, problems = parse_settings(params.initialization_options)
            ls.initial_settings = ls.settings
            for problem in problems:
                ls.log(f"codeward settings: {problem}", types.MessageType.Warning, once=("settings", problem))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CodewardServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities
        watched = caps.workspace.did_change_watched_files if caps.workspace else None
        if watched and watched.dynamic_registration:
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                    id="codeward-watch",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                        types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                        types.FileSystemWatcher(glob_pattern="**/*.py"),
                    ]),
                )]))
            except Exception as exc:
                ls.log(f"codeward: cannot watch files ({exc}); pyproject.toml is re-read on save", types.MessageType.Warning)
        ls.check_interpreter()  # set in initializationOptions (a later change is checked when applied)
        await ls.pull_settings()
        # The first open document is analysed before the warm-up and the workspace index
        # compete for the CPU (its first result is what the user waits for); without one,
        # they start shortly after.
        asyncio.get_running_loop().call_later(BACKGROUND_DELAY, ls.start_background)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CodewardServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.pull and uri in ls._published_closed:
            # Workspace diagnostics were pushed while it was closed; now the client pulls them.
            ls._published_closed.discard(uri)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.scheduler.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CodewardServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.settings.run != "onType":
            ls.show_carried(params.text_document.uri)
            return
        big = max((_inserted_lines(c) for c in params.content_changes), default=0) >= BIG_INSERT_LINES - 1
        uri = params.text_document.uri
        ls.scheduler.schedule(uri, 0 if big else ls.scheduler.debounce(uri, ls.settings.debounce))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.TextDocumentSaveRegistrationOptions(include_text=False))
    def did_save(ls: CodewardServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        fs_path = to_fs_path(uri)
        path = Path(fs_path) if fs_path else None
        if path is not None and (path.name == "pyproject.toml" or ls.configs.changed_since_read(path)):
            ls.config_changed()
            return
        if ls.settings.run == "onSave" and ls.pull:
            ls._needs_refresh.add(uri)  # the client pulls on edits only: ask it for the saved text's result
        current = ls.current_result(uri)
        if ls.settings.run != "onType" or current is None or current.incremental or ls.scheduler.busy(uri):
            # (On type, a full result for the saved text is already shown: editors that save
            # after every pause would otherwise pay a second full analysis each time.)
            ls.scheduler.schedule(uri, 0)
        if path is not None and kind_of(path) == "python" and FACT_EXTRACTORS:
            doc = ls.open_document(uri)
            if doc is not None:
                asyncio.ensure_future(reindex(ls, path, doc.source, uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CodewardServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.scheduler.cancel(uri)
        ls.clear(uri)
        fs_path = to_fs_path(uri)
        if fs_path:
            asyncio.ensure_future(check_closed(ls, Path(fs_path)))  # back to its workspace diagnostics

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(identifier="codeward", inter_file_dependencies=True, workspace_diagnostics=True))
    async def document_diagnostic(ls: CodewardServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        if not ls.settings.enable or ls.open_document(uri) is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result = ls.current_result(uri) if uri not in ls._outdated else None
        if result is None:
            if ls._snapshot(uri) is None:
                return types.RelatedFullDocumentDiagnosticReport(items=[])
            while result is None:
                if await ls.scheduler.wait_for(uri) is None:  # closed meanwhile
                    return types.RelatedFullDocumentDiagnosticReport(items=[])
                result = ls.current_result(uri) if uri not in ls._outdated else None
        result_id = f"{result.version}:{id(result)}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=result.diagnostics, result_id=result_id)

    # Closed files, for clients that pull workspace diagnostics (see workspace_pull).
    server.feature(types.WORKSPACE_DIAGNOSTIC)(workspace_pull.workspace_diagnostic)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=True),
    )
    def code_action(ls: CodewardServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        result = ls.current_result(params.text_document.uri)
        if result is None:
            return None
        rng = result.positions.range_from_client(params.range)
        open_text = {uri: doc.source for uri, doc in ls.workspace.text_documents.items()}
        caps = ls.client_capabilities.text_document.code_action if ls.client_capabilities.text_document else None
        lazy = bool(caps and caps.resolve_support and "edit" in caps.resolve_support.properties)
        found = actions.actions_for(result, rng, params.context.only, ls.edit_support, ls.root or result.snapshot.config.root, open_text, lazy)
        if not lazy:
            found = [resolve_fix_all(ls, a) if actions.is_fix_all(a) else a for a in found]
            found = [a for a in found if a is not None]
        return found or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: CodewardServer, action: types.CodeAction) -> types.CodeAction:
        loop = asyncio.get_running_loop()
        if actions.is_fix_all(action) and action.edit is None:
            return await loop.run_in_executor(ls.analysis_pool, resolve_fix_all, ls, action) or action
        if action.edit is None and isinstance(action.data, dict) and "secretFix" in action.data:
            return await loop.run_in_executor(ls.analysis_pool, resolve_secret_fix, ls, action) or action
        return action

    @server.command(secret_edits.WRITE_COMMAND)
    async def write_secret_edits(ls: CodewardServer, token: str) -> None:
        """Append a secret-moving fix's ``.env`` line on disk (see ``secret_edits``), off the
        event loop (git is asked whether ``.env`` is ignored), then say where it went; a
        refused write is shown, since the buffer no longer holds the value: the user can
        undo the edit."""
        loop = asyncio.get_running_loop()
        outcomes = await loop.run_in_executor(ls.analysis_pool, secret_edits.PENDING.write, str(token))
        for outcome in outcomes:
            ls.log(f"codeward: {outcome.message}")
        failed = [outcome.message for outcome in outcomes if not outcome.ok]
        if failed:
            ls.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=f"codeward: {failed[0]}. Undo the fix to get the value back, or set it yourself.",
            ))
            return
        pending = secret_edits.PENDING.get(str(token))
        if pending is not None:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=pending.message))

    @server.command(secret_edits.APPLIED_COMMAND)
    def secret_fix_applied(ls: CodewardServer, token: str) -> None:
        """The editor applied a secret-moving WorkspaceEdit: say where the value went and how
        the program loads it (the message never holds the value)."""
        pending = secret_edits.PENDING.get(str(token))
        if pending is not None:
            ls.log(pending.message)
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=pending.message))

    @server.command(actions.SHOW_DOCUMENTATION)
    async def show_rule_documentation(ls: CodewardServer, href: str) -> None:
        """Open a rule's section of docs/rules.md (the code action's command): the checkout's
        file in the editor, the documentation URL in the browser."""
        base = rules_doc_base()
        if base is None or not str(href).startswith(base + "#"):
            return  # only ever our own documentation
        try:
            await ls.window_show_document_async(types.ShowDocumentParams(
                uri=str(href), take_focus=True, external=not base.startswith("file:"),
            ))
        except Exception as exc:
            ls.log(f"codeward: cannot open the rule documentation ({exc}); see {href}", types.MessageType.Warning)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: CodewardServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        """The route's security checklist (auth, ownership, inputs, findings) above each
        handler, from the cached analysis of the version the editor shows."""
        result = ls.current_result(params.text_document.uri)
        if result is None or result.doc.tree is None:
            return None
        try:
            summaries = summaries_for(result.doc, result.snapshot.project, result.snapshot.config)
        except Exception as exc:  # a lens is a convenience: never fail the request over it
            ls.log(f"codeward: route summary failed: {type(exc).__name__}: {exc}", types.MessageType.Error, once=("lens", str(exc)))
            return None
        return [
            types.CodeLens(range=result.positions.range_to_client(_above_decorators(result, rng)), command=types.Command(title=text, command=""))
            for rng, text in summaries
        ]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CodewardServer, params: types.HoverParams) -> types.Hover | None:
        result = ls.current_result(params.text_document.uri)
        if result is None:
            return None
        position = result.positions.position_from_client(params.position)
        under = [f for f in result.findings if f.range.start <= position <= f.range.end]
        text = hover_text(under, all_rules())
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CodewardServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("codeward"), dict):
            ls.apply_settings(settings)
        elif ls.configuration_support:
            await ls.pull_settings()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CodewardServer, params: types.DidChangeWatchedFilesParams) -> None:
        config_changed = False
        for change in params.changes:
            fs_path = to_fs_path(change.uri)
            if not fs_path:
                continue
            path = Path(fs_path)
            if path.name == "pyproject.toml":
                config_changed = True
            elif ls.open_document(change.uri) is None:
                if kind_of(path) == "python" and FACT_EXTRACTORS:
                    asyncio.ensure_future(reindex(ls, path, None, None))
                asyncio.ensure_future(check_closed(ls, path))
        if config_changed:
            ls.config_changed()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CodewardServer, params: None) -> None:
        if ls._index_task is not None:
            ls._index_task.cancel()
        ls.analysis_pool.shutdown(wait=False, cancel_futures=True)
        ls.index_pool.shutdown(wait=False, cancel_futures=True)
        ls.slow_pool.shutdown(wait=False, cancel_futures=True)

    # What the first analysis would pay for itself, paid while the client shakes hands.
    server.analysis_pool.submit(warmup.load_engine, server.scheduler.analysing)
    return server


def resolve_fix_all(ls: CodewardServer, action: types.CodeAction) -> types.CodeAction | None:
    """Apply every safe fix in rounds and express the result as one minimal edit."""
    data = action.data if isinstance(action.data, dict) else {}
    result = ls.results.get(str(data.get("uri")))
    if result is None or result.version != data.get("version"):
        return None
    snapshot = result.snapshot
    outcome = fix_document(result.doc, snapshot.config, snapshot.project, include_unsafe=False, relative_path=snapshot.relative)
    if outcome.text == snapshot.text:
        return None
    positions = ClientPositions(snapshot.text, snapshot.codec, result.doc.lines)
    edit = actions.minimal_edit(positions, snapshot.text, outcome.text)
    root = ls.root or snapshot.config.root
    command = None
    others: list = []
    if outcome.file_edits and root is not None:
        # The secrets' .gitignore/.env changes travel like a quick fix's (see secret_edits).
        plan = secret_edits.secret_changes(outcome.file_edits, " ".join(outcome.notes), Path(root),
                                           ls.edit_support.creates_files, {}, snapshot.codec, fresh=True)
        if plan.refused is not None:
            ls.log(f"codeward: fix-all left the secrets in place: {plan.refused}", types.MessageType.Warning)
            return None
        others, command = plan.changes, plan.command
    return types.CodeAction(
        title=action.title, kind=action.kind, data=action.data,
        edit=actions.workspace_edit(result, [edit], ls.edit_support, others), command=command,
    )


def resolve_secret_fix(ls: CodewardServer, action: types.CodeAction) -> types.CodeAction | None:
    """The WorkspaceEdit of a secret-moving quick fix the user picked (see ``secret_edits``);
    git is asked afresh whether ``.env`` is tracked. A refused destination is shown."""
    data = action.data if isinstance(action.data, dict) else {}
    result = ls.results.get(str(data.get("uri")))
    finding = actions.secret_fix_target(result, data) if result is not None else None
    root = ls.root or (result.snapshot.config.root if result is not None else None)
    if result is None or finding is None or root is None:
        return None
    open_text = {uri: doc.source for uri, doc in ls.workspace.text_documents.items()}
    diagnostic = action.diagnostics[0] if action.diagnostics else None
    resolved = actions.secret_fix(result, finding, diagnostic, action.title, ls.edit_support, Path(root), open_text, fresh=True)
    if resolved is None:
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning,
            message="codeward: the secret was not moved: .env cannot receive it safely (a symlink, not a regular file, or tracked by git).",
        ))
    return resolved


class _NormalTraffic(logging.Filter):
    """Drops pygls's warning for a ``$/cancelRequest`` of a request already answered: editors
    cancel every superseded request (several per typed line) and it is not a problem; VS Code
    showed each one as an error in the output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Cancel notification for unknown message id")


def configure_logging() -> None:
    """Warnings and errors to stderr (the editor's output panel), without normal traffic."""
    logging.basicConfig(level=logging.WARNING, format="codeward-lsp %(levelname)s %(message)s")
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_NormalTraffic())


def serve() -> None:
    """Run the language server on stdin/stdout until the client says exit."""
    configure_logging()
    tune_gc()
    start_io(create_server())  # pygls's loop, hardened against malformed input (see transport)


def tune_gc() -> None:
    """Collect cycles less often: syntax trees are hundreds of thousands of small objects, and
    with the default thresholds a collection ran every few hundred allocations while parsing
    (a 10,000-line buffer parsed in 150–260 ms instead of 100 ms, and every third analysis
    paid for a full collection). The analyses make few cycles, so memory stays flat.

    Frozen without a collection first: the imports leave a few dozen objects of garbage
    (21 when measured), and finding them cost 48 ms of CPU before ``initialize`` could be
    answered."""
    gc.freeze()  # the server's own modules and tables: never scanned again
    gc.set_threshold(50_000, 20, 100)
