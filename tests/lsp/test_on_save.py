"""On-save mode (``run = "onSave"``), as VS Code (pull, with refresh) and Neovim 0.11 (push).

Nothing is analysed while typing; a save analyses the saved text and delivers it at once
(a pull client is asked to pull again, a push client gets a publication), on the lines of
the buffer the editor shows, which may have changed since the save. Code actions work on
those lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .session import PROFILES, Session, start_session, stop_session

CLEAN = "import requests\n\n"
TYPED = CLEAN + 'requests.get("https://a.example", verify=False)\n'
HEADER = "# a comment\n\n"


async def round_trip(session: Session, uri: str) -> None:
    """A request answered after every notification sent before it was handled."""
    await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
    )


async def after_save(session: Session, uri: str, refreshes: int) -> list[types.Diagnostic]:
    """What the editor shows once the save's result arrived: a pull client waits for the
    server's refresh request and pulls; a push client waits for the current version."""
    if session.pull:
        await session.until(lambda: session.client.refreshes > refreshes, "workspace/diagnostic/refresh after the save")
    return await session.diagnostics(uri)


@pytest.mark.parametrize("profile", PROFILES)
async def test_save_delivers_the_saved_texts_findings_on_the_current_lines(profile: str, tmp_path: Path) -> None:
    session = await start_session(profile, tmp_path, init_options={"run": "onSave"})
    try:
        await session.log_containing("codeward: indexed")  # no re-check of the index in between
        uri = session.open("app.py", CLEAN)
        assert await session.diagnostics(uri) == []
        session.replace_all(uri, TYPED)
        await round_trip(session, uri)
        if session.pull:
            assert await session.diagnostics(uri) == [], "nothing is analysed while typing"
        else:
            assert [v for v, _ in session.client.published[uri]] == [1], "nothing is analysed while typing"

        refreshes = session.client.refreshes
        session.save(uri)
        session.replace_all(uri, HEADER + TYPED)  # typed on right after the save
        [diag] = await after_save(session, uri, refreshes)
        assert diag.code == "CW502"
        assert diag.range.start.line == 4, "the saved text's finding sits on the line the buffer shows it on"

        offered = await session.code_actions(uri, diag.range, only=[types.CodeActionKind.QuickFix], diagnostics=[diag])
        fix = next(a for a in offered if a.is_preferred)
        fixed = session.apply(uri, fix.edit)
        assert "verify=False" not in fixed
        refreshes = session.client.refreshes
        session.save(uri)
        assert await after_save(session, uri, refreshes) == []
    finally:
        await stop_session(session)


@pytest.mark.parametrize("profile", PROFILES)
async def test_typing_after_a_save_moves_the_findings_with_their_lines(profile: str, tmp_path: Path) -> None:
    session = await start_session(profile, tmp_path, init_options={"run": "onSave"})
    try:
        # The end of workspace indexing re-checks open documents, which analyses the buffer as
        # it then is: wait for it, so the carried result is the only one in play.
        await session.log_containing("codeward: indexed")
        uri = session.open("app.py", TYPED)
        [diag] = await session.diagnostics(uri)
        assert diag.range.start.line == 2
        session.replace_all(uri, HEADER + TYPED + "x = 1\n")
        [moved] = await session.diagnostics(uri)
        assert moved.range.start.line == 4 and moved.range.start.character == diag.range.start.character
        session.replace_all(uri, HEADER + TYPED.replace("verify=False", "verify=False, timeout=3"))
        assert await session.diagnostics(uri) == [], "a finding on an edited line waits for the next save"
    finally:
        await stop_session(session)
