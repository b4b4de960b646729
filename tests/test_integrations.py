"""Integrations run for real: the pre-commit hook through `pre-commit try-repo`, the GitHub
Action's script on a fixture repository, and the source distribution's own test suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TLS = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
BIN = Path(sys.executable).parent
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True)


def _repository(path: Path) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    (path / "app.py").write_text(TLS)
    (path / "clean.py").write_text("print('hi')\n")
    _git(path, "add", ".")
    _git(path, "commit", "-qm", "initial")
    return path


@needs_git
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit try-repo needs this source tree to be a git checkout")
def test_pre_commit_hook_runs_through_try_repo(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "project")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    try_repo = [str(BIN / "pre-commit"), "try-repo", str(ROOT), "codeward", "--color", "never"]
    found = subprocess.run([*try_repo, "--files", "app.py", "clean.py"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert found.returncode == 1, found.stdout + found.stderr
    assert "app.py:5:30: CW502 [*] error:" in found.stdout and "codeward" in found.stdout
    clean = subprocess.run([*try_repo, "--files", "clean.py"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert clean.returncode == 0, clean.stdout + clean.stderr


@needs_git
def test_github_action_script_writes_sarif_annotations_and_outputs(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "project")
    outputs = tmp_path / "github_output"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",  # codeward already installed: no pip install
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(outputs),
        "INPUT_PATHS": ".",
        "INPUT_ARGS": "--no-cache",
        "INPUT_SARIF_FILE": "out/codeward.sarif",
        "INPUT_FAIL_ON_FINDINGS": "true",
    }
    (repo / "out").mkdir()
    step = subprocess.run(["bash", str(ROOT / "integrations" / "github-action.sh")], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert step.returncode == 1, step.stderr
    assert step.stdout.startswith("::error file=app.py,line=5,")
    sarif = json.loads((repo / "out" / "codeward.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["CW502"]
    assert outputs.read_text().splitlines() == ["sarif-file=out/codeward.sarif", "exit-code=1"]
    env["INPUT_FAIL_ON_FINDINGS"] = "false"
    assert subprocess.run(["bash", str(ROOT / "integrations" / "github-action.sh")], cwd=repo, env=env, capture_output=True, timeout=300).returncode == 0


def test_action_metadata_names_the_script_and_every_input_it_reads() -> None:
    action = (ROOT / "action.yml").read_text()
    script = (ROOT / "integrations" / "github-action.sh").read_text()
    assert "using: composite" in action and "integrations/github-action.sh" in action
    for name in ("PATHS", "ARGS", "SARIF_FILE", "VERSION", "FAIL_ON_FINDINGS"):
        assert f"INPUT_{name}:" in action and f"INPUT_{name}" in script


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="builds the sdist from a source checkout")
def test_the_sdist_carries_its_tests_and_licence_and_they_run(tmp_path: Path) -> None:
    import tarfile

    build = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    [archive] = (tmp_path / "dist").glob("codeward-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
        tar.extractall(tmp_path / "unpacked", filter="data")
    for required in ("LICENSE", "pyproject.toml", "tests/conftest.py", "tests/test_cli.py", "tests/fixtures/rules/configuration/tls.py",
                     "benchmarks/scoring.py", "examples/demo_app/app.py", ".pre-commit-hooks.yaml", "action.yml", "integrations/github-action.sh", ".ci/run"):
        assert required in names, required
    assert not any("node_modules" in n or n.endswith(".pyc") for n in names)
    [wheel] = (tmp_path / "dist").glob("codeward-*.whl")
    import zipfile

    wheel_names = zipfile.ZipFile(wheel).namelist()
    assert "codeward/__main__.py" in wheel_names and any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel_names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in wheel_names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Classifier: Topic :: Security" in metadata and "Project-URL: Source," in metadata
    # the unpacked sdist's own tests run (a quick subset: configuration, the README's TOML, a rule fixture)
    [unpacked] = (tmp_path / "unpacked").iterdir()
    tests = subprocess.run(
        [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "tests/test_cli_defects.py", "tests/test_config.py", "tests/test_rule_fixtures.py", "-k", "not python_dash_m and (readme or config or tls)"],
        cwd=unpacked, capture_output=True, text=True, timeout=600,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
