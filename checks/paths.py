"""Resolving paths of a hostile tree without raising: a symlink loop is a path, not a crash.

``Path.resolve()`` raises ``RuntimeError`` on a symlink loop on Python 3.11 (``OSError`` from
3.13). Opening such a file in the editor ended in an internal error before any analysis;
every path that names a workspace file is resolved here instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def real_path(path: Path) -> Path:
    """``path`` made absolute with its symlinks resolved as far as they go (a loop, or a
    link to nowhere, stays as it is)."""
    return Path(os.path.realpath(path))
