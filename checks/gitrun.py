"""The one way codeward runs git: with every repository-controlled program switched off.

A scanned repository is hostile input, and so is its ``.git/config``: settings such as
``gpg.program`` with ``log.showSignature``, ``core.fsmonitor``, ``diff.external``, a textconv
driver named in ``.gitattributes`` or ``core.pager`` make git run a program of the
repository's choosing. Every git call therefore goes through :func:`run_git`, which

* overrides each such setting on the command line (``-c`` beats every config file),
* passes ``--no-pager``, and the caller adds ``--no-ext-diff --no-textconv
  --no-show-signature`` to the commands that diff (see :data:`LOG_SAFETY`),
* runs with a scrubbed environment: no inherited ``GIT_*`` variable (``GIT_DIR``,
  ``GIT_EXTERNAL_DIFF``, ``GIT_SSH_COMMAND``...), no system config, no prompts, no locks,
* never reads stdin, and is bounded in time.

A test (``tests/hostile/test_git_programs.py``) plants each program and checks none runs, and a
boundary test checks no other module starts git.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEFAULT_TIMEOUT = 3.0

#: Settings a repository (or an included file) could point at a program, neutralised.
_OVERRIDES = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=",
    "core.editor=false",
    "core.untrackedCache=false",
    "diff.external=",
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "credential.helper=",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
    "sequence.editor=false",
)
SAFE_CONFIG: tuple[str, ...] = tuple(arg for setting in _OVERRIDES for arg in ("-c", setting))

#: Options every diffing command (``log -p``, ``diff``, ``show``) must carry.
LOG_SAFETY = ("--no-ext-diff", "--no-textconv", "--no-show-signature", "--no-color")

#: Inherited variables worth keeping (where to find programs, the user's own home for the
#: global config, a temporary folder); everything else, above all ``GIT_*``, is dropped.
_KEPT_VARIABLES = ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")
_FIXED_VARIABLES = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "LC_ALL": "C",
}


def scrubbed_environment() -> dict[str, str]:
    """The environment git runs with: the few inherited variables it needs, and fixed ones."""
    env = {name: os.environ[name] for name in _KEPT_VARIABLES if name in os.environ}
    env.update(_FIXED_VARIABLES)
    return env


def git_command(repo: Path, args: list[str]) -> list[str]:
    """The full argument vector for ``git args`` in ``repo``, with the safety options."""
    return ["git", "--no-pager", *SAFE_CONFIG, "-C", str(repo), *args]


def run_git(repo: Path, args: list[str], timeout: float = DEFAULT_TIMEOUT) -> subprocess.CompletedProcess[bytes] | None:
    """Run ``git args`` in ``repo``; None when git is missing, fails to start or times out."""
    if shutil.which("git") is None:
        return None
    try:
        return subprocess.run(
            git_command(repo, args), capture_output=True, timeout=timeout, env=scrubbed_environment(),
            stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
