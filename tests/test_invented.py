"""CW610 judged by what the project shows: declarations, installed metadata (read, never run)."""

from __future__ import annotations

import json

from pathlib import Path

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.invented.dependencies import declared
from codeward.checks.project import ProjectIndex
from codeward.checks.source import SourceDoc

CODE = "import requests\nimport yaml\nimport flask_xss_sanitizer\nimport os\nfrom .local import x\n"


def _venv(root: Path) -> Path:
    venv = root / ".venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    (site / "requests-2.32.0.dist-info").mkdir(parents=True)
    (site / "requests-2.32.0.dist-info" / "top_level.txt").write_text("requests\n")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return venv


def _findings(root: Path, interpreter: str | None = None):
    doc = SourceDoc(CODE, "app.py", "python", "app", root, interpreter)
    config = Config(root=root).with_overrides(min_confidence="low", select=["CW610"])
    return [(f.range.start.line, f.confidence.value, f.severity.value) for f in analyze(doc, config, ProjectIndex(root), "app.py").findings]


def test_installed_metadata_of_the_project_venv(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32\nPyYAML\n")
    _venv(tmp_path)
    assert _findings(tmp_path) == [(1, "low", "note"), (2, "high", "warning")]


def test_the_configured_interpreter_wins(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n")
    other = _venv(tmp_path / "elsewhere")
    assert _findings(tmp_path, str(other / "bin" / "python")) == [(1, "high", "warning"), (2, "high", "warning")]


def test_only_declarations_give_low_confidence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["requests>=2", "PyYAML"]\n')
    assert _findings(tmp_path) == [(2, "low", "warning")]


def test_nothing_to_judge_by(tmp_path: Path) -> None:
    assert _findings(tmp_path) == []


def test_declaration_formats(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[options]\ninstall_requires =\n    Flask_Login>=0.6\n")
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(install_requires=['itsdangerous'])\n")
    (tmp_path / "Pipfile").write_text("[packages]\nrequests = '*'\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\ngit+https://x/y.git#egg=internal_lib\npytest # tests\n")
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.11"\nhttpx = "*"\n')
    assert declared(tmp_path) == {"flask-login", "itsdangerous", "requests", "internal-lib", "pytest", "httpx"}


def test_import_names_that_drop_the_distribution_prefix(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("django-filter\ndjango-simple-captcha\nflask\n")
    doc = SourceDoc("import django_filters\nimport captcha\nimport flask_xss_sanitizer\n", "app.py", "python", "app", tmp_path)
    config = Config(root=tmp_path).with_overrides(min_confidence="low", select=["CW610"])
    assert [f.range.start.line for f in analyze(doc, config, ProjectIndex(tmp_path), "app.py").findings] == [2]


def test_the_scan_cache_follows_dependency_files_and_installs(tmp_path: Path) -> None:
    """CW610's verdict depends on requirements and installed packages, not only on the
    scanned file: a cached result must not survive a change to either."""
    from codeward.checks.scan import scan

    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("import requests\nimport flask_helpers\n")
    (project / "requirements.txt").write_text("requests\n")
    config = Config(root=project).with_overrides(min_confidence="low", select=["CW610"])

    def reported() -> list[str]:
        found = scan([project], config, jobs=1, use_cache=True, cache_dir=tmp_path / "cache").findings
        return sorted(f.message for f in found)

    assert [m.split("`")[1] for m in reported()] == ["flask_helpers"]
    (project / "requirements.txt").write_text("requests\nflask-helpers\n")
    assert reported() == []
    _venv(project)  # requests installed, flask-helpers declared but not installed
    assert [m.split("`")[1] for m in reported()] == ["flask_helpers"]
    assert "declared but not installed" in reported()[0]


def test_cli_interpreter_option_names_the_environment_imports_are_judged_by(tmp_path: Path, capsys) -> None:
    """``codeward scan --interpreter`` is the CLI's form of the editor's ``interpreter``
    setting: a virtualenv outside the tree (never guessed, since codeward does not run what
    it finds in a repository) tells CW610 what is installed; the cache follows its installs."""
    from codeward.server.cli import main

    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("import requests\n")
    (project / "requirements.txt").write_text("flask\n")
    env = tmp_path / "env"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").write_text("")  # a folder is named; its bin/python is never started by CW610
    (env / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    arguments = ["scan", "--select", "CW610", "--format", "json", "--cache-dir", str(tmp_path / "cache"), str(project)]

    def imports_reported(*extra: str) -> list[str]:
        main([*arguments[:1], *extra, *arguments[1:]])
        return [f["message"].split("`")[1] for f in json.loads(capsys.readouterr().out)["findings"]]

    assert imports_reported() == []  # nothing tells what is installed: only a low-confidence note
    assert imports_reported("--interpreter", str(env)) == ["requests"]
    _venv_packages(env / "lib" / "python3.11" / "site-packages")
    assert imports_reported("--interpreter", str(env)) == []
    assert main(["scan", "--interpreter", str(tmp_path / "missing"), str(project)]) == 2
    error = capsys.readouterr().err
    assert "--interpreter:" in error and "does not exist" in error


def _venv_packages(site: Path) -> None:
    (site / "requests-2.32.0.dist-info").mkdir()
    (site / "requests-2.32.0.dist-info" / "top_level.txt").write_text("requests\n")
