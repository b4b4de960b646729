"""Issue 16, item 7: the secret → environment quick fix leaves an app that starts.

Over LSP, as VS Code and Neovim drive it: the fix's title says where the value goes and
how it is loaded; the ``.gitignore`` and ``.env`` changes are part of the WorkspaceEdit the
user applies (nothing is on disk before the editor saves); the command that follows shows
the same in a ``window/showMessage``; and the fixed ``app.py`` really runs, with python-dotenv
when the project declares it, or stops with a clear message when nothing loads ``.env``.
The key never appears in what the tests report (see tests/secret_app.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from secret_app import NAME, SECRET, dotenv_values, git_ignores, make_project, masked, run_app

from .session import start_session, stop_session, tell_commands_from_code_actions
from .textmodel import apply_text_edits

pytestmark = pytest.mark.asyncio(loop_scope="function")
PROFILES = ("visual_studio_code", "neovim")


async def _move_secret(profile: str, root: Path):
    """Open app.py, pick the "move to .env" fix, resolve it; (session, uri, action)."""
    session = await start_session(profile, root)
    tell_commands_from_code_actions(session.client.protocol._converter)
    uri = session.open("app.py", (root / "app.py").read_text("utf-8"))
    [diagnostic] = [d for d in await session.diagnostics(uri) if d.code == "CW201"]
    actions = await session.code_actions(uri, diagnostic.range, diagnostics=[diagnostic])
    [move] = [a for a in actions if "in .env" in a.title]
    listed = SECRET in str(actions)
    assert not listed, "the code action list must not carry the value (only the picked, resolved action)"
    return session, uri, await session.resolve(move)


def _changes(action: types.CodeAction) -> list[tuple[str, str]]:
    """(kind, file name) of each change of the action's WorkspaceEdit, in order."""
    assert action.edit is not None and action.edit.document_changes
    out = []
    for change in action.edit.document_changes:
        if isinstance(change, types.CreateFile):
            out.append(("create", Path(change.uri).name))
        elif isinstance(change, types.TextDocumentEdit):
            out.append(("edit", Path(change.text_document.uri).name))
    return out


async def _apply(session, uri: str, action: types.CodeAction) -> str:
    """Apply the edit as the editor does, "Save All", then run the action's command."""
    assert action.edit is not None and action.command is not None
    text = session.apply(uri, action.edit)
    session.save(uri)
    session.save_other_files(uri, action.edit)
    await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments))
    await session.until(lambda: session.client.messages, "the window/showMessage of the applied fix")
    return text


@pytest.mark.parametrize("profile", PROFILES)
async def test_project_with_python_dotenv_gets_load_dotenv_and_starts(profile: str, tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", dotenv=True)
    session, uri, move = await _move_secret(profile, root)
    try:
        assert move.title == f"codeward (CW201): Move the Stripe secret key to {NAME} in .env (git-ignored; adds load_dotenv() to load it) (unsafe)"
        # One WorkspaceEdit: the new files, then every text edit in one run (.gitignore, as git
        # does not ignore .env yet, then .env, then the code): see test_every_step_keeps_the_key.
        assert _changes(move) == [("create", ".gitignore"), ("create", ".env"), ("edit", ".gitignore"), ("edit", ".env"), ("edit", "app.py")]
        assert not (root / ".env").exists() and not (root / ".gitignore").exists(), "nothing is written before the user applies and saves"
        text = await _apply(session, uri, move)
        fixed = "load_dotenv()" in text and f'os.environ["{NAME}"]' in text and SECRET not in text
        assert fixed, masked(text)
        assert [d.code for d in await session.diagnostics(uri)] == []
        [message] = session.client.messages
        assert message.type == types.MessageType.Info
        assert f"{NAME} in .env (.env is added to .gitignore)" in message.message
        assert "load_dotenv() (python-dotenv) now runs after the imports" in message.message
        assert "chmod 600 .env" in message.message, "say what the WorkspaceEdit could not do"
        logs = "\n".join(m.message for m in session.client.log_messages) + message.message
        leaked = SECRET in logs
        assert not leaked, "the value reached a log or message"
    finally:
        await stop_session(session)
    stored = dotenv_values(root).get(NAME) == SECRET
    assert stored, ".env does not hold the moved key"
    assert git_ignores(root, ".env")
    started = run_app(root)
    assert started.returncode == 0, masked(started.stderr)
    shown = started.stdout == "checkout ready, key sk_live_...\n" and SECRET not in started.stdout + started.stderr
    assert shown, masked(started.stdout + started.stderr)


@pytest.mark.parametrize("profile", PROFILES)
async def test_without_a_loader_the_app_stops_with_a_clear_message(profile: str, tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", dotenv=False)
    (root / ".gitignore").write_text("__pycache__/\n.env\n")  # already ignored: no .gitignore change
    session, uri, move = await _move_secret(profile, root)
    try:
        assert move.title.endswith("in .env (git-ignored; nothing loads .env: export it before running) (unsafe)"), move.title
        assert _changes(move) == [("create", ".env"), ("edit", ".env"), ("edit", "app.py")]
        text = await _apply(session, uri, move)
        guarded = f'if "{NAME}" not in os.environ:\n    raise RuntimeError(' in text
        assert guarded, masked(text)
        [message] = session.client.messages
        assert f"{NAME} in .env (git ignores .env)" in message.message and f"export {NAME} before running" in message.message
    finally:
        await stop_session(session)
    stopped = run_app(root)
    clear = stopped.returncode == 1 and "KeyError" not in stopped.stderr and (
        f"RuntimeError: Set the environment variable {NAME}: codeward moved its value to .env" in stopped.stderr)
    assert clear, masked(stopped.stderr)
    started = run_app(root, dotenv_values(root))  # as after `set -a; . ./.env; set +a`
    assert started.returncode == 0, masked(started.stderr)


async def test_an_existing_open_dotenv_is_appended_in_the_editor(tmp_path: Path) -> None:
    """.env already exists (and is open in the editor): the fix appends to it, no CreateFile,
    and the permissions note is not given (the file keeps its own mode)."""
    root = make_project(tmp_path / "shop", dotenv=True)
    (root / ".gitignore").write_text(".env")  # no newline at the end
    (root / ".env").write_text("DEBUG=1")
    session = await start_session("visual_studio_code", root)
    try:
        env_uri = from_fs_path(str(root / ".env"))
        session.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=env_uri, language_id="dotenv", version=1, text="DEBUG=1")))
        uri = session.open("app.py", (root / "app.py").read_text("utf-8"))
        [diagnostic] = [d for d in await session.diagnostics(uri) if d.code == "CW201"]
        [move] = [a for a in await session.code_actions(uri, diagnostic.range) if "in .env" in a.title]
        move = await session.resolve(move)
        assert _changes(move) == [("edit", ".env"), ("edit", "app.py")]
        [env_edit] = [c for c in move.edit.document_changes if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == env_uri]
        appended = env_edit.edits[0].new_text == f"\n{NAME}={SECRET}\n"
        assert appended, "the line is appended after the existing one"
        await _apply(session, uri, move)
        assert "chmod" not in session.client.messages[0].message
    finally:
        await stop_session(session)


