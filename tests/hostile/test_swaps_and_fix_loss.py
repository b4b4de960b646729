"""Items 9 and 11: a fix never loses the secret; a file swapped during a scan is not read.

9. The CLI fix rewrote the source before ``.env`` was written and did not catch write
   errors: with ``.env`` or ``.gitignore`` a folder, or not UTF-8, the scan died and the
   value existed nowhere in the tree.
11. A file replaced, between discovery and reading, by a symlink to ``/dev/zero`` was read
    forever (2 GB in 2 s); one replaced by a FIFO hung the scan.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from codeward.checks import files, scan
from codeward.checks.config import Config
from codeward.checks.model import NotAnalysed
from codeward.server.cli import main

KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
SOURCE = f'import os\n\nSTRIPE_KEY = "{KEY}"\n'


def _project(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text(".env\n")
    (root / "app.py").write_text(SOURCE)
    return root


@pytest.mark.parametrize("variant", ["env-folder", "gitignore-folder", "env-not-utf8", "gitignore-not-utf8"])
def test_the_secret_is_never_lost(tmp_path: Path, capsys, variant: str) -> None:
    root = _project(tmp_path)
    if variant == "env-folder":
        (root / ".env").mkdir()
    elif variant == "gitignore-folder":
        (root / ".gitignore").unlink()
        (root / ".gitignore").mkdir()
    elif variant == "env-not-utf8":
        (root / ".env").write_bytes(b"OTHER=caf\xe9\n")
    else:
        (root / ".gitignore").write_bytes(b".env\n# caf\xe9\n")
    code = main(["scan", "--no-cache", "--fix", "--unsafe-fixes", str(root)])
    capsys.readouterr()
    assert code in (0, 1)
    in_source = KEY in (root / "app.py").read_text()
    env = root / ".env"
    in_env = env.is_file() and KEY.encode() in env.read_bytes()
    assert in_source or in_env, "the secret exists nowhere in the tree"
    if in_env:
        assert env.stat().st_mode & 0o777 == 0o600 or variant == "env-not-utf8"


@pytest.fixture
def swapped(tmp_path: Path, monkeypatch):
    """Discovery finds a regular ``app.py``; just after, it is swapped for ``kind``."""
    (tmp_path / ".git").mkdir()
    target = tmp_path / "app.py"
    target.write_text(SOURCE)
    real = files.discover

    def swap(kind: str) -> None:
        def discover_then_swap(*args, **kwargs):
            found = list(real(*args, **kwargs))
            target.unlink()
            if kind == "fifo":
                os.mkfifo(target)
            else:
                target.symlink_to("/dev/zero")
            yield from found

        monkeypatch.setattr(scan, "discover", discover_then_swap)

    return tmp_path, swap


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_file_swapped_after_discovery_is_not_read(swapped, kind: str) -> None:
    root, swap = swapped
    swap(kind)
    started = time.monotonic()
    result = scan.scan([root], Config(), jobs=1)
    assert time.monotonic() - started < 10
    [missed] = result.not_analysed
    assert missed.path.endswith("app.py") and missed.reason == "cannot read file: not a regular file"


def test_a_file_that_grows_past_the_limit_while_read_is_not_analysed(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 10)
    config = Config(max_file_size=30)
    reason = files.read_source(big, config)
    assert isinstance(reason, NotAnalysed) and "larger than" in reason.reason
