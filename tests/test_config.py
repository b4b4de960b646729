"""[tool.codeward]: discovery, validation errors that name file and key, rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeward.checks import SourceDoc, analyze
from codeward.checks.config import Config, ConfigError, discover
from codeward.checks.model import Severity

TLS = "import requests\nrequests.get(u, verify=False)\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.codeward]\n{body}\n")
    return path


def test_discovery_walks_up_to_the_nearest_codeward_table(tmp_path: Path) -> None:
    _write(tmp_path, 'ignore = ["CW5"]')
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    (tmp_path / "src" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")  # no codeward table
    config = discover(nested)
    assert config.ignore == ("CW5",) and config.root == tmp_path


def test_defaults_without_a_pyproject(tmp_path: Path) -> None:
    assert discover(tmp_path).select == ()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("selct = ['CW1']", "selct"),
        ("select = 'CW1'", "select"),
        ("ignore = ['E501']", "ignore"),
        ("min-confidence = 'sure'", "min-confidence"),
        ("max-file-size = -1", "max-file-size"),
        ("timeout = true", "timeout"),
        ("[tool.codeward.severity]\nCW501 = 'fatal'", "severity.CW501"),
        ("[tool.codeward.per-file-ignores]\n'tests/*' = 'CW2'", "per-file-ignores.tests/*"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        discover(tmp_path)
    assert str(path) in str(info.value) and f"'{key}'" in str(info.value)


def test_invalid_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.codeward\nselect = [")
    with pytest.raises(ConfigError, match="invalid TOML"):
        discover(tmp_path)


def test_select_ignore_and_per_file_ignores() -> None:
    config = Config(select=("CW5",), ignore=("CW501",), per_file_ignores=(("tests/*", ("CW502",)),))
    assert config.is_enabled("CW502", "app.py")
    assert not config.is_enabled("CW501", "app.py")
    assert not config.is_enabled("CW101", "app.py")
    assert not config.is_enabled("CW502", "tests/test_x.py")


def test_severity_override_and_min_confidence() -> None:
    config = Config(severity=(("CW502", Severity.NOTE),))
    assert [f.severity for f in analyze(SourceDoc(TLS, "a.py"), config).findings] == [Severity.NOTE]
    medium = "app.run(debug=True)\n"  # an unresolved `.run(debug=True)` is medium confidence
    assert analyze(SourceDoc(medium, "a.py"), Config()).findings
    assert not analyze(SourceDoc(medium, "a.py"), Config().with_overrides(min_confidence="high")).findings


def test_suppression_needs_codes() -> None:
    suppressed = "import requests\nrequests.get(u, verify=False)  # codeward: ignore[CW502]\n"
    assert analyze(SourceDoc(suppressed, "a.py")).findings == []
    other_code = "import requests\nrequests.get(u, verify=False)  # codeward: ignore[CW501]\n"
    assert sorted(f.code for f in analyze(SourceDoc(other_code, "a.py")).findings) == ["CW003", "CW502"]  # and it is unused
    bare = "import requests\nrequests.get(u, verify=False)  # codeward: ignore\n"
    assert sorted(f.code for f in analyze(SourceDoc(bare, "a.py")).findings) == ["CW001", "CW502"]  # suppresses nothing, and says so


def test_suppression_on_the_last_line_of_a_multiline_finding() -> None:
    text = "import requests\nrequests.get(\n    u, verify=False,\n)  # codeward: ignore[CW502]\n"
    # the finding is the keyword on line 3; a comment on its own line suppresses it
    text = "import requests\nrequests.get(\n    u,\n    verify=False,  # codeward: ignore[CW502]\n)\n"
    assert analyze(SourceDoc(text, "a.py")).findings == []
