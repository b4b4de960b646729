"""Quick fixes, fix-all and suppressions, applied the way an editor applies them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .inprocess import InProcessClient
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
    fixes = [a for a in actions if a.diagnostics and "Suppress" not in a.title]
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
    [suppress] = [a for a in actions if a.title == "codeward (CW502): Suppress on this line"]
    new_text = session.apply(uri, suppress.edit)
    assert new_text.splitlines()[1].endswith("# codeward: ignore[CW501, CW502]")
    assert [d.code for d in await session.diagnostics(uri)] == ["CW003"]  # CW501 suppresses nothing here

    uri2 = session.open("other.py", VULNERABLE)
    [diag] = await session.diagnostics(uri2)
    [suppress] = [a for a in await session.code_actions(uri2, diag.range) if "Suppress" in a.title]
    assert session.apply(uri2, suppress.edit).splitlines()[2].endswith('verify=False)  # codeward: ignore[CW502]')
    assert await session.diagnostics(uri2) == []


async def test_no_suppression_inside_a_multiline_string(session) -> None:
    text = 'import requests\nrequests.post("https://a.example", verify=False, data="""\nbody\n""")\n'
    uri = session.open("app.py", text)
    [diag] = await session.diagnostics(uri)
    actions = await session.code_actions(uri, diag.range)
    assert [a for a in actions if "Suppress" in a.title] == []


async def test_fix_titles_name_the_tool_and_rule_and_fix_all_is_in_the_quick_fix_menu(session) -> None:
    uri = session.open("app.py", TWO_FINDINGS)
    diags = await session.diagnostics(uri)
    tls = next(d for d in diags if d.code == "CW502")
    actions = await session.code_actions(uri, tls.range, only=[types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions]
    assert all(t.startswith("codeward") for t in titles), titles
    assert any(t.startswith("codeward (CW502): Remove the argument") for t in titles), titles
    [fix_all] = [a for a in actions if a.title == "codeward: Fix all safe findings"]
    assert fix_all.kind == types.CodeActionKind.QuickFix, "fix-all must be in the Ctrl+. menu"
    if fix_all.edit is None:
        fix_all = await session.client.code_action_resolve_async(fix_all)
    session.apply(uri, fix_all.edit)
    assert [d.code for d in await session.diagnostics(uri)] == ["CW501"]


async def test_show_rule_documentation_action_points_at_the_rules_section(tmp_path: Path) -> None:
    """Raw JSON (the client library decodes any action carrying a command as a Command)."""
    client = InProcessClient()
    await client.initialize(tmp_path, {"textDocument": {"publishDiagnostics": {}}}, {"debounce": 0})
    uri = client.open(tmp_path / "app.py", VULNERABLE)
    [diag] = await client.published_version(uri, 1)
    offered = await client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": []},
    })
    [docs] = [a for a in offered if a["title"] == "codeward (CW502): Show rule documentation"]
    assert docs["kind"] == "quickfix" and docs["command"]["command"] == "codeward.showRuleDocumentation"
    [href] = docs["command"]["arguments"]
    assert href == diag["codeDescription"]["href"] and "/docs/rules.md#cw502-" in href
    heading = "## CW502 " + href.split("#cw502-")[1]
    assert heading in Path(href.removeprefix("file://").split("#")[0]).read_text()
    await client.shutdown()


ROUTE = (
    "import sqlite3\n\nfrom flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n"
    "@app.route('/notes')\n@login_required\ndef notes():\n    return 'mine'\n\n\n"
    "@app.route('/notes/<int:note_id>', methods=['DELETE'])\ndef delete_note(note_id):\n"
    "    db = sqlite3.connect('notes.db')\n    db.execute('DELETE FROM notes WHERE id = ?', (note_id,))\n    return 'gone'\n"
)


async def test_access_control_fix_is_offered_from_the_route_decorator(session) -> None:
    uri = session.open("app/routes.py", ROUTE)  # (a test_*.py name would be a test file)
    [diag] = [d for d in await session.diagnostics(uri) if d.code == "CW301"]
    decorator_line = ROUTE.splitlines().index("@app.route('/notes/<int:note_id>', methods=['DELETE'])")
    assert diag.range.start.line > decorator_line
    cursor = types.Range(start=types.Position(line=decorator_line, character=3), end=types.Position(line=decorator_line, character=3))
    actions = await session.code_actions(uri, cursor, only=[types.CodeActionKind.QuickFix])
    assert any(a.title.startswith("codeward (CW301): ") and a.edit is not None for a in actions), [a.title for a in actions]
