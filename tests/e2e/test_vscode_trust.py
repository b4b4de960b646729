"""Workspace Trust in real VS Code: an untrusted folder cannot choose the program we run.

A second code-server (Workspace Trust on, folders open in Restricted Mode) opens a folder
whose .vscode/settings.json points codeward.interpreter at a script that would leave a mark
if it ever ran. The extension must ignore it, run the bundled server with the user's own
interpreter, and still show the finding. Machinery: vscode_support.py.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from vscode_support import TLS_CLIENT, CodeServer, code_server, drive, engine_finding, user_settings, workspace

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(vsix: Path) -> Iterator[CodeServer]:
    settings = user_settings(**{
        "security.workspace.trust.enabled": True,
        "security.workspace.trust.startupPrompt": "never",
        "security.workspace.trust.banner": "never",
    })
    with code_server(vsix, "untrusted", settings, trust=True) as running:
        yield running


def test_untrusted_workspace_runs_only_the_bundled_server(server: CodeServer, tmp_path: Path) -> None:
    mark = tmp_path / "workspace-interpreter-ran"
    folder = workspace(tmp_path, {"client.py": TLS_CLIENT})
    fake = folder / "python"
    fake.write_text(f"#!/bin/sh\ntouch '{mark}'\nexec python3 \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (folder / ".vscode").mkdir()
    (folder / ".vscode" / "settings.json").write_text(json.dumps({
        "codeward.interpreter": str(fake),
        "codeward.importStrategy": "fromEnvironment",
    }))
    finding = engine_finding(folder / "client.py", "CW502")
    drive(server, folder, "client.py", finding, "untrusted-workspace")
    log = server.extension_log()
    assert "untrusted workspace: bundled server only" in log, log
    assert "running the codeward bundled with the extension" in log, log
    assert str(fake) not in log
    assert not mark.exists(), "the workspace's interpreter was executed"
    assert os.access(fake, os.X_OK)
