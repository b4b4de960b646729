"""The jedi fallback: finds what the cheap resolver cannot, within its budget, without
running anything from the analysed project."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codeward.checks import SourceDoc
from codeward.checks import inference
from user_venv import USES_PACKAGE, canary, make_user_python

HELPER = "import sqlite3\n\n\ndef get_cursor():\n    return sqlite3.connect('x.db').cursor()\n"


def _last_call_func(doc: SourceDoc) -> ast.expr:
    calls = [n for n in ast.walk(doc.tree) if isinstance(n, ast.Call)]
    return max(calls, key=lambda c: (c.lineno, c.col_offset)).func


def test_jedi_resolves_a_receiver_returned_by_a_helper() -> None:
    doc = SourceDoc(HELPER + "cur = get_cursor()\ncur.execute('q')\n", "/tmp/m.py")
    func = _last_call_func(doc)
    assert doc.resolve(func) == "get_cursor().execute"  # the cheap resolver stops at the helper
    assert doc.resolve_deep(func) == "sqlite3.Cursor.execute"


def test_jedi_follows_project_modules_without_importing_them(tmp_path: Path) -> None:
    canary = tmp_path / "ran.txt"
    (tmp_path / "db.py").write_text(HELPER + f"open({str(canary)!r}, 'w').write('imported')\n")
    text = "from db import get_cursor\ncur = get_cursor()\ncur.execute('q')\n"
    doc = SourceDoc(text, str(tmp_path / "views.py"), root=tmp_path)
    assert doc.resolve_deep(_last_call_func(doc)) == "sqlite3.Cursor.execute"
    assert not canary.exists(), "analysed code was executed"


def test_budget_stops_lookups(monkeypatch) -> None:
    monkeypatch.setattr(inference, "MAX_LOOKUPS", 2)
    monkeypatch.setattr(inference, "TIME_BUDGET", 60.0)  # count-bound only: timing varies by load
    lines = [f"c{i} = get_cursor()\nc{i}.execute('q')\n" for i in range(4)]
    doc = SourceDoc(HELPER + "".join(lines), "/tmp/m.py")
    calls = [n.func for n in ast.walk(doc.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "execute"]
    results = [doc.resolve_deep(func) for func in sorted(calls, key=lambda f: f.lineno)]
    assert results[:2] == ["sqlite3.Cursor.execute"] * 2
    assert results[2:] == ["get_cursor().execute"] * 2
    assert doc.inference.budget.lookups == 2


def test_results_are_cached() -> None:
    doc = SourceDoc(HELPER + "cur = get_cursor()\ncur.execute('q')\n", "/tmp/m.py")
    func = _last_call_func(doc)
    doc.resolve_deep(func)
    doc.resolve_deep(func)
    assert doc.inference.budget.lookups == 1


@pytest.fixture(scope="module")
def user_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_user_python(tmp_path_factory.mktemp("user-venv"))


def test_installed_packages_resolve_only_in_the_interpreter_the_user_named(user_python: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(user_python.parent.parent))  # an activated venv is not a choice
    own = SourceDoc(USES_PACKAGE, str(tmp_path / "app.py"), root=tmp_path)
    assert own.resolve_deep(_last_call_func(own)) == "fakedb.open_db().execute", "fakedb is not installed for the tool"
    named = SourceDoc(USES_PACKAGE, str(tmp_path / "app.py"), root=tmp_path, interpreter=str(user_python))
    assert named.resolve_deep(_last_call_func(named)) == "sqlite3.Connection.execute"
    assert inference.interpreter_problem(str(user_python)) is None
    assert inference.interpreter_problem(str(user_python.parent.parent)) is None  # the virtualenv folder
    assert not canary(user_python).exists(), "the package was imported"


def test_an_unusable_interpreter_falls_back_to_the_tools_own(tmp_path: Path) -> None:
    not_python = tmp_path / "python"
    not_python.write_text("#!/bin/sh\nexit 1\n")
    not_python.chmod(0o755)
    not_executable = tmp_path / "python3"
    not_executable.write_text("")
    for interpreter in (tmp_path / "missing" / "python", not_python, not_executable, tmp_path):
        doc = SourceDoc(HELPER + "cur = get_cursor()\ncur.execute('q')\n", "/tmp/m.py", interpreter=str(interpreter))
        assert doc.resolve_deep(_last_call_func(doc)) == "sqlite3.Cursor.execute"
    assert "does not exist" in (inference.interpreter_problem(str(tmp_path / "missing" / "python")) or "")
    assert "not executable" in (inference.interpreter_problem(str(not_executable)) or "")
    assert "without bin/python" in (inference.interpreter_problem(str(tmp_path)) or "")
    assert inference.interpreter_problem(str(not_python)) is None  # found out only by a lookup, never by starting it
