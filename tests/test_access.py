"""Access control (CW3xx): fix goldens for the multi-file projects, fix properties, the route
model's view of each framework, and `codeward routes`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeward.checks.autofix import fix_document
from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.model import Confidence
from codeward.checks.fixes import apply_fix
from codeward.checks.project import ProjectIndex, module_name_for
from codeward.checks.source import SourceDoc

from harness import FIXTURES, config_for

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir() and p.name.startswith("access_"))


def cw3(root: Path) -> Config:
    """The fixture project's own configuration, running only the access-control rules and
    reporting every finding, low-confidence ones too."""
    return config_for(root).with_overrides(select=["CW30"], min_confidence="low")


def index_project(root: Path) -> tuple[ProjectIndex, dict[str, SourceDoc]]:
    project = ProjectIndex(root)
    docs: dict[str, SourceDoc] = {}
    for path in sorted(root.rglob("*.py")):
        if ".fixed." in path.name:
            continue
        rel = path.relative_to(root).as_posix()
        doc = SourceDoc(path.read_text("utf-8"), rel, "python", module_name_for(path, root))
        project.update(rel, doc)
        docs[rel] = doc
    return project, docs


def _goldens() -> list[tuple[Path, str]]:
    found = []
    for root in PROJECTS:
        for golden in sorted(root.rglob("*.fixed.py")):
            found.append((root, golden.relative_to(root).as_posix().replace(".fixed.py", ".py")))
    return found


@pytest.mark.parametrize(("root", "rel"), _goldens(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_fix_golden(root: Path, rel: str) -> None:
    project, docs = index_project(root)
    outcome = fix_document(docs[rel], cw3(root), project, include_unsafe=True, relative_path=rel)
    assert outcome.text == (root / rel.replace(".py", ".fixed.py")).read_text("utf-8")


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_every_fixable_file_has_a_golden(root: Path) -> None:
    project, docs = index_project(root)
    for rel, doc in docs.items():
        if any(f.fix for f in analyze(doc, cw3(root), project, rel).findings):
            assert (root / rel.replace(".py", ".fixed.py")).is_file(), f"{rel} has fixes but no golden"


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_each_fix_parses_removes_its_finding_adds_none_and_is_idempotent(root: Path) -> None:
    project, docs = index_project(root)
    config = cw3(root)
    for rel, doc in docs.items():
        before = analyze(doc, config, project, rel).findings
        for finding in (f for f in before if f.fix):
            fixed_text = apply_fix(doc, finding.fix)
            fixed = SourceDoc(fixed_text, rel, "python", doc.module_name)
            assert fixed.syntax_error is None, f"{rel}: {finding.fix.title} breaks the syntax"
            after = analyze(fixed, config, project, rel).findings
            key = lambda f: (f.code, f.message)  # noqa: E731  (lines move when a fix adds lines)
            assert key(finding) not in {key(f) for f in after}, f"{rel}: {finding.code} survives its fix"
            new = {key(f) for f in after} - {key(f) for f in before}
            assert not new, f"{rel}: {finding.fix.title} adds {new}"
            again = [f for f in after if f.fix and f.code == finding.code and key(f) == key(finding)]
            assert not again


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_access_facts_pickle_for_worker_processes(root: Path) -> None:
    import pickle

    project, _ = index_project(root)
    for path, facts in project.files.items():
        access = facts.facts.get("access", {})
        assert pickle.loads(pickle.dumps(access)) == access, path


def test_editing_a_guard_in_another_file_changes_the_verdict_of_a_route() -> None:
    """The language server re-extracts facts on save: when the admin blueprint's
    ``before_request`` hook (in ``admin/__init__.py``) stops rejecting requests, the route in
    ``admin/views.py`` loses its protection."""
    root = FIXTURES / "projects" / "access_flask"
    project, docs = index_project(root)
    views = docs["app/admin/views.py"]
    config = cw3(root)
    assert analyze(views, config, project, "app/admin/views.py").findings == []
    hook = docs["app/admin/__init__.py"]
    broken = hook.text.replace("        abort(403)\n", "        pass\n", 1)
    assert broken != hook.text
    assert project.update("app/admin/__init__.py", SourceDoc(broken, "app/admin/__init__.py", "python", hook.module_name))
    after = analyze(views, config, project, "app/admin/views.py").findings
    assert [f.code for f in after] == ["CW301"]


def test_facts_of_another_application_scanned_together_do_not_apply() -> None:
    """Two Django projects in one repository: the first one's DRF default permission must not
    protect the second one's views."""
    settings = 'REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}\n'
    views = (
        "from rest_framework import viewsets\n\nfrom .models import Invoice\n\n\n"
        "class InvoiceViewSet(viewsets.ModelViewSet):\n    queryset = Invoice.objects.all()\n"
    )
    models = "from django.db import models\n\n\nclass Invoice(models.Model):\n    owner = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n"
    project = ProjectIndex()
    files = {
        "billing/config/__init__.py": "", "billing/config/settings.py": settings,
        "billing/api/__init__.py": "", "billing/api/views.py": views, "billing/api/models.py": models,
        "shop/api/__init__.py": "", "shop/api/views.py": views, "shop/api/models.py": models,
    }
    docs = {}
    for rel, text in files.items():
        docs[rel] = SourceDoc(text, rel, "python", rel[:-3].replace("/__init__", "").replace("/", "."))
        project.update(rel, docs[rel])
    from codeward.checks.knowledge import load
    from codeward.checks.routes.analysis import verdicts

    def guards(rel: str) -> list[str]:
        (verdict,) = verdicts(docs[rel], project, Config(), load(), {})
        return [f"{g.name} ({g.source})" for g in verdict.route.guards]

    assert guards("billing/api/views.py") == ["rest_framework.permissions.IsAuthenticated (settings)"]
    assert guards("shop/api/views.py") == []



