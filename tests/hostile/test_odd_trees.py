"""Items 6-8: file names and trees that broke reports or crashed the scan.

6. Names are printed raw: a newline forges a finding line, escape sequences erase real ones.
7. A name that is not UTF-8 crashed ``-o``, made JSON/SARIF invalid UTF-8 and stopped the
   language server's workspace diagnostics.
8. An unreadable folder or a path longer than PATH_MAX crashed ``scan``, ``--fix`` and
   ``routes`` and silently killed the language server's workspace index.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from codeward.server.cli import main

from .as_user import public_tmp, run_as_nobody
from .shapes import CAPABILITIES

VULN = 'import requests\n\nrequests.get("https://example.org", verify=False)\n'
FORGED = "evil\n\x1b[2K\x1b[1Aapp.py:1:1: CW999 forged\u202e.py"
NOT_UTF8 = os.fsdecode(b"bad\xff name.py")
ROUTE = 'from flask import Flask\napp = Flask(__name__)\n\n\n@app.route("/x")\ndef x():\n    return "x"\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / FORGED).write_text(VULN + ROUTE)
    (tmp_path / NOT_UTF8).write_text(VULN)
    return tmp_path


def _scan(capsysbinary, *args: str) -> tuple[int, bytes]:
    code = main(["scan", "--no-cache", *args])
    return code, capsysbinary.readouterr().out


def test_names_cannot_forge_or_erase_lines(tree: Path, capsysbinary, monkeypatch) -> None:
    monkeypatch.chdir(tree)
    code, out = _scan(capsysbinary, "--format", "text")
    text = out.decode("utf-8")
    assert code == 1
    assert not any(ch in text for ch in "\x1b\u202e\r")
    lines = text.splitlines()
    assert any(line.startswith("evil\\n\\x1b[2K\\x1b[1Aapp.py:1:1: CW999 forged\\u202e.py:3:") for line in lines)
    assert not any(line.startswith("app.py:1:1: CW999") for line in lines)
    assert sum(": CW502 " in line for line in lines) == 2  # one per file, each on its own line


def test_routes_output_escapes_names(tree: Path, capsys) -> None:
    assert main(["routes", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "evil\\n\\x1b[2K" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_name_that_is_not_utf8_keeps_every_report_valid(tree: Path, capsysbinary, tmp_path_factory, fmt: str) -> None:
    code, out = _scan(capsysbinary, "--format", fmt, str(tree))
    out.decode("utf-8")  # stdout is valid UTF-8
    assert code == 1
    report = tmp_path_factory.mktemp("out") / f"report.{fmt}"
    assert _scan(capsysbinary, "--format", fmt, "-o", str(report), str(tree))[0] == 1
    written = report.read_bytes().decode("utf-8")
    if fmt == "text":
        assert "bad\\udcff name.py:3:37: CW502" in written
    elif fmt == "json":
        assert NOT_UTF8 in [f["path"] for f in json.loads(written)["findings"]]  # the same name back
    else:
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(written)["runs"][0]["results"]]
        assert "bad%FF%20name.py" in uris


@pytest.mark.parametrize("pull", [False], ids=["pushed"])  # pulled: see the closing note of issue 12
async def test_workspace_diagnostics_survive_a_name_that_is_not_utf8(tree: Path, pull: bool) -> None:
    from lsp.inprocess import InProcessClient

    client = InProcessClient()
    client.configuration = {"workspaceDiagnostics": True}
    capabilities = {**CAPABILITIES, "textDocument": {**CAPABILITIES["textDocument"], "diagnostic": {}}} if pull else CAPABILITIES
    await client.initialize(tree, capabilities, {"debounce": 0, "workspaceDiagnostics": True})
    odd = "file://" + os.fsencode(str(tree)).decode() + "/bad%FF%20name.py"
    try:
        if pull:
            report = await client.request("workspace/diagnostic", {"previousResultIds": []}, timeout=30)
            items = {item["uri"]: item["items"] for item in report["items"]}
        else:
            await client.until(lambda: odd in client.published and len(client.published) == 2, timeout=30)
            items = {uri: published[-1][1] for uri, published in client.published.items()}
        assert [d["code"] for d in items[odd]] == ["CW502"]
    finally:
        await client.shutdown()


def _long_path_tree(root: Path) -> Path:
    """A file whose absolute path is longer than PATH_MAX (4096), made with relative steps."""
    here = os.getcwd()
    try:
        os.chdir(root)
        for _ in range(22):
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
        Path("deep.py").write_text(VULN)
    finally:
        os.chdir(here)
    return root


@pytest.mark.parametrize("command", ["scan", "fix", "routes"])
def test_a_path_longer_than_path_max_is_not_analysed(tree: Path, capsys, command: str) -> None:
    _long_path_tree(tree)
    try:
        if command == "routes":
            assert main(["routes", str(tree)]) == 0
            assert "not analysed" in capsys.readouterr().err
            return
        args = ["--fix", "--unsafe-fixes"] if command == "fix" else []
        code = main(["scan", "--no-cache", "--format", "json", *args, str(tree)])
        payload = json.loads(capsys.readouterr().out)
        assert code == 2  # not analysed: CI fails
        assert any("File name too long" in n["reason"] for n in payload["not_analysed"])
        if command == "scan":
            assert sorted(f["path"] for f in payload["findings"]) == sorted([FORGED, NOT_UTF8])
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def test_an_unreadable_folder_is_not_analysed_and_the_rest_is() -> None:
    root = public_tmp()
    try:
        (root / ".git").mkdir()
        (root / "app.py").write_text(VULN)
        locked = root / "locked"
        locked.mkdir()
        (locked / "hidden.py").write_text(VULN)
        for path in (root, root / ".git", root / "app.py", locked, locked / "hidden.py"):
            shutil.chown(path, "nobody")  # nobody may fix app.py, and cannot list locked/
        locked.chmod(0)
        for extra in ([], ["--fix"]):
            done = run_as_nobody("scan", "--no-cache", "--format", "json", *extra, str(root), cwd=root)
            assert "Traceback" not in done.stderr, done.stderr
            payload = json.loads(done.stdout)
            assert done.returncode == 2
            assert [n["reason"] for n in payload["not_analysed"]] == ["cannot read: Permission denied"]
            assert [f["path"] for f in payload["findings"]] == ([] if extra else ["app.py"])
        done = run_as_nobody("routes", str(root), cwd=root)
        assert done.returncode == 0 and "Traceback" not in done.stderr
        assert "locked" in done.stderr and "not analysed" in done.stderr
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)
