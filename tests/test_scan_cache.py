"""The scan's cache re-analyses what an edit can change and nothing else.

Its key is the file's own content and the *meaning* of the project's facts (names,
signatures, summaries, guards), not their positions: inserting a line in one file re-analyses
that file, while an edit that changes what another file's verdict depends on (a helper that
stops sanitizing, a decorator that stops authenticating) re-analyses that file too. Every
warm result must equal a scan without the cache.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeward.checks import scan as scan_mod
from codeward.checks.config import Config
from codeward.checks.scan import scan

FILES = {
    "app/__init__.py": "",
    "app/helpers.py": "import shlex\n\n\ndef quoted(value):\n    return shlex.quote(value)\n",
    "app/runner.py": (
        "import subprocess\n\n\ndef traceroute(host):\n"
        "    return subprocess.run(\"traceroute \" + host, shell=True, capture_output=True).stdout\n"
    ),
    "app/auth.py": (
        "from functools import wraps\n\nfrom flask import abort\nfrom flask_login import current_user\n\n\n"
        "def checked(view):\n    @wraps(view)\n    def wrapper(*args, **kwargs):\n"
        "        if not current_user.is_authenticated or not current_user.is_admin:\n            abort(403)\n"
        "        return view(*args, **kwargs)\n\n    return wrapper\n"
    ),
    "app/views.py": (
        "import subprocess\n\nfrom flask import Flask, request\n\n"
        "from app.auth import checked\nfrom app.helpers import quoted\nfrom app.runner import traceroute\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route(\"/ping\")\ndef ping():\n    host = quoted(request.args[\"host\"])\n"
        "    return subprocess.run(\"ping -c1 \" + host, shell=True, capture_output=True).stdout\n\n\n"
        "@app.route(\"/trace\")\ndef trace():\n    return traceroute(request.args[\"host\"])\n\n\n"
        "@app.post(\"/users/<int:user_id>/delete\")\n@checked\ndef delete_user(user_id):\n"
        "    db.session.delete(User.query.get_or_404(user_id))\n    db.session.commit()\n    return \"deleted\"\n"
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".git").mkdir()
    return root


def _report(result: scan_mod.ScanResult) -> str:
    return json.dumps([
        (f.code, f.path, f.range.start.line, f.range.start.column, f.message, [(s.path, s.range.start.line, s.message) for s in f.flow])
        for f in result.findings + result.suppressed
    ])


def _warm_scan(root: Path, cache: Path, monkeypatch) -> tuple[str, list[str]]:
    """The report of a cached scan and the files it analysed again."""
    analysed: list[str] = []
    real = scan_mod._analyse_task

    def counting(target):
        analysed.append(target.relative)
        return real(target)

    monkeypatch.setattr(scan_mod, "_analyse_task", counting)
    result = scan([root], Config(), jobs=1, use_cache=True, cache_dir=cache)
    monkeypatch.setattr(scan_mod, "_analyse_task", real)
    return _report(result), sorted(analysed)


def _cold_report(root: Path) -> str:
    return _report(scan([root], Config(), jobs=1))


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_unchanged_tree_is_not_analysed_again(project: Path, tmp_path: Path, monkeypatch) -> None:
    first, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert len(analysed) == len(FILES)
    again, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert analysed == [] and again == first == _cold_report(project)


def test_a_line_inserted_at_the_top_re_analyses_only_that_file(project: Path, tmp_path: Path, monkeypatch) -> None:
    _warm_scan(project, tmp_path / "cache", monkeypatch)
    _edit(project, "app/helpers.py", "import shlex\n", "import shlex\nimport os\n")
    _edit(project, "app/auth.py", "from functools", "# guards\nfrom functools")
    report, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert analysed == ["app/auth.py", "app/helpers.py"]
    assert report == _cold_report(project)


def test_a_finding_showing_another_files_position_follows_that_file(project: Path, tmp_path: Path, monkeypatch) -> None:
    """runner.py's finding has its source step in views.py: moving that line moves the step."""
    before, _ = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert any(f[1] == "app/runner.py" and any(step[0] == "app/views.py" for step in f[5]) for f in json.loads(before))
    _edit(project, "app/views.py", "import subprocess\n", "import subprocess\n\n")
    report, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert analysed == ["app/runner.py", "app/views.py"]
    assert report == _cold_report(project) != before


def test_a_helper_that_stops_sanitizing_re_analyses_its_callers(project: Path, tmp_path: Path, monkeypatch) -> None:
    before, _ = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert not any(f[0] == "CW103" and f[1] == "app/views.py" for f in json.loads(before))
    _edit(project, "app/helpers.py", "return shlex.quote(value)", "return value")
    report, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert "app/views.py" in analysed
    assert any(f[0] == "CW103" and f[1] == "app/views.py" for f in json.loads(report))
    assert report == _cold_report(project)


def test_a_decorator_that_stops_authenticating_re_analyses_the_routes(project: Path, tmp_path: Path, monkeypatch) -> None:
    before, _ = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert not any(f[0] == "CW301" for f in json.loads(before))
    _edit(project, "app/auth.py", "        if not current_user.is_authenticated or not current_user.is_admin:\n            abort(403)\n", "")
    report, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
    assert "app/views.py" in analysed
    assert any(f[0] == "CW301" and f[1] == "app/views.py" for f in json.loads(report))
    assert report == _cold_report(project)


def test_facts_say_nothing_about_positions_outside_positions() -> None:
    """Facts without their Range/Position values must not change when lines move: a line
    number written into a fact's text (a message "(line 69)") made every insertion above it
    a change of meaning, re-analysing the whole project and ending the editor's fast path."""
    from codeward.checks.project import canonical, extract_facts, without_positions
    from codeward.checks.source import SourceDoc

    projects = Path(__file__).parent / "fixtures" / "projects"
    checked = 0
    for path in sorted(projects.rglob("*.py")):
        text = path.read_text("utf-8")
        facts = extract_facts(SourceDoc(text, "m.py", "python", "m"))
        moved = extract_facts(SourceDoc("# moved\n" + text, "m.py", "python", "m"))
        assert canonical(without_positions(facts)) == canonical(without_positions(moved)), path
        checked += bool(facts)
    assert checked > 50


def test_an_updated_engine_re_analyses_everything(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A checkout or editable install updated under the same version number must not serve
    results the older rules made: the key holds every engine file's size and time."""
    _warm_scan(project, tmp_path / "cache", monkeypatch)
    engine_file = tmp_path / "engine" / "rule.py"
    engine_file.parent.mkdir()
    engine_file.write_text("X = 1\n")
    monkeypatch.setattr(scan_mod, "__file__", str(engine_file.parent / "scan.py"))
    scan_mod._engine_stamp.cache_clear()
    try:
        _, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
        assert len(analysed) == len(FILES)
        _, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
        assert analysed == []
        engine_file.write_text("X = 22\n")
        scan_mod._engine_stamp.cache_clear()
        _, analysed = _warm_scan(project, tmp_path / "cache", monkeypatch)
        assert len(analysed) == len(FILES)
    finally:
        scan_mod._engine_stamp.cache_clear()
