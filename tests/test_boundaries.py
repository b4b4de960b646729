"""Architecture guards: the engine stays pure and packaging ships every subpackage."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_engine_imports_no_lsp_or_network_package() -> None:
    code = (
        "import sys, codeward.checks, codeward.checks.scan, codeward.checks.autofix;"
        "from codeward.checks.registry import all_rules; all_rules();"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pygls', 'lsprotocol', 'codeward.server', 'requests', 'urllib3', 'httpx', 'aiohttp'} or m.startswith('codeward.server'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "", f"engine imported: {out.stdout.strip()}"


def test_every_subpackage_is_listed_for_packaging() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    found = set()
    for prefix, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([prefix, *rel.parts]))
    assert found == listed, f"missing: {sorted(found - listed)}, stale: {sorted(listed - found)}"


def test_data_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "*.toml" in config["package-data"]["codeward.checks.data"]


def test_no_top_level_checks_or_server_module() -> None:
    assert importlib.util.find_spec("checks") is None
    assert importlib.util.find_spec("server") is None
    assert importlib.util.find_spec("codeward.checks") is not None


def test_a_scan_opens_no_network_connection(tmp_path: Path, monkeypatch) -> None:
    import socket

    from codeward.checks.config import Config
    from codeward.checks.scan import scan

    def refuse(*args, **kwargs):
        raise AssertionError("the engine tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://example.org', verify=False)\n")
    result = scan([tmp_path], Config(root=tmp_path), jobs=1)
    assert [f.code for f in result.findings] == ["CW502"]
