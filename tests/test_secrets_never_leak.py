"""Planted canary secrets never appear in any output: CLI text/JSON/SARIF (stdout and
--output), the scan cache, `codeward rules`, rule-failure paths, fixture harness messages,
reprs, and the language server's diagnostics and log messages. The one place a value may be
written is the project's own `.env`, by the unsafe fix."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from codeward.checks.config import Config
from codeward.checks.scan import scan
from codeward.server.cli import main
from fake_keys import KINDS, fake, pem

# One canary per known format plus context-only values (passwords, signing keys, hex).
CANARIES = {kind: fake(kind, 99) for kind in KINDS if kind != "pem_body"}
PEM = pem(99)
PEM_LINES = [line for line in PEM.splitlines() if "-----" not in line]


def _python_source() -> str:
    c = CANARIES
    return (
        "import os\n\nimport stripe\nfrom sqlalchemy import create_engine\n\n"
        f'AWS_ACCESS_KEY_ID = "{c["aws_access_key_id"]}"\n'
        f'AWS_SECRET_ACCESS_KEY = "{c["aws_secret_access_key"]}"\n'
        f'stripe.api_key = "{c["stripe"]}"\n'
        f'GH = "{c["github"]}"\n'
        f'OPENAI = "{c["openai"]}"\n'
        f'CLAUDE = "{c["anthropic"]}"\n'
        f'TWILIO_AUTH_TOKEN = "{c["twilio_token"]}"\n'
        f'SERVICE_JWT = "{c["jwt"]}"\n'
        f'DB_PASSWORD = "{c["password"]}"\n'
        f'SECRET_KEY = os.environ.get("SECRET_KEY", "{c["signing"]}")\n'
        f'engine = create_engine("postgresql://app:{c["password"]}x@db/app")\n'
        f'SIGNING_KEY = """{PEM}"""\n'
        f'broken = "{c["huggingface"]}" +\n'  # a syntax error on a line holding a secret
    )


def _configs() -> dict[str, str]:
    c = CANARIES
    return {
        "config.yaml": f"auth:\n  clientSecret: {c['hex']}\n  github: {c['github_fine']}\n",
        "settings.json": json.dumps({"gitlab": c["gitlab"], "sendgrid": c["sendgrid"], "apiKey": c["hex"] + "0"}),
        "docker-compose.yml": f"services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={c['password']}z\n",
        "Dockerfile": f"FROM python:3.12\nENV SLACK_TOKEN {c['slack_bot']}\n",
        ".env.example": f"GOOGLE_KEY={c['google']}\nMAILGUN={c['mailgun']}\n",
        "app.ini": f"[hooks]\nslack = {c['slack_webhook']}\nwebhook_secret = {c['stripe_webhook']}\n",
        "service.toml": f'[twilio]\napi_key = "{c["twilio_key"]}"\n',
    }


def _leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, str) else text.decode("utf-8", "replace")
    found = [kind for kind, value in CANARIES.items() if value in data]
    found += ["pem"] if any(line in data for line in PEM_LINES) else []
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)
    else:
        (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(_python_source())
    for name, text in _configs().items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_every_canary_is_detected(project: Path) -> None:
    """The leak checks below mean something only if every canary is really found."""
    result = scan([project], Config(root=project))
    assert not result.failures
    found_codes = {f.code for f in result.findings}
    assert found_codes == {"CW201", "CW202", "CW203", "CW204"}
    per_file = {f.path for f in result.findings}
    assert per_file == {"app.py", *_configs()}
    assert len(result.findings) >= 24


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_reports_never_contain_a_canary(project: Path, fmt: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project)
    assert main(["scan", "--format", fmt, "."]) == 1
    out, err = capsys.readouterr()
    assert "CW201" in out
    assert _leaks(out + err) == []
    report = project / f"report.{fmt}"
    main(["scan", "--format", fmt, "--output", str(report), "."])
    assert _leaks(report.read_bytes()) == []


def test_cache_on_disk_holds_no_canary(project: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    main(["scan", "."])
    main(["scan", "--format", "json", "."])  # served from the cache
    out, _ = capsys.readouterr()
    caches = list((tmp_path / "cache" / "codeward").glob("*.pickle"))
    assert caches, "the scan cache was not written"
    for cache in caches:
        assert _leaks(cache.read_bytes()) == []
        pickle.loads(cache.read_bytes())  # still a valid cache
    assert _leaks(out) == []


def test_rule_documentation_holds_no_canary(capsys) -> None:
    for args in (["rules"], ["rules", "--format", "json"], *(["rules", f"CW20{n}"] for n in range(1, 5))):
        assert main(args) == 0
    out, err = capsys.readouterr()
    assert "CW204" in out and _leaks(out + err) == []


def test_detection_errors_do_not_quote_values(project: Path, capsys, monkeypatch) -> None:
    from codeward.checks.secrets import python_source

    def explode(doc, catalog):  # an exception whose text quotes a secret
        raise ValueError(f"cannot parse {CANARIES['stripe']}")

    monkeypatch.setattr(python_source, "scan", explode)
    monkeypatch.chdir(project)
    for fmt in ("text", "json", "sarif"):
        assert main(["scan", "--no-cache", "--format", fmt, "app.py"]) == 2
    out, err = capsys.readouterr()
    assert "secret detection failed (ValueError)" in out
    assert _leaks(out + err) == []


def test_findings_fingerprints_and_reprs_hold_no_value(project: Path) -> None:
    result = scan([project], Config(root=project))
    for finding in result.findings:
        assert _leaks(finding.message) == [], finding.message
        assert _leaks(finding.fingerprint_text) == [], finding.fingerprint_text
        assert _leaks(repr(finding.properties)) == []
        assert _leaks(repr(finding)) == []  # a logged Finding (with its fix) stays masked
        for step in finding.flow:
            assert _leaks(step.message) == []


def test_only_dotenv_receives_the_value_on_fix(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".git" not in p.parts}
    main(["scan", "--no-cache", "--fix", "--unsafe-fixes", "."])
    out, err = capsys.readouterr()
    assert _leaks(out + err) == []
    assert _leaks((project / "app.py").read_text()) == ["huggingface"]  # on the broken line: no fix
    env = (project / ".env").read_text()
    assert CANARIES["stripe"] in env and PEM_LINES[0] in env
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts and path.name != ".env":
            # No file but .env gains a value it did not hold before (.gitignore, .env.example, caches).
            assert set(_leaks(path.read_bytes())) <= set(_leaks(before.get(path, b""))), path


def test_fixture_harness_messages_hold_no_value(project: Path) -> None:
    from harness import compare, scan_fixture

    problems = compare(scan_fixture(project), project)  # nothing is annotated: all unannounced
    assert problems and all("unannounced" in p for p in problems)
    assert _leaks("\n".join(problems)) == []


@pytest.mark.parametrize("profile", ["visual_studio_code", "neovim"])
async def test_language_server_diagnostics_and_logs_hold_no_value(profile: str, tmp_path: Path) -> None:
    from lsp.session import start_session, stop_session, tell_commands_from_code_actions

    # A client whose edits cannot create files: the server writes .env itself (the value
    # never travels to the client; see test_lsp_secret_fix.py for the WorkspaceEdit path).
    session = await start_session(profile, tmp_path, file_operations=False)
    tell_commands_from_code_actions(session.client.protocol._converter)
    try:
        uri = session.open("app.py", _python_source())
        diagnostics = await session.diagnostics(uri)
        assert {d.code for d in diagnostics} >= {"CW201", "CW202", "CW203", "CW204"}
        everything = list(diagnostics)
        for name, language in (("config.yaml", "yaml"), ("Dockerfile", "dockerfile"), (".env.example", "dotenv"), ("settings.json", "json")):
            config_uri = session.open(name, _configs()[name], language=language)
            config_diagnostics = await session.diagnostics(config_uri)
            assert config_diagnostics, name
            everything = [*everything, *config_diagnostics]
        serialised = json.dumps([session.client.protocol._converter.unstructure(d) for d in everything])
        assert _leaks(serialised) == []
        commands = []
        for diag in diagnostics:
            actions = await session.code_actions(uri, diag.range, diagnostics=[diag])
            # Nothing in a code action list holds a value: the .env line stays in the server.
            assert _leaks(json.dumps([session.client.protocol._converter.unstructure(a) for a in actions])) == []
            commands += [a.command for a in actions if a.command is not None]
        assert commands, "secret fixes carry the command that writes .env"
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=commands[0].command, arguments=commands[0].arguments))
        env = (tmp_path / ".env").read_text()
        assert _leaks(env) and "=" in env  # the server wrote the value to .env on disk
        assert ".env" in (tmp_path / ".gitignore").read_text().splitlines()  # not a repo: ignored first
        logs = "\n".join(m.message for m in session.client.log_messages)
        assert _leaks(logs) == []
    finally:
        await stop_session(session)
