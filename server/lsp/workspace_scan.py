"""Background work over the whole workspace: the project index and workspace diagnostics.

Runs on its own worker thread so open documents keep being analysed meanwhile, reports
``$/progress`` when the client supports it, and stops when the user cancels the progress.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from codeward.checks.engine import analyze
from codeward.checks.files import kind_of, kinds_to_read
from codeward.checks.project import FACT_EXTRACTORS, module_name_for
from codeward.checks.registry import all_rules
from codeward.checks.source import SourceDoc

from .diagnostics import not_analysed_diagnostic, to_diagnostic
from .positions import ClientPositions
from .settings import effective_config
from .workspace import file_uri, load, relative_to

if TYPE_CHECKING:
    from .server import CodewardServer

_TOKENS = itertools.count(1)  # $/progress ids


class _Progress:
    """``$/progress`` for one piece of work, a no-op when the client cannot show it."""

    def __init__(self, ls: "CodewardServer", title: str) -> None:
        self.ls = ls
        self.title = title
        self.token = f"codeward-{next(_TOKENS)}"
        caps = ls.client_capabilities.window
        self.enabled = bool(caps and caps.work_done_progress)
        self.loop = asyncio.get_running_loop()

    async def begin(self) -> None:
        if not self.enabled:
            return
        try:
            await self.ls.work_done_progress.create_async(self.token)
        except Exception:
            self.enabled = False
            return
        self.ls.work_done_progress.begin(self.token, types.WorkDoneProgressBegin(title=self.title, cancellable=True, percentage=0))

    def cancelled(self) -> bool:
        future = self.ls.work_done_progress.tokens.get(self.token) if self.enabled else None
        return bool(future is not None and future.cancelled())

    def report_from_thread(self, done: int, total: int) -> None:
        if self.enabled:
            value = types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=int(100 * done / max(total, 1)))
            self.loop.call_soon_threadsafe(self.ls.work_done_progress.report, self.token, value)

    def end(self, message: str) -> None:
        if self.enabled:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
            # pygls keeps every token's cancellation future forever (pygls issue #607); scans
            # run again on each pyproject.toml change, so drop ours when it ends.
            self.ls.work_done_progress.tokens.pop(self.token, None)


async def run_workspace_scan(ls: "CodewardServer") -> None:
    root = ls.root
    if root is None or not root.is_dir():
        return
    loop = asyncio.get_running_loop()
    base, _ = ls.configs.base_config(root / "pyproject.toml")
    config, _ = effective_config(base, ls.settings)
    kinds = kinds_to_read(frozenset(k for r in all_rules().values() for k in r.kinds if config.is_enabled(r.code)))
    progress = _Progress(ls, "codeward: indexing the workspace")
    await progress.begin()
    paths = await loop.run_in_executor(ls.index_pool, ls.workspace_index.workspace_files, config, kinds)
    for skipped in ls.workspace_index.skipped:
        ls.log(f"codeward: {skipped.path} is not analysed: {skipped.reason}", types.MessageType.Warning)
    to_index = [p for p in paths if kind_of(p) == "python"] if FACT_EXTRACTORS else []
    completed = await loop.run_in_executor(ls.index_pool, ls.workspace_index.build, to_index, config, progress.cancelled, progress.report_from_thread)
    if not completed:
        progress.end("cancelled")
        ls.log("codeward: workspace indexing cancelled; rules that need other files see only what was indexed")
        return
    progress.end(f"indexed {len(to_index)} files")
    ls.log(f"codeward: indexed {len(to_index)} of {len(paths)} workspace files")
    readers = [uri for uri, result in ls.results.items() if result.used_facts]
    if readers:
        ls.recheck(readers)  # they ran against a partial index
    if ls.settings.workspace_diagnostics and ls.settings.enable:
        ls.workspace_reports.scanned = {uri for uri in map(file_uri, paths) if uri is not None}
        scan = _Progress(ls, "codeward: checking the workspace")
        await scan.begin()
        done = await loop.run_in_executor(ls.index_pool, _publish_closed_files, ls, paths, scan, loop)
        scan.end(f"checked {done} files")


def _publish_closed_files(ls: "CodewardServer", paths: list[Path], progress: _Progress, loop: asyncio.AbstractEventLoop) -> int:
    """Worker thread: analyse files that are not open and publish their diagnostics."""
    done = 0
    for number, path in enumerate(paths, 1):
        if progress.cancelled() or not ls.settings.workspace_diagnostics:
            break
        checked = _check_closed_file(ls, path)
        if checked is None:
            continue
        loop.call_soon_threadsafe(_publish_closed, ls, *checked)
        done += 1
        progress.report_from_thread(number, len(paths))
    return done


def _check_closed_file(ls: "CodewardServer", path: Path) -> tuple[str, list[types.Diagnostic]] | None:
    """Worker thread: the diagnostics of a file as it is on disk, unless it is open."""
    uri = file_uri(path)
    if uri is None or uri in ls.workspace.text_documents:
        return None
    base, _ = ls.configs.base_config(path)
    config, _ = effective_config(base, ls.settings)
    doc = load(path, config, ls.root, ls.settings.interpreter)
    if doc is None:
        return None
    analysis = analyze(doc, config, ls.workspace_index.index if FACT_EXTRACTORS else None, doc.path)
    positions = ClientPositions(doc.text, ls.workspace.position_codec, doc.lines)
    rules = all_rules()
    diagnostics = [to_diagnostic(f, positions, uri, rules, ls.related_support, ls.root) for f in analysis.findings]
    if analysis.not_analysed:
        diagnostics.append(not_analysed_diagnostic(analysis.not_analysed))
    return uri, diagnostics


def _publish_closed(ls: "CodewardServer", uri: str, diagnostics: list[types.Diagnostic], force: bool = False) -> None:
    """Push a closed file's diagnostics, or keep them for ``workspace/diagnostic`` when the
    client pulls those (see workspace_pull); ``force`` tells a waiting pull even if unchanged."""
    if uri in ls.workspace.text_documents:
        return  # opened meanwhile: the open document's own diagnostics win
    if ls.pull:
        ls.workspace_reports.put(uri, diagnostics, force)
        if ls.workspace_reports.active:
            return
    ls._published_closed.add(uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


async def check_closed(ls: "CodewardServer", path: Path) -> None:
    """Workspace diagnostics of one closed file again (it was just closed, or changed on
    disk); a deleted file's are withdrawn."""
    uri = file_uri(path)
    if not (ls.settings.workspace_diagnostics and ls.settings.enable) or uri not in ls.workspace_reports.scanned:
        return  # files the scan skipped (excluded, ignored, created since) stay out
    if uri in ls.workspace.text_documents:
        return
    if not path.is_file():
        ls.workspace_reports.remove(uri)
        if uri in ls._published_closed:
            ls._published_closed.discard(uri)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        return
    checked = await asyncio.get_running_loop().run_in_executor(ls.index_pool, _check_closed_file, ls, path)
    if checked is not None:
        _publish_closed(ls, *checked, force=True)


