"""Real-editor tests: slow (seconds per scenario), deselect with ``-m "not e2e"``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real editor (VS Code via code-server)")


@pytest.fixture(scope="session")
def vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .vsix of this checkout, built once per session for every VS Code test module.

    Under CI the prerequisites must be there (the test fails loudly); on a developer machine
    the VS Code tests are skipped with the reason and the command that installs them.
    """
    from vscode_support import build_vsix, missing_prerequisites

    missing = missing_prerequisites()
    if missing:
        message = f"real-VS Code test needs {', '.join(missing)}: run vscode-client/scripts/setup-e2e.sh"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must never pass without running the editor
        pytest.skip(message)
    return build_vsix(tmp_path_factory.mktemp("vsix"))
