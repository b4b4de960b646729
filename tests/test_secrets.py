"""Secrets family (CW2xx): detection in every file kind, exclusions, robustness, git-aware
fix file edits, env-reader conventions and the rotation note."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.fixes import apply_fix
from codeward.checks.model import Finding
from codeward.checks.project import ProjectIndex
from codeward.checks.source import SourceDoc
from codeward.checks.secrets import git
from codeward.checks.secrets.envfix import dotenv_value
from codeward.checks.secrets.naming import env_name, normalise
from fake_keys import fake, pem

HAS_GIT = shutil.which("git") is not None


def findings(text: str, path: str = "app.py", kind: str = "python", config: Config | None = None, project: ProjectIndex | None = None) -> list[Finding]:
    result = analyze(SourceDoc(text, path, kind), config or Config(), project, path)
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code.startswith("CW2")]


def codes(text: str, **kwargs) -> list[str]:
    return [f.code for f in findings(text, **kwargs)]


@pytest.mark.parametrize("name", ["apiKey", "API_KEY", "api-key", "api.key", "ApiKey"])
def test_names_normalise_in_any_style(name: str) -> None:
    assert normalise(name) == "api_key"
    assert codes(f'{{"{name}": "{fake("hex", 1)}"}}', path="c.json", kind="json") == ["CW202"]


def test_env_names_are_qualified_by_their_owner() -> None:
    assert env_name("password", "DB_CONFIG") == "DB_PASSWORD"
    assert env_name("api_key", "stripe", qualify=True) == "STRIPE_API_KEY"
    assert env_name("clientSecret") == "CLIENT_SECRET"


def test_json_documents_and_minified_lines() -> None:
    text = json.dumps({"db": {"password": fake("password", 1)}, "stripe": fake("stripe", 1), "public": "pk_live_x"})
    found = findings(text, path="config.json", kind="json")
    assert sorted(f.code for f in found) == ["CW201", "CW202"]
    line = text.splitlines()[0]
    for finding in found:  # ranges cover exactly the value
        value = line[finding.range.start.column : finding.range.end.column]
        assert value in (fake("password", 1), fake("stripe", 1))


def test_test_folders_are_skipped_unless_configured() -> None:
    text = f'API_TOKEN = "{fake("hex", 2)}"\n'
    for path in ("tests/test_api.py", "app/tests/factories.py", "conftest.py", "pkg/api_test.py"):
        assert codes(text, path=path) == []
        assert codes(text, path=path, config=Config(secrets_in_tests=True)) == ["CW202"]
    assert codes(text, path="app/contest.py") == ["CW202"]


def test_huge_single_line_and_pathological_inputs_stay_fast() -> None:
    blob = "a" * 2_000_000
    pairs = '{"k": "' + "x:" * 400_000 + '"}'
    started = time.monotonic()
    for text, kind in ((blob, "json"), (pairs, "json"), ("password=" + "=" * 1_000_000, "env"), ("s://" + "a:" * 300_000 + "@", "yaml")):
        findings(text, path="big." + kind, kind=kind)
    findings(f"x = '{'a' * 1_000_000}'\n")
    assert time.monotonic() - started < 10


def test_secret_deep_in_a_long_line_is_found() -> None:
    text = '{"padding": "' + "p" * 500_000 + f'", "token": "{fake("github", 5)}"}}'
    assert codes(text, path="big.json", kind="json") == ["CW201"]


def test_env_read_fallbacks_and_placeholders() -> None:
    text = (
        "import os\n"
        f'A = os.environ.get("A_SECRET", "{fake("hex", 3)}")\n'
        'B = os.environ.get("B_SECRET", "change-me-in-production")\n'
        'C = os.getenv("C_TOKEN")\n'
        'D_PASSWORD = "<your password>"\n'
    )
    found = findings(text)
    assert [(f.code, f.range.start.line) for f in found] == [("CW202", 1)]
    assert "fallback of environment variable `A_SECRET`" in found[0].message
    fixed = apply_fix(SourceDoc(text, "app.py"), found[0].fix)
    assert 'A = os.getenv("A_SECRET")\n' in fixed  # the file's own convention (os.getenv)


def test_env_file_flagged_only_when_git_would_commit_it(tmp_path: Path) -> None:
    text = f"STRIPE_KEY={fake('stripe', 9)}\n"
    (tmp_path / ".env").write_text(text)
    config = Config(root=tmp_path)
    assert codes(text, path=".env", kind="env", config=config) == []  # no repository: nothing to commit
    if not HAS_GIT:
        pytest.skip("git is not installed")
    _git(tmp_path, "init", "-q")
    git._cache.clear()
    assert codes(text, path=".env", kind="env", config=config) == ["CW201"]
    (tmp_path / ".gitignore").write_text(".env\n")
    git._cache.clear()
    assert codes(text, path=".env", kind="env", config=config) == []
    assert codes(text, path=".env.example", kind="env", config=config) == ["CW201"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True, capture_output=True, timeout=30)


def _fix_edits(finding: Finding) -> dict[str, str]:
    assert finding.fix is not None
    return {e.path: e.append for e in finding.fix.file_edits}


def test_fix_file_edits_follow_git(tmp_path: Path) -> None:
    secret = fake("stripe", 11)
    text = f'import stripe\nstripe.api_key = "{secret}"\n'
    (tmp_path / "app.py").write_text(text)
    config = Config(root=tmp_path)
    # Not a repository: .env is not known to be ignored, so .gitignore gets it too.
    edits = _fix_edits(findings(text, config=config)[0])
    assert edits == {".gitignore": ".env\n", ".env": f"STRIPE_API_KEY={secret}\n"}
    if not HAS_GIT:
        pytest.skip("git is not installed")
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text(".env\n")
    (tmp_path / ".env.example").write_text("DEBUG=\n")
    git._cache.clear()
    edits = _fix_edits(findings(text, config=config)[0])
    assert edits == {".env": f"STRIPE_API_KEY={secret}\n", ".env.example": "STRIPE_API_KEY=\n"}
    assert all(e.sensitive == (e.path == ".env") for e in findings(text, config=config)[0].fix.file_edits)


def test_committed_secret_must_be_rotated(tmp_path: Path) -> None:
    if not HAS_GIT:
        pytest.skip("git is not installed")
    text = f'TOKEN = "{fake("github", 12)}"\n'
    config = Config(root=tmp_path)
    (tmp_path / "app.py").write_text(text)
    _git(tmp_path, "init", "-q")
    git._cache.clear()
    assert "rotate" not in findings(text, config=config)[0].message
    _git(tmp_path, "add", "app.py")
    _git(tmp_path, "commit", "-q", "-m", "add")
    (tmp_path / "app.py").write_text("TOKEN = None\n")  # removed since: history still has it
    git._cache.clear()
    assert "already in git history" in findings(text, config=config)[0].message


@pytest.mark.parametrize(
    ("imports", "expected", "added"),
    [
        ("", 'os.environ["API_TOKEN"]', "import os\n"),
        ("import os\nDEBUG = os.getenv('DEBUG')\n", 'os.getenv("API_TOKEN")', None),
        ("from decouple import config\nDEBUG = config('DEBUG')\n", 'config("API_TOKEN")', None),
        ("from environs import Env\nenv = Env()\n", 'env.str("API_TOKEN")', None),
        ("import environ\nsettings_env = environ.Env(DEBUG=(bool, False))\n", 'settings_env("API_TOKEN")', None),
    ],
)
def test_fix_follows_the_files_env_convention(imports: str, expected: str, added: str | None) -> None:
    text = f'{imports}API_TOKEN = "{fake("hex", 13)}"\n'
    doc = SourceDoc(text, "settings.py")
    found = findings(text, path="settings.py")
    fixed = apply_fix(doc, found[0].fix)
    assert f"API_TOKEN = {expected}\n" in fixed
    if added:
        assert fixed.startswith(added)


@pytest.mark.parametrize(
    ("imports", "loader"),
    [
        ("from environs import Env\nconf = Env()\n", "conf.read_env()"),
        ("import environ\nenv = environ.Env(DEBUG=(bool, False))\n", "environ.Env.read_env() with the path of .env"),
    ],
)
def test_nothing_loads_dotenv_names_the_readers_own_loader(imports: str, loader: str) -> None:
    """An environs or django-environ reader that loads no .env yet: its own read_env is
    advised (its read fails with an error naming the variable, so no guard is added)."""
    text = f'{imports}API_TOKEN = "{fake("hex", 15)}"\n'
    [finding] = findings(text, path="settings.py")
    assert finding.fix is not None and finding.fix.title.endswith("(nothing loads .env: export it before running)")
    assert f"or call {loader} before API_TOKEN is read." in finding.fix.note, finding.fix.note
    assert "python-dotenv" not in finding.fix.note
    assert "RuntimeError" not in apply_fix(SourceDoc(text, "settings.py"), finding.fix)


def test_fix_follows_the_projects_convention() -> None:
    project = ProjectIndex(None)
    other = SourceDoc("from decouple import config\nDEBUG = config('DEBUG')\n", "other.py")
    project.update("other.py", other)
    text = f'API_TOKEN = "{fake("hex", 14)}"\n'
    found = findings(text, project=project)
    fixed = apply_fix(SourceDoc(text, "app.py"), found[0].fix)
    assert fixed == 'from decouple import config\nAPI_TOKEN = config("API_TOKEN")\n'


def test_dotenv_values_are_quoted_when_needed() -> None:
    assert dotenv_value("abc123") == "abc123"
    assert dotenv_value('a b"c\\') == '"a b\\"c\\\\"'
    assert dotenv_value(pem(1)).startswith('"-----BEGIN')


def test_cli_unsafe_fix_moves_the_secret_to_dotenv(tmp_path: Path, capsys, monkeypatch) -> None:
    from codeward.server.cli import main

    secret = fake("password", 15)
    (tmp_path / ".git").mkdir()
    (tmp_path / "db.py").write_text(f'DB_PASSWORD = "{secret}"\n')
    (tmp_path / ".env.example").write_text("DEBUG=\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--no-cache", "--fix", "--unsafe-fixes", "."]) == 0
    out, err = capsys.readouterr()
    assert secret not in out + err
    # Nothing loads .env here (no python-dotenv): a clear error instead of a bare KeyError.
    assert (tmp_path / "db.py").read_text() == (
        'import os\nif "DB_PASSWORD" not in os.environ:\n    raise RuntimeError("Set the environment variable DB_PASSWORD: '
        'codeward moved its value to .env, which this program does not load")\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'
    )
    assert "db.py: The password is now DB_PASSWORD in .env (.env is added to .gitignore). Nothing loads .env here: export DB_PASSWORD" in err
    assert (tmp_path / ".env").read_text() == f"DB_PASSWORD={secret}\n"
    assert ".env" in (tmp_path / ".gitignore").read_text().splitlines()
    assert (tmp_path / ".env.example").read_text() == "DEBUG=\nDB_PASSWORD=\n"


def test_binary_and_undecodable_files_are_not_analysed(tmp_path: Path) -> None:
    from codeward.checks.scan import scan

    (tmp_path / ".git").mkdir()
    (tmp_path / "blob.json").write_bytes(b"\x00\x01" + fake("stripe", 16).encode() + b"\xff" * 100)
    (tmp_path / "latin.yaml").write_bytes(b"password: caf\xe9" + fake("hex", 16).encode())
    result = scan([tmp_path], Config(root=tmp_path))
    assert not result.findings and not result.failures
    assert len(result.not_analysed) == 2


def test_language_server_writes_sensitive_edits_itself(tmp_path: Path) -> None:
    from codeward.checks.model import FileEdit
    from codeward.server.lsp.secret_edits import Pending, PendingFixes

    pending = PendingFixes()
    edit = FileEdit(".env", f"API_TOKEN={fake('hex', 20)}\n", sensitive=True)
    token = pending.stash(Pending(tmp_path, (edit,), "moved"))
    assert pending.stash(Pending(tmp_path, (edit,), "moved")) == token and fake("hex", 20) not in token
    assert [o.message for o in pending.write(token)] == ["updated .env"]
    assert [o.message for o in pending.write(token)] == [".env already up to date"]
    assert (tmp_path / ".env").read_text() == edit.append
    outside = pending.stash(Pending(tmp_path, (FileEdit("../.gitignore", ".env\n"), FileEdit(".env", "X=1\n", sensitive=True)), "moved"))
    [refused] = pending.write(outside)  # .env not written
    assert not refused.ok and refused.message == "../.gitignore not written: ../.gitignore: not a path inside the project"
    assert "X=1" not in (tmp_path / ".env").read_text()
    assert pending.write("unknown-token") == []


def test_existing_dotenv_value_is_never_shadowed(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("export API_TOKEN=the-users-own\n")
    text = f'API_TOKEN = "{fake("hex", 21)}"\n'
    [finding] = findings(text, config=Config(root=tmp_path))
    assert finding.fix is not None and not finding.fix.file_edits
    assert "(API_TOKEN is already in .env; " in finding.fix.title
