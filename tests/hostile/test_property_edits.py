"""Random edits with lone surrogates and mixed line endings: the server never crashes, never
drops the findings, and always shows the engine's findings for the client's text.

Each example opens a document and sends random incremental edits drawn from lone surrogates
(as a JSON client sends ``"\\ud800"``), ``\\r``, ``\\n``, ``\\r\\n``, line and paragraph
separators, half-typed code and vulnerable statements; the diagnostics of the last version
must be the engine's findings on the client's own copy of the text (codes and lines).
"""

from __future__ import annotations

import asyncio
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.source import SourceDoc

from .shapes import CAPABILITIES

SEED = (
    "import requests\n"
    "\n"
    "def fetch(url):\n"
    '    return requests.get(url, verify=False)\r\n'
    "\n"
    'requests.post("https://example.org", verify=False)\n'
)
PIECES = [
    "\ud800", "\udfff", "\udc80x", "\r", "\n", "\r\n", "\n\r", "\u2028", "\u2029", "\x0c", '"', "'", "(", ")",
    "# comment \ud83d\n", "requests.get(u, verify=False)\n", '"\udbff"', "def g(:\n", "😀",
]
COUNTER = itertools.count()
_LINE_END = re.compile(r"\r\n|\r|\n")


def _position(text: str, offset: int) -> dict[str, int]:
    """The LSP position (UTF-16) of ``offset``, computed independently of the server."""
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    line = max(i for i, start in enumerate(starts) if start <= offset)
    units = len(text[starts[line] : offset].encode("utf-16-le", "surrogatepass")) // 2
    return {"line": line, "character": units}


def _snap(text: str, offset: int) -> int:
    return offset - 1 if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n" else offset


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from lsp.inprocess import InProcessClient

    async def start() -> InProcessClient:
        # Made inside the loop that runs it: a server built outside any running loop binds its
        # tasks to another one on Python 3.12+, and no diagnostics ever arrive.
        started = InProcessClient()
        await started.initialize(root, CAPABILITIES, {"debounce": 0})
        return started

    loop = asyncio.new_event_loop()
    root = tmp_path_factory.mktemp("surrogates")
    client = loop.run_until_complete(start())
    yield loop, client, root
    loop.run_until_complete(client.shutdown())
    loop.close()


edit = st.tuples(st.floats(0, 1), st.floats(0, 1), st.one_of(st.sampled_from(PIECES), st.just("")))


async def _scenario(client, root: Path, edits: list[tuple[float, float, str]]) -> None:
    uri = client.open(root / f"edit{next(COUNTER)}.py", SEED)
    await client.published_version(uri, 1)
    text, version = SEED, 1
    for a, b, piece in edits:
        start, end = sorted((_snap(text, int(a * len(text))), _snap(text, int(b * len(text)))))
        version += 1
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": _position(text, start), "end": _position(text, end)}, "text": piece}],
        })
        text = text[:start] + piece + text[end:]
    published = await client.published_version(uri, version)
    got = sorted((d["code"], d["range"]["start"]["line"]) for d in published if d["code"] != "not-analysed")
    expected = sorted((f.code, f.range.start.line) for f in analyze(SourceDoc(text, "doc.py", "python", "doc"), Config()).findings)
    assert got == expected
    assert not [line for line in client.logs if "internal error" in line]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(edit, min_size=1, max_size=8))
def test_random_edits_with_surrogates_and_line_ends(server, edits) -> None:
    loop, client, root = server
    loop.run_until_complete(_scenario(client, root, edits))


def test_surrogates_never_drop_findings() -> None:
    """Inserting a lone surrogate into a comment or a string keeps every finding."""
    base = analyze(SourceDoc(SEED, "doc.py", "python", "doc"), Config()).findings
    for surrogate in ("\ud800", "\udfff"):
        text = SEED.replace("import requests\n", f"import requests  # {surrogate}\n").replace('"https://', f'"{surrogate}https://')
        found = analyze(SourceDoc(text, "doc.py", "python", "doc"), Config()).findings
        assert [(f.code, f.range.start.line) for f in found] == [(f.code, f.range.start.line) for f in base]
