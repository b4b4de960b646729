"""The team workflow of `codeward scan`: baselines, suppressions, previews, CI formats, stdin."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from codeward.server.cli import main

TLS = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
SQL = (
    "import sqlite3\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
    "@app.route('/q')\ndef q():\n    db = sqlite3.connect('x.db')\n"
    "    return str(db.execute(\"SELECT * FROM t WHERE n = '%s'\" % request.args['n']).fetchall())\n"
)
SECRET = 'STRIPE_KEY = "sk_live_' + "4eC39HqLyjWDarjtT1zdp7dc" + '"\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(TLS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys, *args: str) -> list[dict]:
    return json.loads(run(capsys, "scan", "--no-cache", "--format", "json", *args)[1])["findings"]


# -- baseline ----------------------------------------------------------------------------
def test_baseline_round_trip(project: Path, capsys) -> None:
    (project / "config.py").write_text(SECRET)
    code, _, err = run(capsys, "scan", "--no-cache", "--write-baseline", "baseline.json", ".")
    assert code == 0 and "Wrote 2 findings" in err
    stored = (project / "baseline.json").read_text()
    assert "4eC39HqLyjWDarjtT1zdp7dc" not in stored and "sk_live" not in stored and "verify" not in stored
    assert run(capsys, "scan", "--no-cache", "--baseline", "baseline.json", ".")[0] == 0  # re-scan: clean

    # moved code (lines above it, reformatted file) stays baselined
    (project / "app.py").write_text("# a header comment\n\nimport os\n" + TLS)
    assert run(capsys, "scan", "--no-cache", "--baseline", "baseline.json", ".")[0] == 0

    # one new vulnerability: exactly one new finding, even of the same rule in the same file
    (project / "app.py").write_text(TLS + "\n\ndef other(u):\n    return requests.post(u, verify=False)\n")
    new = findings(capsys, "--baseline", "baseline.json", ".")
    assert [(f["code"], f["line"]) for f in new] == [("CW502", 9)]


def test_rewriting_the_baseline_drops_fixed_findings_and_keeps_the_salt(project: Path, capsys) -> None:
    (project / "second.py").write_text(TLS)
    run(capsys, "scan", "--no-cache", "--write-baseline", "b.json", ".")
    before = json.loads((project / "b.json").read_text())
    assert len(before["findings"]) == 2
    (project / "second.py").write_text("print('fixed')\n")
    run(capsys, "scan", "--no-cache", "--write-baseline", "b.json", ".")
    after = json.loads((project / "b.json").read_text())
    assert after["salt"] == before["salt"] and after["findings"] == [e for e in before["findings"] if e["path"] == "app.py"]


def test_a_repeated_identical_line_is_counted(project: Path, capsys) -> None:
    twice = "import requests\nrequests.get(u, verify=False)\nrequests.get(u, verify=False)\n"
    (project / "app.py").write_text(twice)
    run(capsys, "scan", "--no-cache", "--write-baseline", "b.json", ".")
    (project / "app.py").write_text(twice + "requests.get(u, verify=False)\n")
    assert len(findings(capsys, "--baseline", "b.json", ".")) == 1


@pytest.mark.parametrize("content", ["not json", '{"format": "other"}', '{"format": "codeward-baseline/v1", "salt": "zz", "findings": []}'])
def test_a_broken_baseline_is_an_error(content: str, project: Path, capsys) -> None:
    (project / "b.json").write_text(content)
    code, _, err = run(capsys, "scan", "--no-cache", "--baseline", "b.json", ".")
    assert code == 2 and "b.json" in err


# -- suppressions ------------------------------------------------------------------------
def test_suppression_reasons_reach_json_and_sarif(project: Path, capsys) -> None:
    (project / "app.py").write_text(TLS.replace("verify=False)", "verify=False)  # codeward: ignore[CW502] -- internal CA"))
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "json", ".")
    payload = json.loads(out)
    assert code == 0 and payload["findings"] == [] and payload["suppressed"][0]["reason"] == "internal CA"
    sarif = json.loads(run(capsys, "scan", "--no-cache", "--format", "sarif", ".")[1])
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "internal CA"}]
    assert "(1 suppressed by comments)" in run(capsys, "scan", "--no-cache", ".")[1]


def test_unused_suppressions_are_reported_and_fixed(project: Path, capsys) -> None:
    (project / "app.py").write_text("import requests\nrequests.get(u, timeout=5)  # codeward: ignore[CW502] -- old\n")
    assert [f["code"] for f in findings(capsys, ".")] == ["CW003"]
    assert run(capsys, "scan", "--no-cache", "--fix", ".")[0] == 0
    assert (project / "app.py").read_text() == "import requests\nrequests.get(u, timeout=5)\n"


def test_a_suppression_of_a_rule_that_did_not_run_is_not_judged(project: Path, capsys) -> None:
    (project / "app.py").write_text("import requests\nrequests.get(u, timeout=5)  # codeward: ignore[CW502]\n")
    assert findings(capsys, "--select", "CW0,CW1", ".") == []


def test_external_suppressions_only_when_asked(project: Path, capsys) -> None:
    (project / "app.py").write_text(TLS.replace("verify=False)", "verify=False)  # nosec B501"))
    assert [f["code"] for f in findings(capsys, ".")] == ["CW502"]
    (project / "pyproject.toml").write_text('[tool.codeward]\nexternal-suppressions = ["nosec"]\n')
    assert findings(capsys, ".") == []
    (project / "pyproject.toml").write_text('[tool.codeward]\nexternal-suppressions = ["bandit"]\n')
    assert run(capsys, "scan", "--no-cache", ".")[0] == 2


def test_add_ignore_suppresses_every_current_finding_once(project: Path, capsys) -> None:
    (project / "q.py").write_text(SQL)
    (project / "doc.py").write_text('import requests\nDOC = """\nrequests.get(u, verify=False)\n"""\nrequests.get(\n    u, verify=False)\n')
    code, _, err = run(capsys, "scan", "--no-cache", "--add-ignore", "legacy, ticket SEC-1", ".")
    assert code == 0, err
    assert "# codeward: ignore[CW502] -- legacy, ticket SEC-1" in (project / "app.py").read_text()
    assert '"""\nrequests.get(u, verify=False)\n"""' in (project / "doc.py").read_text()  # never inside a string
    before = {p.name: p.read_text() for p in project.glob("*.py")}
    assert run(capsys, "scan", "--no-cache", "--add-ignore", "--", ".")[0] == 0
    assert {p.name: p.read_text() for p in project.glob("*.py")} == before  # idempotent


def test_add_ignore_merges_into_an_existing_comment(project: Path, capsys) -> None:
    (project / "app.py").write_text("import requests\nrequests.get(u, verify=False)  # codeward: ignore[CW101] -- why\n")
    run(capsys, "scan", "--no-cache", "--select", "CW5", "--add-ignore", ".")
    assert (project / "app.py").read_text().splitlines()[1] == "requests.get(u, verify=False)  # codeward: ignore[CW101, CW502] -- why"


def test_add_ignore_fills_a_bare_comment_and_leaves_suppression_findings_to_their_fixes(project: Path, capsys) -> None:
    (project / "app.py").write_text("import requests\nrequests.get(u, verify=False)  # codeward: ignore\nx = 1  # codeward: ignore[CW101]\n")
    _, _, err = run(capsys, "scan", "--no-cache", "--add-ignore", "reviewed", ".")
    lines = (project / "app.py").read_text().splitlines()
    assert lines[1] == "requests.get(u, verify=False)  # codeward: ignore[CW502] -- reviewed"
    assert lines[2] == "x = 1  # codeward: ignore[CW101]" and "2 findings left as they are" in err
    assert [f["code"] for f in findings(capsys, ".")] == ["CW003"]  # the unused one: for --fix


# -- fixes preview, statistics, verbosity, colour ------------------------------------------
def test_diff_previews_fixes_without_writing(project: Path, capsys) -> None:
    code, out, err = run(capsys, "scan", "--no-cache", "--diff", ".")
    assert code == 1 and "Would fix 1 finding" in err
    assert out.startswith("--- a/app.py\n+++ b/app.py\n") and "-    return requests.get(url, verify=False)\n+    return requests.get(url)\n" in out
    assert (project / "app.py").read_text() == TLS
    assert run(capsys, "scan", "--no-cache", "--show-fixes", ".")[1] == out


def test_statistics(project: Path, capsys) -> None:
    (project / "b.py").write_text(TLS)
    (project / "q.py").write_text(SQL)
    code, out, _ = run(capsys, "scan", "--no-cache", "--statistics", ".")
    assert code == 1 and out.splitlines() == ["2  CW502  [*] tls-verification-disabled", "1  CW101  [*] sql-injection"]


def test_quiet_and_verbose(project: Path, capsys) -> None:
    _, out, err = run(capsys, "scan", "--no-cache", "-q", ".")
    assert out.count("\n") == 1 and out.startswith("app.py:5:30: CW502 [*] error: ") and err == ""
    _, _, err = run(capsys, "scan", "--no-cache", "-v", ".")
    assert "configuration: defaults" in err and "1 file in" in err


def test_text_shows_a_snippet_and_colour_follows_no_color(project: Path, capsys, monkeypatch) -> None:
    out = run(capsys, "scan", "--no-cache", ".")[1]
    assert "5 |     return requests.get(url, verify=False)\n  |                              ^^^^^^^^^^^^" in out
    assert "\033[" not in out  # not a terminal
    assert "\033[1;31mCW502" in run(capsys, "scan", "--no-cache", "--color", "always", ".")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert "\033[" not in run(capsys, "scan", "--no-cache", ".")[1]


def test_snippets_never_show_a_secret(project: Path, capsys) -> None:
    (project / "config.py").write_text(SECRET)
    out = run(capsys, "scan", "--no-cache", "--color", "always", ".")[1]
    assert "4eC39HqLyjWDarjtT1zdp7dc" not in out and "STRIPE_KEY = •" in out


def test_summary_counts_unsafe_fixes_separately(project: Path, capsys) -> None:
    (project / "debug.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    out = run(capsys, "scan", "--no-cache", ".")[1]
    assert "[*] 1 fixable with `codeward scan --fix`." in out and "1 more fix with `codeward scan --fix --unsafe-fixes`" in out


# -- discovery options -------------------------------------------------------------------
def test_exclude_and_extend_exclude(project: Path, capsys) -> None:
    for folder in ("vendor", "gen"):
        (project / folder).mkdir()
        (project / folder / "x.py").write_text(TLS)
    (project / "pyproject.toml").write_text('[tool.codeward]\nexclude = ["vendor/"]\n')
    assert sorted(f["path"] for f in findings(capsys, ".")) == ["app.py", "gen/x.py"]
    assert sorted(f["path"] for f in findings(capsys, "--extend-exclude", "gen/", ".")) == ["app.py"]
    assert sorted(f["path"] for f in findings(capsys, "--exclude", "gen/", ".")) == ["app.py", "vendor/x.py"]


def test_cache_dir(project: Path, capsys, tmp_path_factory) -> None:
    cache = tmp_path_factory.mktemp("cache")
    run(capsys, "scan", "--cache-dir", str(cache), ".")
    assert list(cache.glob("scan-*.pickle"))


def test_stdin_filename(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TLS.encode())))
    code, out, _ = run(capsys, "scan", "--no-cache", "--stdin-filename", "pkg/client.py")
    assert code == 1 and out.startswith("pkg/client.py:5:30: CW502") and "5 |     return requests.get(url, verify=False)" in out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TLS.encode())))
    code, out, _ = run(capsys, "scan", "--no-cache", "--stdin-filename", "pkg/client.py", "--fix")
    assert code == 0 and out == TLS.replace(", verify=False", "")
    assert not (project / "pkg").exists()


@pytest.mark.parametrize(
    "args",
    [("--unsafe-fixes",), ("--fix", "--diff"), ("--stdin-filename", "a.py", "app.py"), ("--add-ignore", "x", "--fix")],
)
def test_option_combinations_that_would_mislead_are_errors(args: tuple[str, ...], project: Path, capsys) -> None:
    code, _, err = run(capsys, "scan", "--no-cache", *args)
    assert code == 2 and "codeward: error:" in err


# -- CI formats, each against its documented shape -----------------------------------------
GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,endLine=\d+(,col=\d+,endColumn=\d+)?,title=[^,:]+::[^\n\r]+$")


def test_github_annotations(project: Path, capsys) -> None:
    (project / "debug.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n")
    (project / "we,ird:name.py").write_text(TLS)
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "github", ".")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 3 and all(GITHUB_LINE.match(line) for line in lines), lines
    assert "::error file=app.py,line=5,endLine=5,col=30,endColumn=42,title=CW502 tls-verification-disabled::CW502 " in out
    assert any(line.startswith("::warning file=debug.py,line=3") for line in lines)
    assert "file=we%2Cird%3Aname.py" in out


GITLAB_SCHEMA = {  # https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string"},
            "check_name": {"type": "string"},
            "fingerprint": {"type": "string"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {"path": {"type": "string"}, "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"type": "integer", "minimum": 1}}}},
            },
        },
    },
}


def test_gitlab_code_quality(project: Path, capsys) -> None:
    (project / "b.py").write_text(TLS + TLS.replace("def fetch", "def again"))
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "gitlab", ".")
    issues = json.loads(out)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert code == 1 and len(issues) == 3 and len({i["fingerprint"] for i in issues}) == 3
    assert issues[0]["location"] == {"path": "app.py", "lines": {"begin": 5, "end": 5}} and issues[0]["check_name"] == "CW502"
    assert json.loads(run(capsys, "scan", "--no-cache", "--format", "gitlab", "app.py")[1])[0]["fingerprint"] == issues[0]["fingerprint"]


def test_junit(project: Path, capsys) -> None:
    (project / "bin.py").write_bytes(b"\x00\x01")
    code, out, _ = run(capsys, "scan", "--no-cache", "--format", "junit", ".")
    root = ET.fromstring(out)
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"app.py", "bin.py"}
    [case] = suites["app.py"].findall("testcase")
    assert case.get("classname") == "app.py" and case.get("name") == "CW502 app.py:5:30"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "CW502" and "verify" in failure.get("message")
    assert suites["bin.py"].find("testcase/error").get("type") == "not-analysed"
    (project / "app.py").write_text("print(1)\n")
    (project / "bin.py").unlink()
    clean = ET.fromstring(run(capsys, "scan", "--no-cache", "--format", "junit", ".")[1])
    assert clean.get("failures") == "0" and len(clean.findall("testsuite/testcase")) == 1


# -- new-code gate against a git ref -------------------------------------------------------
def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(__import__("shutil").which("git") is None, reason="git is not installed")
def test_diff_base_reports_only_changed_lines(tmp_path: Path, capsys, monkeypatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "old.py").write_text(TLS)
    (repo / "app.py").write_text(TLS)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "legacy")
    _git(repo, "checkout", "-qb", "feature")
    (repo / "app.py").write_text("# new header\n" + TLS + "\n\ndef more(u):\n    return requests.post(u, verify=False)\n")
    _git(repo, "commit", "-qam", "feature work")
    (repo / "untracked.py").write_text(TLS)
    (repo / ".gitignore").write_text("ignored.py\n")
    (repo / "ignored.py").write_text(TLS)
    found = findings(capsys, "--diff-base", "main", ".")
    assert sorted((f["path"], f["line"]) for f in found) == [("app.py", 10), ("untracked.py", 5)]
    # main moving on after the branch was cut does not count as this branch's change
    _git(repo, "checkout", "-q", "main")
    (repo / "old.py").write_text(TLS.replace("def fetch", "def fetched"))
    _git(repo, "commit", "-qam", "main moves on")
    _git(repo, "checkout", "-q", "feature")
    assert sorted(f["path"] for f in findings(capsys, "--diff-base", "main", ".")) == ["app.py", "untracked.py"]
    code, _, err = run(capsys, "scan", "--no-cache", "--diff-base", "no-such-ref", ".")
    assert code == 2 and "no-such-ref" in err
    code, _, err = run(capsys, "scan", "--no-cache", "--diff-base=--output=x", ".")
    assert code == 2 and "cannot start with" in err  # never read as a git option


def test_diff_base_outside_a_repository_is_an_error(project: Path, capsys) -> None:
    code, _, err = run(capsys, "scan", "--no-cache", "--diff-base", "main", ".")
    assert code == 2 and "--diff-base" in err
