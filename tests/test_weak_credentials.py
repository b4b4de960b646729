"""Guessable credentials (CW205-CW207): test files, no double reports, no value in output,
and the fix follows an env reader that fails when the variable is unset."""

from __future__ import annotations

import json

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.fixes import apply_fix
from codeward.checks.model import Confidence, Finding
from codeward.checks.source import SourceDoc

SETTINGS = (
    "import os\n"
    'SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-key")\n'
    'JWT_SECRET = "change-me"\n'
)


def findings(text: str, path: str = "app.py", config: Config | None = None) -> list[Finding]:
    config = config or Config().with_overrides(min_confidence="low")
    result = analyze(SourceDoc(text, path), config, None, path)
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code.startswith("CW2")]


def test_test_files_keep_the_secrets_in_tests_behaviour() -> None:
    assert [f.code for f in findings(SETTINGS)] == ["CW205", "CW205"]
    for path in ("tests/settings.py", "test_login.py", "app/conftest.py", "config/settings/testing.py", "settings_test.py",
                 "scripts/debug_token.py", "final_test_chat.py"):
        assert findings(SETTINGS, path) == []
    opted_in = Config().with_overrides(min_confidence="low", secrets_in_tests=True)
    assert [f.code for f in findings(SETTINGS, "tests/settings.py", opted_in)] == ["CW205", "CW205"]


def test_key_names_and_sentinels_are_no_keys() -> None:
    text = 'import os\nclass Names:\n    SECRET = "secret"\n    PASSWORD = "password"\nJWT_SECRET = os.getenv("JWT_SECRET", "NOT SET")\n'
    assert findings(text) == []
    assert [f.code for f in findings('SECRET_KEY = "secret-key"\n')] == ["CW205"]


def test_a_real_looking_value_is_a_cw202_finding_only() -> None:
    text = 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "PTJx2kDvuX$miBO_1XLyb_n@-(XbifYbk0&OsGNyT5*=Du0s22")\n'
    assert [f.code for f in findings(text)] == ["CW202"]
    text = 'def check(password):\n    return password == "Qx7#kLm2!vB9"\n'
    assert [f.code for f in findings(text)] == ["CW206"]


def test_values_never_reach_messages_or_properties() -> None:
    text = SETTINGS + (
        "import MySQLdb\nMySQLdb.connect(passwd=\"root\")\n"
        "def login(password):\n    return password == \"admin123\"\n"
    )
    found = findings(text)
    assert sorted(f.code for f in found) == ["CW205", "CW205", "CW206", "CW207"]
    dumped = json.dumps([[f.message, f.fingerprint_text, f.properties] for f in found])
    for value in ("dev-secret-key", "change-me", "root", "admin123"):
        assert value not in dumped


def test_service_passwords_and_local_databases_are_low_confidence() -> None:
    text = (
        "import os\nfrom sqlalchemy import create_engine\n"
        'DB_PASSWORD = os.getenv("DB_PASSWORD", "postgres")\n'
        'engine = create_engine("postgresql://postgres:postgres@localhost/dev")\n'
        'remote = create_engine("postgresql://postgres:postgres@db.internal/app")\n'
    )
    assert [(f.code, f.confidence) for f in findings(text)] == [
        ("CW205", Confidence.LOW), ("CW207", Confidence.LOW), ("CW207", Confidence.MEDIUM)]


def test_an_api_key_counts_only_when_the_app_checks_it() -> None:
    sent = 'import os\nOPENAI_API_KEY = os.getenv("OPENAI_API_KEY", "sk-your-key")\n'
    assert findings(sent) == []
    checked = 'import os\nAPI_KEY = os.getenv("API_KEY", "dev-key")\ndef ok(key):\n    return key == API_KEY\n'
    assert [f.code for f in findings(checked)] == ["CW205"]


def test_fix_keeps_a_reader_that_fails_and_replaces_getenv() -> None:
    decouple = 'from decouple import config\nSECRET_KEY = config("SECRET_KEY", default="dev")\n'
    (finding,) = findings(decouple)
    assert apply_fix(SourceDoc(decouple), finding.fix).endswith('SECRET_KEY = config("SECRET_KEY")\n')
    getenv = 'import os\nSECRET_KEY = os.getenv("SECRET_KEY", "dev")\nX = os.getenv("X")\n'
    (finding,) = findings(getenv)
    assert 'SECRET_KEY = os.environ["SECRET_KEY"]\n' in apply_fix(SourceDoc(getenv), finding.fix)
