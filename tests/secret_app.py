"""A tiny app with a hard-coded Stripe key, for the tests of the secret → environment fix
(LSP level and real editors): it must still start after the fix moved the key to ``.env``.

The key is a made-up value in Stripe's format (tests/fake_keys.py). It is never printed:
the app shows its first 8 characters, and :func:`masked` hides it in anything a test
reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fake_keys import fake

SECRET = fake("stripe", 77)
NAME = "STRIPE_API_KEY"
APP = f'''"""Checkout service: needs its Stripe key at start-up."""

import sys

STRIPE_API_KEY = "{SECRET}"


def main() -> int:
    print("checkout ready, key " + STRIPE_API_KEY[:8] + "...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def make_project(root: Path, *, dotenv: bool) -> Path:
    """``root`` as a git work tree holding ``app.py`` (and ``requirements.txt`` declaring
    python-dotenv when ``dotenv``); no ``.gitignore`` and no ``.env`` yet."""
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})
    (root / "app.py").write_text(APP, "utf-8")
    if dotenv:
        (root / "requirements.txt").write_text("python-dotenv>=1\n", "utf-8")
    return root


def run_app(root: Path, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python app.py`` in ``root`` (the interpreter running the tests has python-dotenv),
    without the variable in the environment unless ``environment`` sets it."""
    env = {k: v for k, v in os.environ.items() if k != NAME}
    return subprocess.run([sys.executable, "app.py"], cwd=root, env={**env, **(environment or {})},
                          capture_output=True, text=True, timeout=60)


def dotenv_values(root: Path) -> dict[str, str]:
    """``.env`` read as a user's shell would (``set -a; . ./.env``) for these simple lines."""
    lines = (root / ".env").read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def masked(text: str) -> str:
    """``text`` with the key hidden, for assertion messages."""
    return text.replace(SECRET, SECRET[:8] + "<masked>")


def git_ignores(root: Path, name: str) -> bool:
    done = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", name], env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"})
    return done.returncode == 0