_GUARDED_NOTES = {
    "orm": """
from flask import Flask, jsonify
from flask_login import current_user, login_required

from .models import Note, db

app = Flask(__name__)


@app.route("/notes")
@login_required
def list_notes():
    return jsonify([n.body for n in Note.query.filter_by(user_id=current_user.id)])
""",
    "sql": """
import sqlite3

from flask import Flask, jsonify
from flask_login import current_user, login_required

app = Flask(__name__)
db = sqlite3.connect("notes.db")


@app.route("/notes")
@login_required
def list_notes():
    return jsonify(db.execute("SELECT body FROM notes WHERE user_id = ?", (current_user.id,)).fetchall())
""",
}

_PASTED = {
    "orm": """

@app.route("/notes/<int:note_id>")
def show_note(note_id):
    return jsonify(Note.query.get_or_404(note_id).body)


@app.route("/notes/<int:note_id>", methods=["DELETE"])
def delete_note(note_id):
    db.session.delete(Note.query.get_or_404(note_id))
    db.session.commit()
    return jsonify({"ok": True})


@app.route("/notes/<int:note_id>/export")
def export_note(note_id):
    return jsonify({"body": Note.query.get_or_404(note_id).body})
""",
    "sql": """

@app.route("/notes/<int:note_id>")
def show_note(note_id):
    return jsonify(db.execute("SELECT body FROM notes WHERE id = ?", (note_id,)).fetchone())


@app.route("/notes/<int:note_id>", methods=["DELETE"])
def delete_note(note_id):
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    return jsonify({"ok": True})


@app.route("/notes/<int:note_id>/export")
def export_note(note_id):
    return jsonify({"body": db.execute("SELECT body FROM notes WHERE id = ?", (note_id,)).fetchone()})
""",
}

_NOTE_MODEL = """
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    body = db.Column(db.Text)
"""


