"""`codeward routes`: the per-route checklist in text, JSON and markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.routes import summaries_for
from codeward.server.cli import main
from codeward.server.routes_cmd import collect

from harness import FIXTURES
from test_access import index_project

FLASK = FIXTURES / "projects" / "access_flask"


@pytest.fixture
def flask_app(tmp_path: Path) -> Path:
    """The Flask fixture project without its fix goldens."""
    target = tmp_path / "flask_app"
    shutil.copytree(FLASK, target, ignore=shutil.ignore_patterns("*.fixed.py"))
    return target


def test_json_lists_every_route_with_auth_ownership_inputs_and_findings(flask_app: Path, capsys) -> None:
    assert main(["routes", str(flask_app), "--format", "json"]) == 0
    routes = {(" ".join(r["methods"]), r["url"]): r for r in json.loads(capsys.readouterr().out)}
    show = routes[("GET", "/notes/<int:note_id>")]
    assert show["handler"] == "show_note" and show["path"].endswith("app/notes.py")
    assert show["authentication"] == "checked: login_required (login, decorator)"
    assert show["ownership"] == "not checked: `note_id` loads a Note with no owner filter or comparison with the caller"
    assert show["inputs"] == ["path:note_id"]
    assert [f["code"] for f in show["findings"]] == ["CW302"]
    delete = routes[("POST", "/notes/<int:note_id>/delete")]
    assert delete["authentication"].startswith("none: no decorator, dependency, hook, middleware")
    assert sorted(f["code"] for f in delete["findings"]) == ["CW301", "CW302"]
    admin = routes[("POST", "/admin/users/<int:user_id>/delete")]
    assert admin["authentication"] == "checked: before_request hook on admin_bp (admin, hook)"
    assert admin["ownership"].startswith("not judged: admin route") and admin["findings"] == []
    assert routes[("GET POST", "/login")]["authentication"] == "public: login"
    assert routes[("PUT", "/notes/<int:note_id>")]["ownership"] == "checked: a comparison with the caller in the handler"
    # Nothing decided is said as such, never as a pass.
    assert routes[("GET", "/export")]["ownership"] == "not judged: no record fetched by a client-supplied id was recognised"


def test_text_and_markdown(flask_app: Path, capsys) -> None:
    assert main(["routes", str(flask_app)]) == 0
    text = capsys.readouterr().out
    assert "GET /export" in text and "  authentication: none: " in text
    assert text.rstrip().endswith("with access-control findings.")
    assert main(["routes", str(flask_app), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("## Routes (")
    assert "| ⚠️ | GET | `/export` |" in markdown
    assert "- [ ] `POST /notes/<int:note_id>/delete`" in markdown


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    assert main(["routes", str(tmp_path / "nope")]) == 2


@pytest.mark.parametrize("name", ["access_fastapi", "access_django", "access_starlette"])
def test_every_framework_reports_routes(name: str) -> None:
    root = FIXTURES / "projects" / name
    summaries = collect(root, Config(root=root, exclude=("*.fixed.py",)))
    assert summaries and all(s.url for s in summaries)
    assert any(s.findings for s in summaries)


def test_code_lens_summaries_sit_on_the_handler_line() -> None:
    project, docs = index_project(FLASK)
    doc = docs["app/notes.py"]
    lenses = summaries_for(doc, project)
    texts = {doc.lines.line_text(rng.start.line).strip(): text for rng, text in lenses}
    assert texts["def show_note(note_id):"].startswith("GET /notes/<int:note_id> · auth: login_required")
    assert "CW302" in texts["def show_note(note_id):"]
