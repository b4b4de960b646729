"""Machinery of the real-VS Code tests: build the .vsix, run code-server, drive Chromium.

code-server 4.100.3 (VS Code 1.100) and Debian's Chromium, both on loopback, installed by
vscode-client/scripts/setup-e2e.sh (.ci/run calls it). Each scenario opens its folder in a
fresh browser through vscode_driver.mjs, which saves a screenshot of every step under
test-artifacts/vscode/<scenario>/.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeward.checks.autofix import fix_document
from codeward.checks.config import discover
from codeward.checks.engine import analyze
from codeward.checks.model import Applicability, FileEdit, Finding
from codeward.checks.registry import all_rules
from codeward.checks.source import SourceDoc

REPO = Path(__file__).resolve().parents[2]
CLIENT = REPO / "vscode-client"
DRIVER = Path(__file__).with_name("vscode_driver.mjs")
ARTIFACTS = REPO / "test-artifacts" / "vscode"
E2E_DIR = Path(os.environ.get("CODEWARD_E2E_DIR", Path.home() / ".cache" / "codeward-e2e"))
CODE_SERVER = E2E_DIR / "node_modules" / ".bin" / "code-server"
CHROMIUM = Path(os.environ.get("CODEWARD_CHROMIUM", "/usr/bin/chromium"))
SCENARIO_TIMEOUT = 180  # seconds for one driver run; the driver's own waits are 60 s each


def missing_prerequisites() -> list[str]:
    checks = {
        "node": shutil.which("node") is not None,
        "npm": shutil.which("npm") is not None,
        f"chromium ({CHROMIUM})": CHROMIUM.exists(),
        f"code-server ({CODE_SERVER})": CODE_SERVER.exists(),
        "playwright-core": (E2E_DIR / "node_modules" / "playwright-core").is_dir(),
        "vscode-client/node_modules": (CLIENT / "node_modules").is_dir(),
    }
    return [name for name, ok in checks.items() if not ok]


def build_vsix(target_dir: Path) -> Path:
    """The .vsix built by the documented command (`npm run package`) from this checkout."""
    env = {**os.environ, "PYTHON": sys.executable}
    proc = subprocess.run(["npm", "run", "package"], cwd=CLIENT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"npm run package failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    target = target_dir / "codeward.vsix"
    shutil.move(CLIENT / "codeward.vsix", target)
    return target


@dataclass
class CodeServer:
    url: str
    home: Path

    def extension_log(self) -> str:
        """Everything the extension wrote to its "codeward" output channel, in every window."""
        logs = sorted((self.home / "ud" / "logs").rglob("codeward.log"))
        return "\n".join(log.read_text("utf-8", errors="replace") for log in logs)


def user_settings(**extra: object) -> dict[str, object]:
    """Quiet, offline user settings; the interpreter running the tests has codeward installed."""
    return {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "extensions.ignoreRecommendations": True,
        "editor.minimap.enabled": False,
        "editor.hover.enabled": False,
        "files.autoSave": "off",
        "chat.commandCenter.enabled": False,
        "codeward.interpreter": sys.executable,
        **extra,
    }


@contextmanager
def code_server(vsix: Path, name: str, settings: dict[str, object], trust: bool = False) -> Iterator[CodeServer]:
    """code-server on a free loopback port with the .vsix installed; logs kept as artifacts.

    ``trust=False`` starts it with --disable-workspace-trust (every folder trusted); with
    ``trust=True`` Workspace Trust is on and folders open in Restricted Mode.
    """
    home = Path(tempfile.mkdtemp(prefix="codeward-vscode-"))
    port = _free_port()
    (home / "config.yaml").write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    user = home / "ud" / "User"
    user.mkdir(parents=True)
    (user / "settings.json").write_text(json.dumps(settings, indent=2))
    env = {
        **os.environ,
        # Keep extension gallery lookups on loopback (nothing listens there).
        "EXTENSIONS_GALLERY": json.dumps({"serviceUrl": "http://127.0.0.1:9/g", "itemUrl": "http://127.0.0.1:9/i"}),
    }
    base = [str(CODE_SERVER), "--config", str(home / "config.yaml"), "--user-data-dir", str(home / "ud"),
            "--extensions-dir", str(home / "ext")]
    install = subprocess.run([*base, "--install-extension", str(vsix)], env=env, capture_output=True, text=True, timeout=120)
    assert install.returncode == 0, f"installing the .vsix failed:\n{install.stdout}\n{install.stderr}"
    flags = ["--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry", "--disable-update-check",
             "--disable-getting-started-override", *([] if trust else ["--disable-workspace-trust"])]
    log_path = home / "code-server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*base, *flags], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        server = CodeServer(url=url, home=home)
        try:
            _wait_healthy(url, proc, log_path)
            yield server
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            out = ARTIFACTS / name
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy(log_path, out / "code-server.log")
            (out / "extension.log").write_text(server.extension_log(), "utf-8")
            shutil.rmtree(home, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"code-server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"code-server did not answer /healthz within 60 s:\n{log.read_text()[-3000:]}")


def drive(server: CodeServer, folder: Path, file: str, finding: Finding, name: str, *, fix: bool = False,
          notice: str | None = None, notice_button: str | None = None, scan_code: str | None = None,
          closed_code: str | None = None, fix_title: str | None = None, edits: list[dict] | None = None,
          edits_after_problems: list[dict] | None = None, line: int | None = None,
          fix_notice: str | None = None, undo_fix: dict | None = None) -> dict:
    """Run one scenario in a fresh browser (see vscode_driver.mjs for the steps).

    ``fix_title``: the quick fix to apply (default: the finding's own fix, with ``fix``);
    ``edits``/``edits_after_problems``: text typed before the squiggle / before the fix;
    ``line``: where the finding is by then (1-based; default: where the engine found it);
    ``fix_notice``: a notification to await once the fix is applied (its text is returned);
    ``undo_fix``: then one Ctrl+Z, ``{"dirtyTabs": [...], "editFirst"?, "warning"?}`` (see the driver)."""
    shots = ARTIFACTS / name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    spec = {
        "url": server.url, "folder": str(folder), "file": file, "code": finding.code,
        "line": line or finding.range.start.line + 1, "column": finding.range.start.column + 1,
        "fixTitle": fix_title or (finding.fix.title if fix and finding.fix else None),
        "edits": edits or [], "editsAfterProblems": edits_after_problems or [],
        "notice": notice, "noticeButton": notice_button, "fixNotice": fix_notice, "scanCode": scan_code, "closedCode": closed_code, "undoFix": undo_fix, "shots": str(shots), "timeoutMs": 60_000,
    }
    proc = subprocess.run(["node", str(DRIVER), json.dumps(spec)], capture_output=True, text=True,
                          timeout=SCENARIO_TIMEOUT, env={**os.environ, "CODEWARD_E2E_DIR": str(E2E_DIR)})
    assert proc.returncode == 0, f"driver crashed:\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"], (
        f"{name}: {result.get('error')}\nproblems: {result.get('problemsAtError')}\n"
        f"steps: {result['steps']}\nscreenshots in {shots}; extension log:\n{server.extension_log()[-2000:]}"
    )
    assert any(finding.code in row for row in result["problems"]), result["problems"]
    return result


def wait_for_files(root: Path, expected: dict[str, str | None], timeout: float = 30) -> dict[str, str | None]:
    """The text of each of ``expected``'s files under ``root`` (None: absent), once it is as
    expected or ``timeout`` seconds passed: the editor writes and deletes asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        found = {name: (root / name).read_text("utf-8") if (root / name).exists() else None for name in expected}
        if found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def workspace(root: Path, files: dict[str, str]) -> Path:
    folder = root / "ws"
    for rel, text in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    return folder


def findings(path: Path) -> list[Finding]:
    config = discover(path)
    doc = SourceDoc(path.read_text("utf-8"), path.name, "python", path.stem)
    return analyze(doc, config, None, path.name).findings


def engine_finding(path: Path, code: str) -> Finding:
    """The engine's own finding for ``code`` in ``path``: the scenario's expectation."""
    found = [f for f in findings(path) if f.code == code]
    assert found, f"the engine reports no {code} in {path.name}: the scenario's sample needs updating"
    return found[0]


def engine_fix(path: Path, finding: Finding) -> tuple[str, list[FileEdit]]:
    """The text (and other-file edits) the engine's own fix for ``finding``'s rule produces."""
    assert finding.fix is not None, f"{finding.code} has no fix in {path.name}"
    config = discover(path).with_overrides(select=[finding.code])
    doc = SourceDoc(path.read_text("utf-8"), path.name, "python", path.stem)
    outcome = fix_document(doc, config, None, finding.fix.applicability is not Applicability.SAFE, path.name)
    assert outcome.text != doc.text, "the engine's fix changes nothing"
    return outcome.text, list(outcome.file_edits)


def require_rule(code: str) -> None:
    if code not in all_rules():
        pytest.skip(f"{code} is not implemented on this branch yet; this scenario runs once it lands")


def check_fixed(path: Path, code: str, expected: str, result: dict) -> None:
    assert path.read_text("utf-8") == expected, "the file saved by VS Code differs from the engine's fix"
    assert not [f for f in findings(path) if f.code == code], f"{code} still reported after the fix"
    assert not any(code in row for row in result["problemsAfter"]), result["problemsAfter"]


TLS_CLIENT = """
    import requests


    def fetch(url):
        return requests.get(url, verify=False, timeout=5)
    """