@pytest.mark.parametrize("style", ["orm", "sql"])
@pytest.mark.parametrize("pasted", [1, 2, 3])
def test_unprotected_routes_pasted_together_are_each_reported(style: str, pasted: int) -> None:
    """An assistant pastes two or three unguarded routes at once: each one's CW301 and CW302
    stay, whatever the number of unguarded neighbours (they used to outvote the convention)."""
    blocks = _PASTED[style].split("\n\n\n")
    text = _GUARDED_NOTES[style] + "\n\n".join(blocks[:pasted]) + "\n"
    project = ProjectIndex()
    docs = {
        "notes/__init__.py": SourceDoc("", "notes/__init__.py", "python", "notes"),
        "notes/models.py": SourceDoc(_NOTE_MODEL, "notes/models.py", "python", "notes.models"),
        "notes/app.py": SourceDoc(text, "notes/app.py", "python", "notes.app"),
    }
    for rel, doc in docs.items():
        project.update(rel, doc)
    config = Config().with_overrides(select=["CW30"], min_confidence="low")
    findings = analyze(docs["notes/app.py"], config, project, "notes/app.py").findings
    lines = text.splitlines()
    handlers = ["show_note", "delete_note", "export_note"][:pasted]
    reported = {code: sorted(f.range.start.line for f in findings if f.code == code) for code in ("CW301", "CW302")}
    assert [lines[n].split("(")[0].removeprefix("def ") for n in reported["CW301"]] == handlers
    assert len(reported["CW302"]) == pasted


def test_routes_no_app_serves_are_low_confidence_and_say_why() -> None:
    """A router only a test includes, and a Django app whose include() is commented out in the
    root URL conf, serve nothing: their findings stay, at LOW confidence, saying why."""
    root = FIXTURES / "projects" / "access_served"
    project, docs = index_project(root)
    found = {rel: analyze(doc, cw3(root), project, rel).findings for rel, doc in docs.items()}
    old = found["api/app/routes/old_notes.py"]
    assert [(f.code, f.confidence.value) for f in old] == [("CW301", "low")]
    assert "not served today: the router `router` is not passed to include_router" in old[0].message
    todo = found["site/todo/views.py"]
    assert [(f.code, f.confidence.value) for f in todo] == [("CW301", "low")]
    assert "its URL conf `site.todo.urls` is not included" in todo[0].message and "`site_conf.urls`" in todo[0].message
    for served in ("api/app/routes/notes.py", "site/shop/views.py", "site/blog/views.py"):
        assert [(f.code, f.confidence.value) for f in found[served]] == [("CW301", "medium")], served


def test_weak_evidence_keeps_the_finding_at_low_confidence_saying_why() -> None:
    """Ranking by evidence (checks/routes/evidence.py): unguarded reads of data nobody owns (a
    catalogue, a count of shared tags, tips the guarded routes only write) are still reported,
    at LOW and saying what evidence was missing; the strong ones beside them (a change, owned
    records, a user in the URL, SQL naming an owner column, data the guarded routes protect
    from being read, a URL picking such a record) keep their confidence and say nothing of it."""
    root = FIXTURES / "projects" / "access_evidence"
    project, docs = index_project(root)
    found = {}
    for rel in ("notes/app.py", "notes/stats.py", "notes/board.py"):
        for f in analyze(docs[rel], cw3(root), project, rel).findings:
            found[docs[rel].lines.line_text(f.range.start.line)] = f
    low = {line: f.message for line, f in found.items() if f.confidence is Confidence.LOW}
    assert set(low) == {"def list_categories():", "def tag_counts():", "def list_tips():"}, set(low)
    assert all("; low confidence: it accepts no change and only reads data with no owner or personal field" in m for m in low.values())
    shown = {line for line, f in found.items() if line not in low and "low confidence" not in f.message}
    assert shown == {"def every_note():", "def delete_banner(banner_id):", "def badges_of(user_id):", "def per_owner_counts():",
                     "def all_announcements():", "def seen_by(announcement_id):"}, shown


def test_routes_command_says_which_routes_are_not_served(capsys) -> None:
    from codeward.server.cli import main

    root = FIXTURES / "projects" / "access_served"
    assert main(["routes", str(root), "--format", "json"]) == 0
    routes = {(r["path"].rsplit("access_served/", 1)[-1], r["handler"]): r for r in json.loads(capsys.readouterr().out)}
    assert routes[("api/app/routes/old_notes.py", "delete_note")]["served"] is False
    assert routes[("api/app/routes/notes.py", "delete_note")]["served"] is True
    assert routes[("api/app/routes/notes.py", "delete_note")]["url"] == "/api/notes/{note_id}"
    assert routes[("site/todo/views.py", "delete_item")]["unserved"].startswith("its URL conf")
    assert routes[("site/blog/views.py", "delete_item")]["url"] == "/blog/<int:pk>/delete/"
    assert main(["routes", str(root)]) == 0
    assert "  not served: the router `router` is not passed to include_router" in capsys.readouterr().out


