"""End to end through the real server process, as VS Code and as Neovim."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .session import VULNERABLE
from .textmodel import position_of


pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_open_reports_finding_with_rule_details(session) -> None:
    uri = session.open("app.py", VULNERABLE)
    [diag] = await session.diagnostics(uri)
    assert diag.code == "CW502"
    assert diag.source == "codeward"
    assert diag.severity == types.DiagnosticSeverity.Error
    assert "verification is disabled" in diag.message
    start = VULNERABLE.index("verify=False")
    assert diag.range.start == position_of(VULNERABLE, start, session.encoding)
    assert diag.range.end == position_of(VULNERABLE, start + len("verify=False"), session.encoding)
    hover = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=diag.range.start))
    assert hover is not None
    text = hover.contents.value
    assert "## Why is this bad" not in text and len(text.splitlines()) <= 6, "a hover is a summary, not the documentation"
    assert diag.message in text and "Fix: Remove the argument" in text
    assert diag.code_description is not None
    href = diag.code_description.href
    assert "/docs/rules.md#cw502-" in href and href in text, "the full documentation is a link away"
    assert "CWE-" not in diag.message and href.split("#cw502-")[1] not in diag.message, "no rule name or CWE in the Problems text"


async def test_incremental_edits_update_diagnostics_for_the_new_version(session) -> None:
    uri = session.open("app.py", VULNERABLE)
    assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]
    line = VULNERABLE.splitlines()[2]
    col = line.index(", verify=False")
    new_text = VULNERABLE.replace(", verify=False", "")
    session.change(uri, [types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=2, character=col), end=types.Position(line=2, character=col + len(", verify=False"))),
        text="",
    )], new_text)
    assert await session.diagnostics(uri) == []
    # typing it back, one character at a time, ends with the finding again
    for index, char in enumerate(", verify=False"):
        session.change(uri, [types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=2, character=col + index), end=types.Position(line=2, character=col + index)),
            text=char,
        )], None)
    session.texts[uri] = VULNERABLE
    assert [d.code for d in await session.diagnostics(uri)] == ["CW502"]


async def test_emoji_line_positions_use_the_negotiated_encoding(session) -> None:
    text = 'import requests\nrequests.get("https://😀.example", verify=False)\n'
    uri = session.open("emoji.py", text)
    [diag] = await session.diagnostics(uri)
    start = text.index("verify=False")
    expected = position_of(text, start, session.encoding)
    assert diag.range.start == expected
    # UTF-8 counts the emoji as 4 units, UTF-16 as 2: the two profiles really differ
    assert expected.character == text.splitlines()[1].index("verify") + (3 if session.encoding == "utf-8" else 1)


async def test_too_big_buffer_is_reported_once_and_not_analysed(session) -> None:
    folder = session.root / f"{session.prefix}_limited"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.codeward]\nmax-file-size = 200\n")
    uri = session.open("limited/big.py", VULNERABLE * 10)
    await session.log_containing("big.py is not analysed")
    uri2 = session.open("limited/small.py", VULNERABLE)
    assert [d.code for d in await session.diagnostics(uri2)] == ["CW502"]
    assert uri not in session.client.published
    session.replace_all(uri, VULNERABLE * 11)
    session.replace_all(uri2, VULNERABLE + "\n")
    await session.diagnostics(uri2)
    assert len([m for m in session.client.log_messages if "big.py is not analysed" in m.message]) == 1
    if session.pull:
        report = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        assert list(report.items) == []


async def test_form_feed_and_line_separator_do_not_split_lines(session) -> None:
    """Editors split lines only at \\n, \\r\\n and \\r; an edit below a form feed must land
    on the editor's line (pygls's own splitting put it one line too high)."""
    text = 'import requests\n\x0c\nx = "\u2028"\nrequests.get(u)\n'
    uri = session.open("ff.py", text)
    assert await session.diagnostics(uri) == []
    line = 3
    col = len("requests.get(u")
    new_text = text.replace("get(u)", "get(u, verify=False)")
    session.change(uri, [types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=line, character=col), end=types.Position(line=line, character=col)),
        text=", verify=False")], new_text)
    [diag] = await session.diagnostics(uri)
    assert diag.range.start == position_of(new_text, new_text.index("verify"), session.encoding)
