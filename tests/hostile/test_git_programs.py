"""Issue 12, item 1: a repository's git config must never make codeward run its programs.

The reproducer: a secret whose file has history makes codeward run ``git log -p``; with
``log.showSignature=true`` and ``gpg.program=./evil.sh`` git ran the repository's program.
Each program git can be told to run (gpg, fsmonitor, external diff, textconv, pager) is
planted, shown to be live with plain git, and must stay silent through the CLI (scan and
fix) and the language server, while codeward still gets its answers from git.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from lsprotocol import types

from codeward.server.cli import main
from fake_keys import fake

from .repos import PROGRAMS, git, hostile_repo, needs_git, ran

pytestmark = needs_git
SECRET = fake("stripe", 12)
LINE = f'STRIPE_KEY = "{SECRET}"'


def test_the_planted_programs_are_live_for_plain_git(tmp_path: Path) -> None:
    """Without codeward's options git runs them: so the tests below can fail."""
    markers = hostile_repo(tmp_path / "repo", LINE)
    repo = tmp_path / "repo"
    git(repo, "log", "-p", "--", "app.py")
    git(repo, "diff", "HEAD~1")
    git(repo, "status")
    # The pager runs only on a terminal: give git one.
    subprocess.run(["script", "-qc", f"git -C {repo} log -1", "/dev/null"], capture_output=True, check=False,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1", "TERM": "dumb"})
    expected = set(PROGRAMS) if Path("/usr/bin/script").exists() else set(PROGRAMS) - {"pager"}
    assert set(ran(markers)) >= expected


def test_cli_scan_and_fix_run_no_repository_program(tmp_path: Path, monkeypatch, capsys) -> None:
    markers = hostile_repo(tmp_path / "repo", LINE)
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["scan", "--no-cache", "."]) == 1
    out = capsys.readouterr().out
    assert "already in git history" in out  # git log really ran, with its programs off
    assert ran(markers) == []
    main(["scan", "--no-cache", "--fix", "--unsafe-fixes", "."])  # check-ignore, ls-files
    assert ran(markers) == []
    assert SECRET not in (tmp_path / "repo" / "app.py").read_text()
    assert SECRET in (tmp_path / "repo" / ".env").read_text()


async def test_language_server_runs_no_repository_program(tmp_path: Path) -> None:
    from lsp.session import start_session, stop_session, tell_commands_from_code_actions

    repo = tmp_path / "repo"
    markers = hostile_repo(repo, LINE)
    session = await start_session("neovim", repo)
    tell_commands_from_code_actions(session.client.protocol._converter)
    try:
        uri = session.open("app.py", (repo / "app.py").read_text())
        diagnostics = await session.diagnostics(uri)
        [secret] = [d for d in diagnostics if d.code == "CW201"]
        assert "already in git history" in secret.message
        actions = await session.code_actions(uri, secret.range, diagnostics=[secret])
        [move] = [a for a in actions if isinstance(a, types.CodeAction) and "in .env" in a.title]
        move = await session.resolve(move)  # asks git again whether .env is tracked
        assert move.edit is not None and move.command is not None
        session.save_other_files(uri, move.edit)
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=move.command.command, arguments=move.command.arguments))
        assert SECRET in (repo / ".env").read_text()
        assert ran(markers) == []
    finally:
        await stop_session(session)


def test_only_the_hardened_runner_starts_processes() -> None:
    """Every git call goes through codeward.checks.gitrun: no other module of the product
    imports subprocess (or starts programs with os.system / os.exec* / os.spawn*)."""
    import codeward.checks
    import codeward.server

    offenders = []
    for package in (codeward.checks, codeward.server):
        for path in Path(package.__path__[0]).rglob("*.py"):
            if path.name == "gitrun.py" and path.parent.name == "checks":
                continue
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
                    names = ["os." + node.attr] if node.attr == "system" or node.attr.startswith(("exec", "spawn", "popen")) else []
                offenders += [f"{path.name}: {name}" for name in names if name in ("subprocess", "pty") or name.startswith("os.")]
    assert offenders == []
