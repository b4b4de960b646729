"""Contracts between the VS Code extension (vscode-client/) and the Python side.

Fast checks that catch drift without starting an editor: the server bundled in the .vsix
pins every runtime dependency, and the settings the extension sends are exactly the ones the
language server understands, with defaults it accepts.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from codeward.server.lsp.settings import Settings, parse_settings

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]
CLIENT = REPO / "vscode-client"
PACKAGE = json.loads((CLIENT / "package.json").read_text("utf-8"))
PROPERTIES = PACKAGE["contributes"]["configuration"]["properties"]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (CLIENT / "bundled-requirements.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = Version(version)
    return pins


def test_bundled_server_pins_every_runtime_dependency() -> None:
    pins = _pins()
    declared = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    for spec in map(Requirement, declared):
        if spec.marker and not spec.marker.evaluate({"python_version": "3.10", "python_full_version": "3.10.0"}):
            continue  # not needed on any Python the bundle runs on (3.10 is the oldest)
        name = re.sub(r"[-_.]+", "-", spec.name).lower()
        assert name in pins, f"{spec.name} is a dependency but not in vscode-client/bundled-requirements.txt"
        assert spec.specifier.contains(pins[name], prereleases=True), f"pin {name}=={pins[name]} violates {spec}"


def _server_keys() -> list[str]:
    source = (CLIENT / "src" / "settings.ts").read_text("utf-8")
    listed = re.search(r"const SERVER_KEYS = \[([^\]]*)\]", source)
    assert listed, "SERVER_KEYS not found in settings.ts"
    return re.findall(r'"(\w+)"', listed.group(1))


def test_extension_sends_only_settings_the_server_accepts() -> None:
    sent = {key: PROPERTIES[f"codeward.{key}"]["default"] for key in _server_keys()}
    sent["interpreter"] = None  # what the extension sends when the user chose none
    settings, problems = parse_settings({"codeward": sent})
    assert problems == []
    assert settings == Settings(), "package.json defaults differ from the server's defaults"


def test_every_server_setting_has_an_extension_setting() -> None:
    def camel(name: str) -> str:
        head, *rest = name.removesuffix("_ms").split("_")
        return head + "".join(part.title() for part in rest)

    for field in dataclasses.fields(Settings):
        assert f"codeward.{camel(field.name)}" in PROPERTIES, f"server setting {field.name} has no codeward.* setting"


def test_workspace_trust_restricts_the_settings_that_pick_a_program() -> None:
    restricted = PACKAGE["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]
    assert set(restricted) == {"codeward.interpreter", "codeward.importStrategy"}