def test_django_paths_given_by_keyword_are_routed(capsys) -> None:
    """`path(route="<int:pk>/pin/", view=views.note_pin)`: the keyword form wires the view
    like the positional one (its URL, not the `?` of an unrouted view)."""
    from codeward.server.cli import main

    root = FIXTURES / "projects" / "access_django"
    assert main(["routes", str(root), "--format", "json"]) == 0
    routes = {(r["path"].rsplit("access_django/", 1)[-1], r["handler"]): r for r in json.loads(capsys.readouterr().out)}
    assert routes[("notes/views.py", "note_pin")]["url"] == "/notes/<int:pk>/pin/"


def test_connexion_routes_come_from_the_spec_operation_ids(capsys) -> None:
    from codeward.server.cli import main

    root = FIXTURES / "projects" / "access_connexion"
    assert main(["routes", str(root), "--format", "json"]) == 0
    routes = {(r["path"].rsplit("access_connexion/", 1)[-1], " ".join(r["methods"]), r["url"]): r for r in json.loads(capsys.readouterr().out)}
    assert set(routes) == {
        ("open_api/handlers/policies.py", "GET", "/policies"),
        ("open_api/handlers/policies.py", "DELETE", "/policies/{name}"),
        ("secured/handlers/policies.py", "GET", "/policies"),
        ("secured/handlers/policies.py", "DELETE", "/policies/{name}"),
    }
    assert all(r["framework"] == "connexion" for r in routes.values())
    # The spec-wide bearer requirement applies; `security: []` opts the list out.
    assert routes[("secured/handlers/policies.py", "DELETE", "/policies/{name}")]["authentication"] == "checked: OpenAPI security requirement (login, spec)"
    assert routes[("secured/handlers/policies.py", "GET", "/policies")]["authentication"].startswith("none: ")
    assert routes[("open_api/handlers/policies.py", "DELETE", "/policies/{name}")]["authentication"].startswith("none: ")


def test_a_route_decorator_is_not_an_effect_of_the_route() -> None:
    """`@router.delete(...)` matches the `*.delete` data call: read as the route's own effect,
    every stub DELETE route "changed an existing record" (two false CW301 on real code)."""
    from codeward.checks.knowledge import load
    from codeward.checks.routes.analysis import effects_of, verdicts

    text = '''from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

router = APIRouter()


@router.delete("/users/{user_id}")
def delete_user(user_id: int):
    return {"user_id": user_id, "message": "User deleted"}


@router.delete("/items/{item_id}")
def delete_item(item_id: int, db: Session = Depends(get_db)):
    db.delete(db.get(Item, item_id))
'''
    doc = SourceDoc(text, "app/users.py", "python", "app.users")
    writes = {v.route.handler: bool(v.effects.writes) for v in verdicts(doc, None, Config(), load(), {})}
    assert writes == {"delete_user": False, "delete_item": True}


_MIDDLEWARE = '''from fastapi import Request
from fastapi.responses import JSONResponse


async def auth_middleware(request: Request, call_next):
    public_paths = ["/", "/login", "/api/public"]
    if any(request.url.path == p or (p != "/" and request.url.path.startswith(p)) for p in public_paths):
        return await call_next(request)
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)
    return await call_next(request)
'''

_MIDDLEWARE_APP = '''from fastapi import FastAPI

from .db import db
from .middleware import auth_middleware

app = FastAPI()
app.middleware("http")(auth_middleware)


@app.delete("/notes/{note_id}")
def delete_note(note_id: int):
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))


@app.delete("/api/public/notes/{note_id}")
def delete_public_note(note_id: int):
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
'''