@pytest.mark.parametrize("setup", ["symlink", "tracked"])
async def test_unsafe_destination_offers_no_fix_and_says_why(setup: str, tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", dotenv=True)
    if setup == "symlink":
        (root / ".env").symlink_to(tmp_path / "elsewhere.env")
        reason = "`.env` is a symlink or not a regular file"
    else:
        (root / ".env").write_text("DEBUG=1\n")
        os.system(f"git -C {root} add .env")  # noqa: S605 (our own test repository)
        reason = "git tracks `.env`"
    session = await start_session("neovim", root)
    try:
        uri = session.open("app.py", (root / "app.py").read_text("utf-8"))
        [diagnostic] = [d for d in await session.diagnostics(uri) if d.code == "CW201"]
        assert reason in diagnostic.message
        actions = await session.code_actions(uri, diagnostic.range)
        assert not [a for a in actions if "in .env" in a.title]
    finally:
        await stop_session(session)
    assert not (tmp_path / "elsewhere.env").exists()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("existing", [False, True], ids=["new-files", "existing-files"])
async def test_every_step_keeps_the_key(profile: str, existing: bool, tmp_path: Path) -> None:
    """Applied change by change (Neovim), or undone newest first (VS Code undoes an edit's
    runs of changes one after the other, and may stop halfway: see secret_edits.in_undo_order),
    every intermediate state holds the key in app.py or in .env, and .env only once git
    ignores it. For VS Code the file creations come first and the text edits form one run, the
    code last: one run is one multi-file undo step, which VS Code undoes in closed files too."""
    root = make_project(tmp_path / "shop", dotenv=True)
    if existing:
        (root / ".gitignore").write_text("__pycache__/\n")
        (root / ".env").write_text("DEBUG=1\n")
    session, uri, move = await _move_secret(profile, root)
    try:
        kinds = [kind for kind, _ in _changes(move)]
        creations = kinds.count("create")
        assert kinds == ["create"] * creations + ["edit"] * (len(kinds) - creations), kinds
        assert _changes(move)[-1] == ("edit", "app.py")
        changes = move.edit.document_changes
        for applied in range(len(changes) + 1):
            state = tmp_path / f"state-{applied}"
            shutil.copytree(root, state, symlinks=True)
            for change in changes[:applied]:
                _apply_change(state, root, change, session.encoding)
            in_code = SECRET in (state / "app.py").read_text("utf-8")
            in_env = (state / ".env").exists() and SECRET in (state / ".env").read_text("utf-8")
            assert in_code or in_env, f"the key is lost after the first {applied} changes"
            assert not in_env or git_ignores(state, ".env"), f".env holds the key unignored after {applied} changes"
    finally:
        await stop_session(session)


def _apply_change(state: Path, root: Path, change, encoding: str) -> None:
    """One documentChanges entry applied to the copy ``state`` of the project ``root``."""
    if isinstance(change, types.CreateFile):
        path = state / Path(to_fs_path(change.uri)).relative_to(root)
        if not path.exists():
            path.write_text("")
        return
    path = state / Path(to_fs_path(change.text_document.uri)).relative_to(root)
    edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
    path.write_text(apply_text_edits(path.read_text("utf-8"), edits, encoding), "utf-8", newline="")
