"""The server's incremental path: a fast result for an edit inside a definition, confirmed by
a full analysis once the user pauses, and code actions that work on either."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codeward.server.lsp import server as server_module

from .inprocess import InProcessClient

CAPABILITIES = {
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"versionSupport": True},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}},
    },
    "workspace": {"configuration": True},
    "general": {"positionEncodings": ["utf-16"]},
}
TEXT = '''import requests


def fetch(url):
    return requests.get(url, verify=False)


def total(values):
    result = 0

    return result
'''
#: The blank line inside ``total``, far from the finding in ``fetch``.
BODY_LINE = 9


@pytest.fixture
def quick_confirmation(monkeypatch):
    monkeypatch.setattr(server_module, "CONFIRM_DELAY", 0.05)


async def opened(client: InProcessClient, root: Path) -> tuple[str, list[dict]]:
    """Open the document once the workspace index is built (a new index version is a
    change of project facts, which always takes the full analysis)."""
    await client.initialize(root, CAPABILITIES, {"debounce": 0})
    await client.until(lambda: client.server._index_task is not None and client.server._index_task.done())
    uri = client.open(root / "app.py", TEXT)
    return uri, await client.published_version(uri, 1)


async def test_an_edit_in_a_body_is_answered_incrementally_then_confirmed(tmp_path: Path, quick_confirmation) -> None:
    client = InProcessClient()
    uri, first = await opened(client, tmp_path)
    assert [d["code"] for d in first] == ["CW502"]
    assert not client.server.results[uri].incremental  # opening a document is a full analysis

    client.change(uri, 2, BODY_LINE, "    result += 1\n")
    fast = await client.published_version(uri, 2)
    assert client.server.results[uri].incremental
    assert fast == first  # the finding in fetch() was carried over, not lost

    for _ in range(200):  # the confirmation sends nothing when it agrees: poll for it
        if not client.server.results[uri].incremental:
            break
        await asyncio.sleep(0.05)
    confirmed = client.server.results[uri]
    assert confirmed.version == 2 and [d.code for d in confirmed.diagnostics] == ["CW502"]
    # The confirmation agreed, so nothing was published again for that version.
    assert sum(1 for version, _ in client.published[uri] if version == 2) == 1
    await client.shutdown()


async def test_code_actions_work_on_an_incremental_result(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(server_module, "CONFIRM_DELAY", 60)  # no confirmation during the test
    client = InProcessClient()
    uri, _ = await opened(client, tmp_path)
    client.change(uri, 2, BODY_LINE, "    result += 2\n")
    diagnostics = await client.published_version(uri, 2)
    assert client.server.results[uri].incremental and client.server.results[uri].parsed is None
    actions = await client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri},
        "range": diagnostics[0]["range"],
        "context": {"diagnostics": diagnostics},
    })
    titles = [a["title"] for a in actions or []]
    assert any("verif" in t.lower() for t in titles), titles  # the TLS quick fix
    assert any(t == "codeward (CW502): Suppress on this line" for t in titles), titles
    await client.shutdown()


async def test_saving_keeps_the_fast_path_and_does_not_analyse_again(tmp_path: Path, quick_confirmation) -> None:
    """Editors that save after every pause: the save re-indexes the file, but neither ends
    the incremental path nor costs a second full analysis of text already analysed."""
    client = InProcessClient()
    uri, _ = await opened(client, tmp_path)
    client.change(uri, 2, BODY_LINE, "    result += 1\n")
    await client.published_version(uri, 2)
    for _ in range(200):
        if not client.server.results[uri].incremental:
            break
        await asyncio.sleep(0.05)
    confirmed = client.server.results[uri]
    (tmp_path / "app.py").write_text(TEXT.replace("    result = 0\n", "    result = 0\n    result += 1\n"))
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    await asyncio.sleep(0.3)  # the re-index runs in the background
    assert client.server.results[uri] is confirmed  # no new analysis of the same text
    client.change(uri, 3, BODY_LINE + 1, "    result += 2\n")
    await client.published_version(uri, 3)
    assert client.server.results[uri].incremental
    await client.shutdown()
