"""Hostile repositories for the hardening tests: a git config that names the repository's own
programs for every hook git offers, and a helper to see which of them ran."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: Each planted program and the git setting that names it.
PROGRAMS = {
    "gpg": "gpg.program",
    "fsmonitor": "core.fsmonitor",
    "diff": "diff.external",
    "textconv": "diff.evil.textconv",
    "pager": "core.pager",
}

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
    done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, env=env, check=True)
    return done.stdout.decode()


def plant(repo: Path, markers: Path) -> None:
    """Write one program per setting (each touches ``markers/<name>``) and configure them."""
    markers.mkdir(exist_ok=True)
    for name, setting in PROGRAMS.items():
        program = repo / f"evil-{name}.sh"
        program.write_text(f'#!/bin/sh\ntouch "{markers}/{name}"\ncat >/dev/null 2>&1\nexit 0\n')
        program.chmod(0o755)
        # Relative where git allows it (run from the work tree), as the adversarial report did.
        git(repo, "config", setting, f"./evil-{name}.sh" if name == "gpg" else str(program))
    git(repo, "config", "log.showSignature", "true")
    (repo / ".gitattributes").write_text("*.py diff=evil\n")


def commit_signed(repo: Path, message: str) -> None:
    """Commit the index as a commit carrying a (fake) PGP signature, so verifying it runs
    ``gpg.program``."""
    tree = git(repo, "write-tree").strip()
    parent = git(repo, "rev-parse", "HEAD").strip()
    body = (
        f"tree {tree}\nparent {parent}\nauthor a <a@example.org> 1700000000 +0000\n"
        f"committer a <a@example.org> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
        f"\n{message}\n"
    )
    commit = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=body.encode()).strip()
    git(repo, "update-ref", "HEAD", commit)


def hostile_repo(root: Path, secret_line: str) -> Path:
    """A repository whose ``app.py`` history holds a secret, with every program planted; the
    markers folder is returned (empty)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    git(root, "config", "user.email", "a@example.org")
    git(root, "config", "user.name", "a")
    (root / "app.py").write_text("import os\n\n" + secret_line + "\n")
    (root / ".gitignore").write_text(".env\n")
    git(root, "add", "app.py", ".gitignore")
    git(root, "commit", "-q", "-m", "first")
    (root / "app.py").write_text("import os\n\n" + secret_line + "\nDEBUG = False\n")
    git(root, "add", "app.py")
    commit_signed(root, "second, signed")
    markers = root.parent / f"{root.name}-markers"
    plant(root, markers)
    return markers


def ran(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())
