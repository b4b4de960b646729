"""Memory stays flat while a document is edited: nothing is kept per edit or per version.

The server runs in this process (see ``inprocess.py``) so ``tracemalloc`` sees it. Before
the fix, pygls kept one finished future per notification, about 2.4 KB per edit.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from .inprocess import InProcessClient

CAPABILITIES = {
    "textDocument": {"synchronization": {"didSave": True}, "publishDiagnostics": {"versionSupport": True}},
    "workspace": {"configuration": True},
    "general": {"positionEncodings": ["utf-16"]},
}
TEXT = '''import sqlite3

import requests


def lookup(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id FROM users WHERE name = '" + name + "'")

    return requests.get("https://example.org", verify=False)
'''
#: The blank line inside ``lookup``: a space is inserted there and deleted again.
TARGET = 8
EDITS = 400
#: Edits of a broken buffer, each analysed in full.
ANALYSED_EDITS = 10
#: Retained bytes allowed per edit: noise is a few KB in total, the old leak 2.4 KB per edit.
BYTES_PER_EDIT = 100


class Typist:
    def __init__(self, client: InProcessClient, uri: str, line: int = TARGET) -> None:
        self.client = client
        self.uri = uri
        self.line = line
        self.version = 1

    async def type(self, edits: int) -> None:
        """``edits`` edits sent without waiting (as a fast typist does), then the last
        version's diagnostics awaited, so no analysis is left in flight."""
        for _ in range(edits):
            self.version += 1
            self.client.change(self.uri, self.version, self.line, " " if self.version % 2 == 0 else "")
        await self.client.published_version(self.uri, self.version)
        self.client.published.clear()  # the test client's own record is not the server's memory


def retained() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def test_memory_is_flat_over_many_edits(tmp_path: Path) -> None:
    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    uri = client.open(tmp_path / "app.py", TEXT)
    codes = sorted(d["code"] for d in await client.published_version(uri, 1))
    assert codes == ["CW101", "CW502"], codes  # the analysis really runs on every version (`lookup` has no caller)
    typist = Typist(client, uri)
    tracemalloc.start()
    try:
        await typist.type(100)  # caches and the first results are allocated while traced
        before = retained()
        await typist.type(EDITS)
        growth = retained() - before
    finally:
        tracemalloc.stop()
        await client.shutdown()
    assert growth < EDITS * BYTES_PER_EDIT, f"{growth} bytes retained over {EDITS} edits"
    assert len(client.server.protocol._request_futures) <= 1  # at most the shutdown request


BROKEN = TEXT * 5 + "\n\ndef unfinished(:\n    values = (1,\n"


@pytest.mark.parametrize(("text", "line"), [
    pytest.param(TEXT, TARGET, id="valid-incremental"),
    pytest.param(BROKEN, BROKEN.count("\n") - 1, id="broken-full-reparse"),  # edits in the broken definition
])
async def test_edits_leave_no_cyclic_garbage(text: str, line: int, tmp_path: Path) -> None:
    """The server runs the cyclic GC rarely (``tune_gc``), so anything an edit leaves in
    reference cycles stays in memory until then: syntax trees of a broken buffer's parse did
    (parso links each node to its parent), thousands of objects per edit."""
    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    uri = client.open(tmp_path / "app.py", text)
    await client.published_version(uri, 1)
    typist = Typist(client, uri, line)
    await typist.type(5)
    gc.collect()
    gc.disable()
    try:
        for _ in range(ANALYSED_EDITS):
            await typist.type(1)  # each edit analysed
        garbage = gc.collect()
    finally:
        gc.enable()
        await client.shutdown()
    assert garbage < 10 * ANALYSED_EDITS, f"{garbage} objects in reference cycles after {ANALYSED_EDITS} edits"


async def test_workspace_scans_leave_no_progress_tokens(tmp_path: Path) -> None:
    """Each scan (at start, and again on every pyproject.toml change with workspace
    diagnostics on) reports progress; pygls would keep every token forever."""
    (tmp_path / "closed.py").write_text(TEXT)
    client = InProcessClient()
    client.configuration = {"workspaceDiagnostics": True}  # what workspace/configuration answers
    await client.initialize(tmp_path, {**CAPABILITIES, "window": {"workDoneProgress": True}}, client.configuration)
    try:
        server = client.server
        for _ in range(2):
            await client.until(lambda: server._index_task is not None and server._index_task.done())
            assert any(str(m).startswith("checked") for m in client.progress_ends), client.progress_ends
            assert server.work_done_progress.tokens == {}
            client.progress_ends.clear()
            (tmp_path / "pyproject.toml").write_text("[tool.codeward]\n")
            client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": (tmp_path / "pyproject.toml").as_uri(), "type": 1}]})
            await client.until(lambda: not server._index_task.done())
    finally:
        await client.shutdown()
