"""Issue 12, items 2 and 3: a fix writes only regular files inside the project, and a secret
only to a ``.env`` git ignores and does not track. The CLI and the language server share
one code path (codeward.server.writes), tested here through both."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from codeward.checks.model import FileEdit
from codeward.server import writes
from codeward.server.cli import main
from codeward.server.lsp.secret_edits import Pending, PendingFixes
from fake_keys import fake

from .repos import git, needs_git

SECRET = fake("stripe", 31)
SOURCE = f'import os\n\nSTRIPE_KEY = "{SECRET}"\n'


def project(root: Path, gitignore: str | None = ".env\n", repo: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if repo:
        git(root, "init", "-q")
    (root / "app.py").write_text(SOURCE)
    if gitignore is not None:
        (root / ".gitignore").write_text(gitignore)
    return root


def fix(root: Path, monkeypatch) -> int:
    monkeypatch.chdir(root)
    return main(["scan", "--no-cache", "--fix", "--unsafe-fixes", "."])


def assert_source_kept(root: Path) -> None:
    assert SECRET in (root / "app.py").read_text(), "the value must not vanish from the tree"


# -- item 2: symlinks, special files, outside the root ------------------------------------------

@pytest.mark.parametrize("name", [".env", ".gitignore", ".env.example"])
def test_cli_fix_never_writes_through_a_symlink(tmp_path: Path, monkeypatch, capsys, name: str) -> None:
    root = project(tmp_path / "p", repo=False, gitignore=None if name == ".gitignore" else ".env\n")
    outside = tmp_path / f"outside{name}"
    outside.write_text("# outside the project\n")
    before = outside.read_text()
    (root / name).symlink_to(outside)
    if name == ".env.example":
        pass  # an optional file: the fix appends NAME= to it only when it is a regular file
    fix(root, monkeypatch)
    assert outside.read_text() == before
    assert SECRET not in capsys.readouterr().err
    if name != ".env.example":
        assert_source_kept(root)
        assert (root / name).is_symlink()


def test_cli_fix_reports_a_symlinked_dotenv_instead_of_following_it(tmp_path: Path, monkeypatch, capsys) -> None:
    root = project(tmp_path / "p", repo=False)
    leak = tmp_path / "leak.env"
    (root / ".env").symlink_to(leak)  # dangling: the write would create it
    assert fix(root, monkeypatch) == 1
    out = capsys.readouterr().out
    assert not leak.exists()
    assert "no automatic fix: `.env` is a symlink" in out
    assert_source_kept(root)


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_cli_fix_refuses_special_files_without_hanging(tmp_path: Path, kind: str) -> None:
    root = project(tmp_path / "p", repo=False)
    target = root / ".env"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        try:
            os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("creating a device node needs CAP_MKNOD")
    done = subprocess.run([sys.executable, "-m", "codeward.server", "scan", "--no-cache", "--fix", "--unsafe-fixes", "."],
                          cwd=root, capture_output=True, timeout=60, text=True)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert_source_kept(root)


def test_the_safe_writer_refuses_symlinked_folders_and_escapes(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "conf").symlink_to(elsewhere)
    for relative in ("conf/settings.py", "../x.py", "/etc/x.py", "a/../../x.py"):
        with pytest.raises(writes.WriteRefused):
            writes.write_text(root, relative, "x = 1\n")
    assert list(elsewhere.iterdir()) == []
    (root / "real.py").write_text("x = 1\n")
    os.chmod(root / "real.py", 0o640)
    writes.write_text(root, "real.py", "x = 2\n")
    assert (root / "real.py").read_text() == "x = 2\n"
    assert stat.S_IMODE((root / "real.py").stat().st_mode) == 0o640  # an existing file keeps its mode
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_fix_does_not_rewrite_a_symlinked_source(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path / "p", repo=False)
    shared = tmp_path / "shared_settings.py"
    shared.write_text(SOURCE)
    (root / "app.py").unlink()
    (root / "app.py").symlink_to(shared)
    fix(root, monkeypatch)
    assert shared.read_text() == SOURCE


def test_language_server_writes_share_the_checks(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    leak = tmp_path / "leak.env"
    (root / ".env").symlink_to(leak)
    pending = PendingFixes()
    token = pending.stash(Pending(root, (FileEdit(".gitignore", ".env\n"), FileEdit(".env", f"K={SECRET}\n", sensitive=True)), "moved"))
    outcomes = pending.write(token)
    assert [o.ok for o in outcomes] == [True, False]
    assert "symlink" in outcomes[1].message and SECRET not in outcomes[1].message
    assert not leak.exists()


def test_new_dotenv_is_private(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path / "p", repo=False)
    old = os.umask(0o022)
    try:
        fix(root, monkeypatch)
    finally:
        os.umask(old)
    assert SECRET in (root / ".env").read_text()
    assert stat.S_IMODE((root / ".env").stat().st_mode) == 0o600


# -- item 3: is .env really ignored? ------------------------------------------------------------

@needs_git
@pytest.mark.parametrize("rules", [".envrc\n", ".env.local\n", "my.env\n", "# .env\n"])
def test_lookalike_ignore_rules_do_not_count(tmp_path: Path, monkeypatch, rules: str) -> None:
    root = project(tmp_path / "p", gitignore=rules)
    fix(root, monkeypatch)
    assert ".env" in (root / ".gitignore").read_text().splitlines()
    assert git(root, "check-ignore", ".env").strip() == ".env"
    assert SECRET in (root / ".env").read_text()
    assert SECRET not in (root / "app.py").read_text()


@needs_git
def test_a_negated_dotenv_rule_refuses_the_write(tmp_path: Path, monkeypatch, capsys) -> None:
    root = project(tmp_path / "p", gitignore=".env\n!.env\n")
    fix(root, monkeypatch)
    err = capsys.readouterr().err
    assert "git does not ignore .env" in err and SECRET not in err
    assert not (root / ".env").exists()
    assert_source_kept(root)


@needs_git
def test_a_tracked_dotenv_is_refused_and_the_finding_says_why(tmp_path: Path, monkeypatch, capsys) -> None:
    root = project(tmp_path / "p", gitignore=None)
    (root / ".env").write_text("DEBUG=1\n")
    git(root, "add", ".env")
    (root / ".gitignore").write_text(".env\n")  # ignoring a tracked file does not untrack it
    fix(root, monkeypatch)
    out = capsys.readouterr().out
    assert "git tracks `.env`" in out
    assert (root / ".env").read_text() == "DEBUG=1\n"
    assert_source_kept(root)


def _source_write_fails(monkeypatch) -> None:
    real_write = writes.write_text

    def failing_source_write(where: Path, relative: str, text: str, *args, **kwargs) -> None:
        if relative == "app.py":
            raise writes.WriteRefused("could not write app.py (disk full)")
        real_write(where, relative, text, *args, **kwargs)

    monkeypatch.setattr(writes, "write_text", failing_source_write)


def test_cli_fix_puts_dotenv_back_when_the_source_cannot_be_rewritten(tmp_path: Path, monkeypatch, capsys) -> None:
    """Issue 12's leftover: .env was appended, then rewriting the source failed; the value
    must not stay in both places (and .gitignore is as it was)."""
    root = project(tmp_path / "p", gitignore="__pycache__/\n")
    (root / ".env").write_text("DEBUG=1\n")
    _source_write_fails(monkeypatch)
    fix(root, monkeypatch)
    err = capsys.readouterr().err
    assert "app.py not fixed: could not write app.py (disk full)" in err
    assert "restored .env" in err and "restored .gitignore" in err
    assert (root / ".env").read_text() == "DEBUG=1\n"
    assert (root / ".gitignore").read_text() == "__pycache__/\n"
    assert_source_kept(root)
    assert SECRET not in err


def test_cli_fix_removes_a_dotenv_it_created_when_the_source_cannot_be_rewritten(tmp_path: Path, monkeypatch, capsys) -> None:
    root = project(tmp_path / "p")
    _source_write_fails(monkeypatch)
    fix(root, monkeypatch)
    assert "restored .env" in capsys.readouterr().err
    assert not (root / ".env").exists()
    assert_source_kept(root)
