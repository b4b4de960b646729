"""Random edit sequences never crash the server, and it always sees the client's text.

Each example opens a document and sends random incremental edits (unterminated strings and
brackets, non-ASCII and astral characters, CRLF, form feeds, deleting everything, a huge
line). The server's diagnostics for the final version must equal the engine's findings on
the client's own copy of the text, converted by this test's independent position code:
any divergence in text sync or position conversion shows up as a different range.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.source import SourceDoc

from .session import start_session, stop_session
from .textmodel import position_of

SEED = (
    "import requests\n"
    'requests.get("https://é.example/😀", verify=False)\r\n'
    "def f(x):\n"
    "    return requests.post(x, verify=False)\n"
)
#: Several definitions, so that edits inside one take the incremental path (only the
#: definitions an edit reaches are re-checked) and the rest are carried over.
SEED_DEFINITIONS = (
    "import sqlite3\n"
    "import requests\n"
    "from flask import Flask, request\n"
    "app = Flask(__name__)\n"
    "\n"
    "def fetch(url):\n"
    "    return requests.get(url, verify=False)\n"
    "\n"
    "@app.route('/u')\n"
    "def users():\n"
    "    name = request.args['name']\n"
    "    db = sqlite3.connect('a.db')\n"
    "    return str(db.execute(f\"SELECT * FROM u WHERE n = '{name}'\").fetchall())\n"
    "\n"
    "def total(values):\n"
    "    s = 0\n"
    "    for v in values:\n"
    "        s += v\n"
    "    return s\n"
)
PIECES = [
    '"', "'", '"""', "(", ")", "[", "{", "\n", "\r\n", "\t", "é", "😀", "𝔘", "中文", "\x0c", "\u2028",
    "requests.get(u, verify=False)\n", ", verify=False", "import requests\n", "def g(:\n", "#", "\\",
    "x" * 5000,
]
COUNTER = itertools.count()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    loop = asyncio.new_event_loop()
    root = tmp_path_factory.mktemp("prop")
    sessions = [
        loop.run_until_complete(start_session(profile, root, init_options={"debounce": 0}))
        for profile in ("visual_studio_code", "neovim")
    ]
    yield loop, sessions
    for session in sessions:
        loop.run_until_complete(stop_session(session))
    loop.close()


edit = st.tuples(
    st.floats(0, 1), st.floats(0, 1),
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6), st.just("")),
)
batch = st.lists(edit, min_size=1, max_size=3)


def _snap(text: str, offset: int) -> int:
    return offset - 1 if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n" else offset


def _expected(text: str, encoding: str) -> list[tuple]:
    doc = SourceDoc(text, "doc.py", "python", "doc")
    found = analyze(doc, Config()).findings
    return sorted(
        (f.code, position_of(text, doc.lines.offset(f.range.start), encoding), position_of(text, doc.lines.offset(f.range.end), encoding))
        for f in found
    )


async def _scenario(session, batches: list[list[tuple]], wipe: bool, seed: str = SEED) -> None:
    uri = session.open(f"prop{next(COUNTER)}.py", seed)
    text = seed
    for changes in ([[(0.0, 1.0, "")]] if wipe else []) + batches:
        events = []
        for a, b, piece in changes:
            start, end = sorted((_snap(text, int(a * len(text))), _snap(text, int(b * len(text)))))
            enc = session.encoding
            events.append(types.TextDocumentContentChangePartial(
                range=types.Range(start=position_of(text, start, enc), end=position_of(text, end, enc)), text=piece))
            text = text[:start] + piece + text[end:]
        session.change(uri, events, text)
    got = sorted((d.code, d.range.start, d.range.end) for d in await session.diagnostics(uri))
    assert got == _expected(text, session.encoding)
    session.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(batch, min_size=1, max_size=6), wipe=st.booleans(), seed=st.sampled_from([SEED, SEED_DEFINITIONS]))
def test_random_edits_keep_server_and_client_text_equal(servers, batches, wipe, seed) -> None:
    loop, sessions = servers
    for session in sessions:
        loop.run_until_complete(_scenario(session, batches, wipe, seed))
