"""Quick fixes, fix-all and suppressions, applied the way an editor applies them."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .session import VULNERABLE

TWO_FINDINGS = (
    "import requests\n"
    "from flask import Flask\n\n"
    "app = Flask(__name__)\n"
    "app.debug = True\n"
    'requests.get("https://a.example", verify=False)\n'
    'requests.post("https://b.example", verify=False)\n'
)


pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_quick_fix_removes_the_finding(session) -> None:
    uri = session.open("app.py", VULNERABLE)
    [diag] = await session.diagnostics(uri)
    actions = await session.code_actions(uri, diag.range, diagnostics=[diag])
    [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    assert "(unsafe)" not in fix.title
    assert fix.edit is not None and fix.edit.document_changes, "edits are versioned TextDocumentEdits"
    new_text = session.apply(uri, fix.edit)
    assert "verify" not in new_text
    assert await session.diagnostics(uri) == []


async def test_unsafe_fix_is_marked_and_not_preferred(session) -> None:
    uri = session.open("app.py", TWO_FINDINGS)
    diags = await session.diagnostics(uri)
    debug = next(d for d in diags if d.code == "CW501")
    actions = await session.code_actions(uri, debug.range, only=[types.CodeActionKind.QuickFix])
    fixes = [a for a in actions if not a.title.startswith("Suppress")]
    assert [a.title.endswith("(unsafe)") for a in fixes] == [True]
    assert not fixes[0].is_preferred
    session.apply(uri, fixes[0].edit)
    assert "CW501" not in [d.code for d in await session.diagnostics(uri)]


async def test_code_actions_need_no_diagnostics_in_the_context(session) -> None:
    uri = session.open("app.py", VULNERABLE)
    [diag] = await session.diagnostics(uri)
    cursor = types.Range(start=diag.range.start, end=diag.range.start)
    actions = await session.code_actions(uri, cursor)
    assert any(a.is_preferred for a in actions)


async def test_fix_all_applies_only_safe_fixes(session) -> None:
    uri = session.open("app.py", TWO_FINDINGS)
    assert sorted(d.code for d in await session.diagnostics(uri)) == ["CW501", "CW502", "CW502"]
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    actions = await session.code_actions(uri, whole, only=["source.fixAll"])
    [fix_all] = actions
    assert fix_all.kind == "source.fixAll.codeward"
    if fix_all.edit is None:
        fix_all = await session.client.code_action_resolve_async(fix_all)
    assert fix_all.edit is not None
    session.apply(uri, fix_all.edit)
    assert [d.code for d in await session.diagnostics(uri)] == ["CW501"], "the unsafe fix is not part of fix-all"


async def test_suppress_adds_then_merges_the_comment(session) -> None:
    uri = session.open("app.py", 'import requests\nrequests.get("https://a.example", verify=False)  # codeward: ignore[CW501]\n')
    [diag] = [d for d in await session.diagnostics(uri) if d.code == "CW502"]
    actions = await session.code_actions(uri, diag.range)
    [suppress] = [a for a in actions if a.title == "Suppress CW502 on this line"]
    new_text = session.apply(uri, suppress.edit)
    assert new_text.splitlines()[1].endswith("# codeward: ignore[CW501, CW502]")
    assert [d.code for d in await session.diagnostics(uri)] == ["CW003"]  # CW501 suppresses nothing here

    uri2 = session.open("other.py", VULNERABLE)
    [diag] = await session.diagnostics(uri2)
    [suppress] = [a for a in await session.code_actions(uri2, diag.range) if a.title.startswith("Suppress")]
    assert session.apply(uri2, suppress.edit).splitlines()[2].endswith('verify=False)  # codeward: ignore[CW502]')
    assert await session.diagnostics(uri2) == []


async def test_no_suppression_inside_a_multiline_string(session) -> None:
    text = 'import requests\nrequests.post("https://a.example", verify=False, data="""\nbody\n""")\n'
    uri = session.open("app.py", text)
    [diag] = await session.diagnostics(uri)
    actions = await session.code_actions(uri, diag.range)
    assert [a for a in actions if a.title.startswith("Suppress")] == []
