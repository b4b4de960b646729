"""`codeward instructions`: the project's own conventions, as rules for AI assistants, kept in a
marked section of an assistant's rules file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codeward.server.cli import main
from codeward.server.instructions_cmd import END, START

FIXTURES = Path(__file__).parent / "fixtures" / "instructions"


def instructions(capsys, path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["instructions", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_flask_sqlite_app(capsys) -> None:
    code, out, _ = instructions(capsys, FIXTURES / "flask_sqlite")
    assert code == 0
    assert "decorator `member_required` (`from notes.auth import member_required`)" in out
    assert "sqlite3 with `?` placeholders" in out and "%s" not in out
    assert "`GET /health`" in out and "`GET POST /login`" in out and "/notes" not in out.split("public on purpose")[1].split("\n")[0]
    assert "WHERE id = ? AND owner_id = ?\", (note_id, g.user_id)" in out
    assert "environment variables" in out and "render_template" in out


def test_fastapi_sqlalchemy_app(capsys) -> None:
    code, out, _ = instructions(capsys, FIXTURES / "fastapi_sqlalchemy")
    assert code == 0
    assert "dependency `get_current_user` (`from .deps import get_current_user`)" in out
    assert "SQLAlchemy" in out and "`text(\"... WHERE id = :id\")` with a params dict" in out and "`?` placeholders" not in out
    assert "`GET /status`" in out
    assert "Order.owner_id == user.id" in out
    assert "pydantic `BaseSettings`" in out and "TemplateResponse" in out


@pytest.mark.parametrize("target", ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md", ".cursor/rules/security.mdc"])
def test_write_updates_only_the_marked_section(target: str, tmp_path: Path, capsys) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "flask_sqlite", project)
    path = project / target
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Our rules\n\nWrite tests first.\n")
    assert instructions(capsys, project, "--write", target)[0] == 0
    first = path.read_text()
    assert first.startswith("# Our rules\n\nWrite tests first.\n\n" + START) and first.rstrip().endswith(END)
    assert "member_required" in first
    path.write_text(first + "\nA note people added later.\n")
    (project / "notes" / "auth.py").write_text((project / "notes" / "auth.py").read_text().replace("member_required", "login_needed"))
    (project / "notes" / "app.py").write_text((project / "notes" / "app.py").read_text().replace("member_required", "login_needed"))
    assert instructions(capsys, project, "--write", target)[0] == 0
    second = path.read_text()
    assert "login_needed" in second and "member_required" not in second
    assert second.startswith("# Our rules\n\nWrite tests first.\n\n") and second.endswith("\nA note people added later.\n")
    assert second.count(START) == 1
    instructions(capsys, project, "--write", target)
    assert path.read_text() == second  # idempotent


def test_a_new_cursor_rules_file_gets_front_matter(tmp_path: Path, capsys) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "fastapi_sqlalchemy", project)
    assert instructions(capsys, project, "--write", ".cursor/rules/security.mdc")[0] == 0
    text = (project / ".cursor" / "rules" / "security.mdc").read_text()
    assert text.startswith("---\ndescription: ") and "alwaysApply: true\n---\n" in text and START in text


@pytest.mark.parametrize("target", ["../outside.md", "link/AGENTS.md"])
def test_write_stays_inside_the_project(target: str, tmp_path: Path, capsys) -> None:
    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "flask_sqlite", project)
    (tmp_path / "elsewhere").mkdir()
    (project / "link").symlink_to(tmp_path / "elsewhere")
    code, _, err = instructions(capsys, project, "--write", target)
    assert code == 2 and "codeward: error:" in err
    assert not (tmp_path / "outside.md").exists() and not (tmp_path / "elsewhere" / "AGENTS.md").exists()
