"""Test set-up: make tests/ importable for the shared harness; keep fixtures out of collection."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))

collect_ignore_glob = ["fixtures/*"]

# RECIPES pitfall 3: `python -m pytest` from the root would import a second, top-level copy.
assert importlib.util.find_spec("checks") is None, "run plain `pytest`, not `python -m pytest`, from the repository root"