@pytest.mark.parametrize("everything_public", [False, True])
def test_http_middleware_registered_by_call_guards_all_but_the_paths_it_names(everything_public: bool) -> None:
    """`app.middleware("http")(auth_middleware)` with the function in another module guards
    the app's routes (8 false CW301 on real code), except the paths the middleware lets through;
    a prefix test over a list holding "/" lets every path through."""
    middleware = _MIDDLEWARE.replace('(p != "/" and request.url.path.startswith(p))', "request.url.path.startswith(p)") if everything_public else _MIDDLEWARE
    project = ProjectIndex()
    docs = {
        "app/__init__.py": SourceDoc("", "app/__init__.py", "python", "app"),
        "app/db.py": SourceDoc("import sqlite3\ndb = sqlite3.connect('x.db')\n", "app/db.py", "python", "app.db"),
        "app/middleware.py": SourceDoc(middleware, "app/middleware.py", "python", "app.middleware"),
        "app/main.py": SourceDoc(_MIDDLEWARE_APP, "app/main.py", "python", "app.main"),
    }
    for rel, doc in docs.items():
        project.update(rel, doc)
    config = Config().with_overrides(select=["CW301"], min_confidence="low")
    findings = analyze(docs["app/main.py"], config, project, "app/main.py").findings
    lines = _MIDDLEWARE_APP.splitlines()
    reported = [lines[f.range.start.line].strip() for f in findings]
    expected = ["def delete_note(note_id: int):"] if everything_public else []
    assert [r for r in reported if r.startswith("def delete_note")] == expected
    assert any(r.startswith("def delete_public_note") for r in reported)


def test_open_forms_that_only_add_the_visitors_rows_are_kept_at_low_confidence() -> None:
    """Issue 13 §5: a public form (a reservation, an anonymous like deduplicated by the
    session) is reported at LOW confidence, hidden by default; a form acting for a user the
    client names, or attaching to a record the URL picks, keeps its confidence."""
    root = FIXTURES / "projects" / "access_public_content"
    project, docs = index_project(root)
    found = {}
    for rel in ("forum/forms.py", "forum/likes.py"):
        for finding in analyze(docs[rel], cw3(root), project, rel).findings:
            found[docs[rel].lines.line_text(finding.range.start.line)] = finding
    low = {line for line, f in found.items() if f.confidence is Confidence.LOW}
    assert low == {"def reserve():", "def like(topic_id):"}, low
    assert all("may be a public form by design" in found[line].message for line in low)
    assert {"def add_note_for():", "def attach(note_id):"} <= set(found) - low


def test_a_change_scoped_only_to_the_records_shared_with_the_caller_says_so() -> None:
    """A query from a helper that admits the caller's own and shared records is scoped: the
    CW302 on a change through it names the missing permission, not a missing owner filter."""
    root = FIXTURES / "projects" / "access_shared_scope"
    project, docs = index_project(root)
    findings = analyze(docs["boards/views.py"], cw3(root), project, "boards/views.py").findings
    messages = {f.range.start.line + 1: f.message for f in findings if f.code == "CW302"}
    assert "shared with the caller" in messages[18] and "no owner filter" not in messages[18]
    assert "no owner filter" in messages[52]  # visible_boards() given a posted user is no scope


def test_a_guard_imported_through_the_src_folder_protects_its_routes() -> None:
    """``from src import operational as op; Depends(op.authorize)``: the index names the
    module ``operational.authentication`` (without its ``src`` folder), and the package
    re-exports the guard. Scanned from the project's own root, as a user scans it."""
    root = FIXTURES / "projects" / "access_src_layout"
    project, docs = index_project(root)
    rel = "src/web/incomes.py"
    findings = analyze(docs[rel], cw3(root), project, rel).findings
    lines = docs[rel].text.splitlines()
    flagged = {(f.code, lines[f.range.start.line].strip()) for f in findings}
    assert flagged == {("CW301", "def delete_income(income_id: int, _: None = Depends(op.audit)):"),
                       ("CW302", 'conn.execute("DELETE FROM incomes WHERE id = ?", (income_id,))')}


def test_an_open_add_to_reference_data_is_no_public_form() -> None:
    """Anonymous adds beside guarded routes: a contact message may be a public form by
    design (kept at low confidence), a category the invoices key to is shared reference data
    every user sees (reported at the default confidence)."""
    root = FIXTURES / "projects" / "access_signup_effect"
    project, docs = index_project(root)
    rel = "app/catalogue.py"
    findings = analyze(docs[rel], cw3(root), project, rel).findings
    lines = docs[rel].text.splitlines()
    levels = {lines[f.range.start.line].split("(")[0]: f.confidence for f in findings if f.code == "CW301"}
    assert levels["def contact"] == Confidence.LOW
    assert levels["def add_category"] != Confidence.LOW