def _dependents(ls: "CodewardServer", changed: set[str], except_uri: str | None) -> list[str]:
    """Open documents whose last analysis read one of the ``changed`` facts."""
    if not changed:
        return []
    return [
        uri for uri, result in ls.results.items()
        if uri != except_uri and ("*" in result.used_facts or result.used_facts & changed)
    ]


async def reindex(ls: "CodewardServer", path: Path, text: str | None, except_uri: str | None) -> None:
    """Re-index one file (its saved buffer text, or the disk when ``text`` is None) on the
    index thread, so it queues behind a running workspace build instead of racing it, then
    re-check the open documents that read a fact that changed."""
    loop = asyncio.get_running_loop()
    changed = await loop.run_in_executor(ls.index_pool, _reindex, ls, path, text)
    dependents = _dependents(ls, changed, except_uri)
    if dependents:
        ls.log(f"codeward: facts of {relative_to(path, ls.root)} changed ({', '.join(sorted(changed))}); re-checking {len(dependents)} open file(s)")
        ls.recheck(dependents)


def _reindex(ls: "CodewardServer", path: Path, text: str | None) -> set[str]:
    if text is None:
        if not path.is_file():
            return ls.workspace_index.remove(path)
        base, _ = ls.configs.base_config(path)
        doc = load(path, base, ls.root)
    else:
        doc = SourceDoc(text, relative_to(path, ls.root), "python", module_name_for(path, ls.root), ls.root)
    return ls.workspace_index.update(path, doc) if doc is not None else set()
