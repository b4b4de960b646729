"""The `codeward` command line: exit codes, formats, discovery, fixing, rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codeward.server.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json"
VULN = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # a repository root: paths are relative to it
    (tmp_path / "app.py").write_text(VULN)
    (tmp_path / "clean.py").write_text("print('hello')\n")
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_and_exit_code(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project)
    code, out, _ = run(capsys, "scan", "--no-cache")
    assert code == 1
    assert "app.py:5:30: CW502 [*] error: `verify=...` here" in out
    assert "  fix: Remove the argument that disables certificate verification" in out
    assert "Found 1 finding in 2 files." in out


def test_clean_tree_exits_zero(project: Path, capsys) -> None:
    assert run(capsys, "scan", "--no-cache", str(project / "clean.py"))[0] == 0


def test_exit_zero_flag(project: Path, capsys) -> None:
    assert run(capsys, "scan", "--no-cache", "--exit-zero", str(project))[0] == 0


def test_missing_path_is_a_usage_error(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path / "nope"))
    assert code == 2 and "no such file" in err


def test_bad_config_exits_two_and_names_the_key(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.codeward]\nbogus = 1\n")
    code, _, err = run(capsys, "scan", "--no-cache", str(project))
    assert code == 2 and "'bogus'" in err and "pyproject.toml" in err


def test_json_format(project: Path, capsys) -> None:
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "json", str(project))
    payload = json.loads(out)
    assert code == 1 and payload["tool"] == "codeward"
    [finding] = payload["findings"]
    assert finding | {"message": ""} == finding | {
        "code": "CW502", "name": "tls-verification-disabled", "path": "app.py", "line": 5, "column": 30,
        "severity": "error", "confidence": "high", "cwe": [295], "message": "",
    }
    assert finding["fix"] == {"title": "Remove the argument that disables certificate verification", "applicability": "safe"}


@pytest.mark.skipif(not SCHEMA.is_file(), reason="../shared/data/sarif-schema-2.1.0.json is not beside the repository")
def test_sarif_is_valid_against_the_official_schema(project: Path, capsys, tmp_path: Path) -> None:
    import jsonschema

    (project / "binary.py").write_bytes(b"\x00\x01")
    out_file = tmp_path / "out.sarif"
    code, _, _ = run(capsys, "scan", "--no-cache", "--format", "sarif", "--output", str(out_file), str(project))
    sarif = json.loads(out_file.read_text())
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    run_ = sarif["runs"][0]
    assert code == 2 and run_["columnKind"] == "unicodeCodePoints"  # 2: binary.py was not analysed
    [result] = run_["results"]
    assert result["ruleId"] == "CW502" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert result["partialFingerprints"]["codeward/v1"]
    rule = run_["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "CW502" and "external/cwe/cwe-295" in rule["properties"]["tags"]
    assert "security" in rule["properties"]["tags"] and float(rule["properties"]["security-severity"]) > 0
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("binary" in n["message"]["text"] for n in notes)


def test_fingerprints_survive_unrelated_edits(project: Path, capsys) -> None:
    def fingerprint() -> str:
        out = run(capsys, "scan", "--no-cache", "--format", "sarif", str(project))[1]
        return json.loads(out)["runs"][0]["results"][0]["partialFingerprints"]["codeward/v1"]

    before = fingerprint()
    (project / "app.py").write_text("# a new comment\n\n" + VULN)
    assert fingerprint() == before


def test_fix_applies_safe_fixes_only(project: Path, capsys) -> None:
    (project / "debug.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    code, _, err = run(capsys, "scan", "--no-cache", "--fix", str(project))
    assert "Fixed 1 finding" in err
    assert "verify" not in (project / "app.py").read_text()
    assert "debug=True" in (project / "debug.py").read_text()  # unsafe: left alone
    assert code == 1
    code, _, _ = run(capsys, "scan", "--no-cache", "--fix", "--unsafe-fixes", str(project))
    assert code == 0 and "import os" in (project / "debug.py").read_text()


def test_gitignore_and_exclude_are_honoured(project: Path, capsys, monkeypatch) -> None:
    (project / ".gitignore").write_text("generated/\n")
    (project / "generated").mkdir()
    (project / "generated" / "x.py").write_text(VULN)
    (project / "vendor").mkdir()
    (project / "vendor" / "y.py").write_text(VULN)
    (project / ".venv").mkdir()
    (project / ".venv" / "z.py").write_text(VULN)
    (project / "pyproject.toml").write_text('[tool.codeward]\nexclude = ["vendor/"]\n')
    out = run(capsys, "scan", "--no-cache", "--format", "json", str(project))[1]
    assert [f["path"] for f in json.loads(out)["findings"]] == ["app.py"]
    monkeypatch.chdir(project)  # relative paths are anchored the same way
    out = run(capsys, "scan", "--no-cache", "--format", "json", ".")[1]
    assert [f["path"] for f in json.loads(out)["findings"]] == ["app.py"]
    # a file or folder named explicitly is always scanned, by absolute or relative path
    out = run(capsys, "scan", "--no-cache", "--format", "json", str(project / "vendor" / "y.py"))[1]
    assert [f["path"] for f in json.loads(out)["findings"]] == ["vendor/y.py"]
    for named in (str(project / "generated"), "generated"):
        out = run(capsys, "scan", "--no-cache", "--format", "json", named)[1]
        assert [f["path"] for f in json.loads(out)["findings"]] == ["generated/x.py"], named


def test_select_and_ignore_flags(project: Path, capsys) -> None:
    assert run(capsys, "scan", "--no-cache", "--ignore", "CW502", str(project))[0] == 0
    assert run(capsys, "scan", "--no-cache", "--select", "CW501", str(project))[0] == 0
    assert run(capsys, "scan", "--no-cache", "--select", "CW5", str(project))[0] == 1


def test_warm_cache_gives_the_same_answer(project: Path, capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = run(capsys, "scan", "--format", "json", str(project))[1]
    assert list((tmp_path / "cache" / "codeward").glob("scan-*.pickle"))
    assert not (project / ".codeward-cache").exists(), "the cache must live outside the scanned tree"
    assert run(capsys, "scan", "--format", "json", str(project))[1] == first
    (project / "app.py").write_text("print('fixed')\n")
    assert json.loads(run(capsys, "scan", "--format", "json", str(project))[1])["findings"] == []


def test_rules_listing_and_documentation(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "CW502  tls-verification-disabled" in out and "CWE-295" in out
    code, out, _ = run(capsys, "rules", "cw502")
    assert code == 0 and "## Why is this bad" in out and "## Fix safety" in out
    assert run(capsys, "rules", "CW999")[0] == 2
    assert json.loads(run(capsys, "rules", "--format", "json")[1])


def test_console_script_runs(project: Path) -> None:
    exe = shutil.which("codeward", path=str(Path(sys.executable).parent))
    assert exe, "the `codeward` console script is not installed next to this Python"
    done = subprocess.run([exe, "scan", "--no-cache", str(project)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "CW502" in done.stdout and done.stderr == ""


def test_a_cache_file_others_can_write_is_never_loaded(project: Path, capsys, tmp_path: Path, monkeypatch) -> None:
    import os

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run(capsys, "scan", str(project))
    [cache_file] = (tmp_path / "cache" / "codeward").glob("scan-*.pickle")
    canary = tmp_path / "pwned"

    class Planted:
        def __reduce__(self):
            return (open, (str(canary), "w"))

    import pickle

    cache_file.write_bytes(pickle.dumps(Planted()))
    os.chmod(cache_file, 0o666)
    assert run(capsys, "scan", str(project))[0] == 1
    assert not canary.exists(), "a group/world-writable cache file was unpickled"


def test_project_digest_is_the_same_in_every_process() -> None:
    """The warm cache keys on it: hash-seeded set order must not change facts between runs."""
    projects = ROOT / "benchmarks" / "corpus"  # realistic multi-file apps
    code = (
        "from pathlib import Path; from codeward.checks.config import Config;"
        "from codeward.checks.scan import scan;"
        f"r = scan([Path({str(projects)!r})], Config(root=Path({str(projects)!r})), jobs=1); print(r.project.digest)"
    )
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1, digests


def test_a_named_file_of_another_kind_is_reported_not_read_as_python(project: Path, capsys, monkeypatch) -> None:
    """``codeward scan README.md`` used to parse the prose as Python: suppression examples in it
    became findings, and ``--fix`` offered to rewrite the README."""
    monkeypatch.chdir(project)
    readme = "Suppress with `# codeward: ignore` on the line.\n"
    (project / "README.md").write_text(readme)
    (project / "serve").write_text(VULN)  # an extensionless script is Python
    code, out, err = run(capsys, "scan", "--no-cache", "--fix", "README.md", "serve")
    assert "README.md: not analysed: not a file kind codeward reads (`.md`)" in out + err
    assert (project / "README.md").read_text() == readme
    assert "CW001" not in out and "verify" not in (project / "serve").read_text()
