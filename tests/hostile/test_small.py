"""Item 14: the small ones.

- ``.env`` is created 0600 by the CLI and the server (both write through server/writes.py;
  see test_fix_writes.py::test_new_dotenv_is_private);
- a symlink-loop file opened in the editor gave an internal error;
- a valid pickle of the wrong shape in the cache crashed the scan;
- a lone surrogate in the buffer dropped findings (the whole file's: the parser rejected it).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.scan import _Cache, scan
from codeward.checks.source import SourceDoc

from .shapes import CAPABILITIES

VULN = 'import requests\n\nrequests.get("https://example.org", verify=False)\n'


async def test_a_symlink_loop_opened_in_the_editor_is_analysed(tmp_path: Path) -> None:
    from lsp.inprocess import InProcessClient

    (tmp_path / "loop.py").symlink_to("loop.py")
    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    try:
        uri = (tmp_path / "loop.py").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": VULN}})
        assert [d["code"] for d in await client.published_version(uri, 1)] == ["CW502"]
        assert not [line for line in client.logs if "internal error" in line]
    finally:
        await client.shutdown()


@pytest.mark.parametrize("payload", [(1, 2), ({}, {"app.py": "x"}), ({"app.py": (1,)}, {}), ({}, {"app.py": ("k", 3)}), [1, 2, 3]])
def test_a_cache_of_the_wrong_shape_is_a_miss(tmp_path: Path, monkeypatch, payload: object) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    (project / "app.py").write_text(VULN)
    config = Config()
    planted = _Cache(project, config, True).file
    planted.parent.mkdir(parents=True)
    planted.write_bytes(pickle.dumps(payload))
    os.chmod(planted, 0o600)  # owned by this user, writable by nobody else: it is loaded
    result = scan([project], config, use_cache=True)
    assert [f.code for f in result.findings] == ["CW502"]
    assert [f.code for f in scan([project], config, use_cache=True).findings] == ["CW502"]  # the rewritten cache


@pytest.mark.parametrize("text", [
    'import requests\n\nrequests.get("\ud800", verify=False)\n',
    'import requests\n# \udfff in a comment\nrequests.get("https://example.org", verify=False)\n',
    'import requests\n\nrequests.get("https://example.org", verify=False)  # \udc80\n',
])
def test_a_lone_surrogate_keeps_the_findings(text: str) -> None:
    analysis = analyze(SourceDoc(text, "app.py", "python", "app"), Config())
    assert [(f.code, f.range.start.line) for f in analysis.findings] == [("CW502", 2)]


async def test_a_lone_surrogate_from_the_client_keeps_the_findings(tmp_path: Path) -> None:
    from lsp.inprocess import InProcessClient

    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    try:
        uri = client.open(tmp_path / "app.py", VULN)
        await client.published_version(uri, 1)
        client.change(uri, 2, 1, "# \ud800\n")
        assert [d["code"] for d in await client.published_version(uri, 2)] == ["CW502"]
    finally:
        await client.shutdown()
