"""Running the CLI as an unprivileged user, for the tests where permissions matter.

Root reads every folder, so "an unreadable folder" only exists for another user. The CLI is
run as ``nobody`` through ``runuser`` with the system Python and this environment's
site-packages (the development interpreter lives under /root, which nobody can enter).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
_PROGRAM = (
    "import site, sys; site.addsitedir(sys.argv[1]); "
    "from codeward.server.cli import main; sys.exit(main(sys.argv[2:]))"
)


def public_tmp() -> Path:
    """A temporary folder another user can enter (pytest's own is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="codeward-hostile-", dir="/tmp"))
    folder.chmod(0o755)
    return folder


def run_as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``codeward ARGS`` as the user nobody; skips (saying why) where that cannot be done."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user (as another user, permissions already apply)")
    if shutil.which("runuser") is None or not Path(SYSTEM_PYTHON).exists():
        pytest.skip("runuser or the system python3 is missing")
    command = ["runuser", "-u", "nobody", "--", SYSTEM_PYTHON, "-c", _PROGRAM, sysconfig.get_paths()["purelib"]]
    probe = subprocess.run([*command, "--version"], capture_output=True, text=True, cwd=cwd, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"nobody cannot run codeward from this checkout: {probe.stderr.strip()[-200:]}")
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=120)
