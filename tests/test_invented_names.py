"""What an installed module defines (CW611/CW612), read from its sources without importing."""

from __future__ import annotations

from pathlib import Path

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.invented.defined import defined_names, distribution_version, module_file
from codeward.checks.source import SourceDoc


def _package(root: Path, files: dict[str, str]) -> Path:
    site = root / "venv" / "lib" / "python3.11" / "site-packages"
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    (root / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return site


def test_names_come_from_every_branch_star_imports_and_submodules(tmp_path: Path) -> None:
    site = _package(tmp_path, {
        "lib/__init__.py": "from .core import *\ntry:\n    import fast as _fast\nexcept ImportError:\n    _fast = None\nif _fast:\n    def speed(): ...\n",
        "lib/core.py": "def clean(x): ...\n_private = 1\n",
        "lib/extra.py": "",
    })
    names = defined_names(module_file((site,), "lib"))
    assert names is not None and {"clean", "speed", "extra", "_fast"} <= names and "_private" not in names


def test_run_time_namespaces_are_unknown(tmp_path: Path) -> None:
    site = _package(tmp_path, {
        "table/__init__.py": "def __getattr__(name):\n    return _TABLE[name]\n",
        "shim/__init__.py": "def __getattr__(name):\n    if name == 'escape':\n        return 1\n    raise AttributeError(name)\n",
        "lookup/__init__.py": "def __getattr__(name):\n    if _OLD.get(name):\n        return 1\n    raise AttributeError(name)\n",
        "dyn/__init__.py": "globals().update(x=1)\n",
    })
    assert defined_names(module_file((site,), "table")) is None
    assert defined_names(module_file((site,), "lookup")) is None
    assert defined_names(module_file((site,), "dyn")) is None
    assert defined_names(module_file((site,), "shim")) == frozenset({"escape"})
    assert module_file((site,), "compiled") is None


def test_versions_come_from_dist_info_names(tmp_path: Path) -> None:
    site = _package(tmp_path, {"pyjwt-2.15.1.dist-info/METADATA": ""})
    assert distribution_version((site,), "PyJWT") == (2, 15, 1)
    assert distribution_version((site,), "flask") is None


def test_nothing_is_judged_without_an_installed_environment(tmp_path: Path) -> None:
    text = "from flask import sanitize_input\nimport jwt\njwt.decode(t, k)\n"
    (tmp_path / "app.py").write_text(text)
    config = Config(root=tmp_path).with_overrides(min_confidence="low")
    result = analyze(SourceDoc(text, "app.py", "python", "app", tmp_path), config, None, "app.py")
    assert not [f for f in result.findings if f.code in ("CW611", "CW612")]
    _package(tmp_path, {"flask/__init__.py": "class Flask: ...\n", "jwt/__init__.py": "def decode(t, k, algorithms=None): ...\n",
                        "PyJWT-2.8.0.dist-info/METADATA": ""})
    result = analyze(SourceDoc(text, "app.py", "python", "app", tmp_path), config, None, "app.py")
    assert sorted(f.code for f in result.findings if f.code in ("CW611", "CW612")) == ["CW611", "CW612"]
