"""Incremental re-analysis must give exactly the findings of a full analysis, only faster."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks import incremental
from codeward.checks.incremental import IncrementalAnalyser
from codeward.checks.model import Confidence, Finding
from codeward.checks.source import SourceDoc

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Config(min_confidence=Confidence.LOW)

APP = '''\
import sqlite3

from flask import Flask, abort, g, request

app = Flask(__name__)


@app.before_request
def require_login():
    if g.get("user") is None:
        abort(401)


def clean(value):
    return value.replace("'", "")


def find_user(name):
    db = sqlite3.connect("app.db")
    return db.execute("SELECT * FROM users WHERE name = '" + clean(name) + "'").fetchall()


@app.route("/users")
def users():
    name = request.args.get("name", "")
    return {"users": find_user(name)}


@app.route("/users/<int:user_id>/delete", methods=["POST"])
def delete_user(user_id):
    sqlite3.connect("app.db").execute("DELETE FROM users WHERE id = ?", (user_id,))
    return {"deleted": user_id}


def unrelated(values):
    total = 0
    for value in values:
        total += value
    return total


@app.route("/search")
def search():
    term = request.args.get("q", "")
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM items WHERE title = '{term}'").fetchall()}
'''


@pytest.fixture(autouse=True)
def fast_path_whatever_its_cost(request, monkeypatch):
    """These tests check that the fast path gives the full analysis' findings, so they take
    it even where the re-checked copy is most of a small module (where the analyser would
    choose the full path as cheaper); ``test_the_full_path_is_taken_when_cheaper`` checks
    that choice."""
    if "cheaper" not in request.node.name:
        monkeypatch.setattr(incremental, "_CHEAPER_IN_FULL", float("inf"))


def snapshot(findings: list[Finding]) -> list[tuple]:
    return sorted(
        (f.code, f.range, f.message, f.fix, f.flow, f.severity, f.confidence, f.fingerprint_text, sorted(f.properties.items()))
        for f in findings
    )


def full(text: str) -> list[tuple]:
    return snapshot(analyze(SourceDoc(text, "app.py", "python", "app"), CONFIG, None, "app.py").findings)


def step(analyser: IncrementalAnalyser, text: str) -> tuple[bool, list[tuple]]:
    outcome = analyser.analyse(text, "app.py", "app", CONFIG, None, "app.py")
    return outcome.incremental, snapshot(outcome.analysis.findings)


def primed(text: str = APP) -> IncrementalAnalyser:
    analyser = IncrementalAnalyser()
    incremental, _ = step(analyser, text)
    assert not incremental  # the first analysis is always full
    return analyser


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("    total = 0\n", "    total = 0\n    count = len(values)\n"), id="unrelated-function"),
        pytest.param(lambda t: t.replace("    total = 0\n", "    total = 0\n\n\n"), id="inserted-lines-move-later-findings"),
        pytest.param(lambda t: t.replace("    return total\n", "    return eval(request.args['expr']) + total\n"), id="new-finding"),
    ],
)
def test_edits_inside_definitions_are_incremental_and_exact(edit):
    analyser = primed()
    edited = edit(APP)
    incremental, found = step(analyser, edited)
    assert incremental
    assert found == full(edited)


def test_moved_findings_keep_their_line_references_right():
    analyser = primed()
    edited = APP.replace("    total = 0\n", "    total = 0\n\n\n")
    _, found = step(analyser, edited)
    search = next(f for f in found if f[0] == "CW101" and "term" in f[2])
    lines = edited.splitlines()
    assert search[1].start.line == next(i for i, line in enumerate(lines) if "FROM items" in line)
    source = next(i for i, line in enumerate(lines) if "term = request.args" in line)
    assert f"(line {source + 1})" in search[2]  # "`term` from `request.args` (line N)", moved too


def test_a_hook_that_stops_guarding_takes_the_full_path():
    analyser = primed()
    edited = APP.replace("        abort(401)\n", "        pass\n")
    incremental, found = step(analyser, edited)
    assert not incremental  # what the module says about its guards changed
    assert found == full(edited)
    assert found != full(APP)  # the routes' verdicts depend on the hook


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("import sqlite3\n", "import sqlite3\nimport json\n"),  # imports: read as a whole
        lambda t: t.replace("import sqlite3\n", ""),
        lambda t: t.replace("def unrelated(values):", "def renamed(values):"),  # a name changes
        lambda t: t.replace('@app.route("/search")', '@app.route("/find")'),  # a decorator changes
        lambda t: t.replace("    total = 0\n", "    total = (\n"),  # an open bracket runs on
        lambda t: t.replace("    total = 0\n", '    total = """\n'),  # so does an open string
    ],
)
def test_edits_outside_function_bodies_take_the_full_path(edit):
    analyser = primed()
    edited = edit(APP)
    incremental, found = step(analyser, edited)
    assert not incremental
    assert found == full(edited)


@pytest.mark.parametrize("typed", ["    total = \n", "    if total\n", "    total = values.\n", "    total = sum(values) +\n"])
def test_a_half_typed_statement_with_closed_brackets_stays_incremental_and_exact(typed):
    analyser = primed()
    edited = APP.replace("    total = 0\n", typed)
    incremental, found = step(analyser, edited)
    assert incremental
    assert found == full(edited)
    assert any(f[0] == "CW101" for f in found)  # the other functions keep their findings


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("app = Flask(__name__)\n", "app = Flask(__name__)\nDATABASE = 'app.db'\n"),
        lambda t: t.replace("app = Flask(__name__)\n", "app = Flask(__name__)\napp.debug = True\n"),
        lambda t: t.replace("app = Flask(__name__)\n", "app = Flask(__name__)\nDEBUG = True\nSECRET_KEY = 'dev-key-1234567890'\n"),
    ],
)
def test_module_level_edits_recheck_what_names_them_and_stay_exact(edit):
    analyser = primed()
    edited = edit(APP)
    incremental, found = step(analyser, edited)
    assert incremental
    assert found == full(edited)


def test_a_syntax_error_elsewhere_does_not_block_the_fast_path():
    broken = APP + "\ndef half_typed(\n"
    analyser = primed(broken)
    edited = broken.replace("    total = 0\n", "    total = 1\n")
    incremental, found = step(analyser, edited)
    assert incremental
    assert found == full(edited)


def test_a_cancelled_analysis_keeps_the_last_good_state():
    analyser = primed()
    edited = APP.replace("    total = 0\n", "    total = 2\n")
    outcome = analyser.analyse(edited, "app.py", "app", CONFIG, None, "app.py", cancelled=lambda: True)
    assert outcome.analysis.not_analysed and "cancelled" in outcome.analysis.not_analysed
    incremental, found = step(analyser, edited)
    assert incremental and found == full(edited)


def test_a_different_configuration_or_project_state_takes_the_full_path():
    analyser = primed()
    outcome = analyser.analyse(APP.replace("total = 0", "total = 3"), "app.py", "app", Config(), None, "app.py")
    assert not outcome.incremental
    outcome = analyser.analyse(APP, "app.py", "app", Config(), None, "app.py", project_state=("index", 2))
    assert not outcome.incremental


def _corpus_files() -> list[Path]:
    files = sorted((ROOT / "benchmarks" / "corpus").rglob("*.py")) + sorted((ROOT / "tests" / "fixtures" / "rules").rglob("*.py"))
    return [f for f in files if ".fixed." not in f.name and len(f.read_text(encoding="utf-8").splitlines()) > 10]


_SNIPPETS = ["x = 1", "print(request.args.get('q'))", "cursor.execute('SELECT 1 ' + name)", "return x", "y = helper(x)", "", "x = foo(", "if x", "x = ", "return x +"]


def test_random_edits_in_real_apps_give_the_full_analysis_findings():
    """Seeded random edits (most inside function bodies) on a sample of the corpus and the
    rule fixtures: after every edit the incremental result equals a full analysis."""
    rng = random.Random(2026)
    files = rng.sample(_corpus_files(), 30)
    fast = 0
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        analyser = IncrementalAnalyser()
        analyser.analyse("\n".join(lines), str(path), "m", CONFIG, None, path.name)
        for _ in range(4):
            at = rng.randrange(1, len(lines) - 1)
            pad = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            choice = rng.random()
            if choice < 0.7:
                lines.insert(at, pad + rng.choice(_SNIPPETS))
            elif choice < 0.9:
                del lines[at]
            else:
                lines.insert(at, "def broken(")
            text = "\n".join(lines)
            outcome = analyser.analyse(text, str(path), "m", CONFIG, None, path.name)
            expected = analyze(SourceDoc(text, str(path), "python", "m"), CONFIG, None, path.name).findings
            assert snapshot(outcome.analysis.findings) == snapshot(expected), f"{path} after an edit at line {at + 1}"
            fast += outcome.incremental
    assert fast >= 20  # the fast path is really taken, not a full analysis in disguise


@pytest.mark.parametrize("app", ["django_events", "drf_invoices", "flask_notes"])
def test_random_edits_with_the_project_index_give_the_full_analysis_findings(app):
    """Routes declared in another module (Django URLconfs, DRF routers, blueprints) make
    plain functions routes: an edit must still give exactly the full analysis' findings."""
    from codeward.checks.project import module_name_for
    from codeward.checks.scan import scan

    project = scan([ROOT / "benchmarks" / "corpus" / app], CONFIG).project
    assert project is not None and project.root is not None
    rng = random.Random(app)
    fast = 0
    for path in sorted((ROOT / "benchmarks" / "corpus" / app).rglob("*.py")):
        rel = path.resolve().relative_to(project.root).as_posix()
        module = module_name_for(path, project.root)
        lines = path.read_text(encoding="utf-8").split("\n")
        if len(lines) < 10:
            continue
        analyser = IncrementalAnalyser()
        state = (id(project), project.version)
        analyser.analyse("\n".join(lines), rel, module, CONFIG, project, rel, project.root, project_state=state)
        for _ in range(6):
            at = rng.randrange(1, len(lines) - 1)
            pad = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            lines.insert(at, pad + rng.choice(_SNIPPETS))
            text = "\n".join(lines)
            outcome = analyser.analyse(text, rel, module, CONFIG, project, rel, project.root, project_state=state)
            expected = analyze(SourceDoc(text, rel, "python", module, project.root), CONFIG, project, rel).findings
            assert snapshot(outcome.analysis.findings) == snapshot(expected), f"{rel} after an edit at line {at + 1}"
            fast += outcome.incremental
    assert fast >= 2  # seeded: some edits land in function bodies and take the fast path


def test_routes_are_judged_together_so_an_edit_to_one_rechecks_the_others():
    """Removing one route's write changes why another route is reported ("the other routes
    here require a login and this one reads stored data"): every route is re-checked."""
    from codeward.checks.project import module_name_for
    from codeward.checks.scan import scan

    app = ROOT / "benchmarks" / "corpus" / "django_classifieds"
    project = scan([app], CONFIG).project
    assert project is not None and project.root is not None
    path = app / "ads" / "views.py"
    rel = path.resolve().relative_to(project.root).as_posix()
    module = module_name_for(path, project.root)
    text = path.read_text(encoding="utf-8")
    assert "    ad.delete()\n" in text
    state = (id(project), project.version)
    analyser = IncrementalAnalyser()
    analyser.analyse(text, rel, module, CONFIG, project, rel, project.root, project_state=state)
    edited = text.replace("    ad.delete()\n", "", 1)
    outcome = analyser.analyse(edited, rel, module, CONFIG, project, rel, project.root, project_state=state)
    expected = analyze(SourceDoc(edited, rel, "python", module, project.root), CONFIG, project, rel).findings
    assert outcome.incremental
    assert snapshot(outcome.analysis.findings) == snapshot(expected)


def test_saving_the_edited_file_does_not_end_the_fast_path():
    """The index version as the edited document sees it ignores that document's own
    re-indexing (an editor saving after every pause), but not other files' changes."""
    from codeward.checks.project import ProjectIndex

    index = ProjectIndex()
    index.update("app.py", SourceDoc(APP, "app.py", "python", "app"))
    index.update("helpers.py", SourceDoc("def helper():\n    return 1\n", "helpers.py", "python", "helpers"))
    seen = index.version_without("app.py")
    index.update("app.py", SourceDoc(APP + "\n", "app.py", "python", "app"))  # saved again
    assert index.version_without("app.py") == seen
    index.update("helpers.py", SourceDoc("def helper():\n    return 2\n", "helpers.py", "python", "helpers"))
    assert index.version_without("app.py") > seen
    assert index.version_without("helpers.py") < index.version


def test_a_lone_carriage_return_takes_the_full_path():
    """Python also ends a line at a lone "\\r", which the chunk table's lines do not."""
    text = APP.replace("import sqlite3\n", "import sqlite3\r# an old Mac line end\n", 1)
    analyser = primed(text)
    edited = text.replace("    total = 0\n", "    total = 0\n    x = 1\n")
    incremental, found = step(analyser, edited)
    assert not incremental
    assert found == full(edited)


def test_the_full_path_is_taken_when_cheaper():
    """An edit whose re-check needs most of the module (a method connected to every other
    method of the class that makes up most of it) takes the full analysis: the copy's facts
    and analysis would cost more."""
    methods = "".join(f"    def step_{n}(self, value):\n        total = value + {n}\n        return self.step_{n + 1}(total)\n\n" for n in range(150))
    text = f"import os\n\n\nclass Pipeline:\n{methods}\ndef small(x):\n    return os.path.join(x, 'a')\n"
    analyser = IncrementalAnalyser()
    analyser.analyse(text, "m.py", "m", CONFIG, None, "m.py")
    inside_class = text.replace("total = value + 75", "total = value + 76")  # each step calls the next: all re-checked
    outcome = analyser.analyse(inside_class, "m.py", "m", CONFIG, None, "m.py")
    assert not outcome.incremental
    assert snapshot(outcome.analysis.findings) == snapshot(analyze(SourceDoc(inside_class, "m.py", "python", "m"), CONFIG, None, "m.py").findings)
    outside = inside_class.replace("'a')", "'b')")
    assert analyser.analyse(outside, "m.py", "m", CONFIG, None, "m.py").incremental


def test_a_helper_that_stops_sanitizing_gives_the_full_analysis_findings():
    """`clean` stops doing anything: its callers' flows through it must be re-judged. It is
    now also an ineffective sanitizer for other files (CW613's project fact changes), so
    this takes the full path; either way the findings are the full analysis' findings."""
    analyser = primed()
    edited = APP.replace('    return value.replace("\'", "")\n', "    return value\n")
    incremental, found = step(analyser, edited)
    assert not incremental
    assert found == full(edited)


_STEPS = "".join(f"    def step_{n}(self, value):\n        total = value + {n}\n        return total\n\n" for n in range(120))
#: A module that is mostly one class of independent methods (a test case, a service).
LARGE_CLASS = f'''import subprocess
import yaml


class Pipeline:
    """Steps run one after the other."""

    retries = 3

    def load(self, text):
        return yaml.load(text)

{_STEPS}    def run(self, name):
        return subprocess.call("ls " + name, shell=True)

    def key(self):
        api_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
        return api_key


def helper(values):
    return sorted(values)
'''


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("total = value + 60\n", "total = value + 61\n"), id="one-method"),
        pytest.param(lambda t: t.replace("total = value + 60\n", "total = value + 60\n        count = 1\n"), id="moves-later-findings"),
        pytest.param(lambda t: t.replace("total = value + 60\n", "total = value + 60\n        count = \n"), id="half-typed"),
        pytest.param(lambda t: t.replace("total = value + 10\n", 'total = value + 10\n        stripe_key = "sk_live_51HqLyjWDarjtT1zdp7dc4eC39"\n'), id="new-finding"),
        pytest.param(lambda t: t.replace('"sk_live_4eC39HqLyjWDarjtT1zdp7dc"', 'os.environ["API_KEY"]'), id="finding-gone"),
    ],
)
def test_an_edit_inside_a_method_rechecks_that_method_not_its_class(edit, monkeypatch):
    """The unit is the method: an edit inside one method of a class that is most of the
    module is incremental (with the cost check on), and exact."""
    monkeypatch.setattr(incremental, "_CHEAPER_IN_FULL", 0.6)
    analyser = primed(LARGE_CLASS)
    edited = edit(LARGE_CLASS)
    incremental_, found = step(analyser, edited)
    assert incremental_
    assert found == full(edited)
    assert step(analyser, LARGE_CLASS) == (True, full(LARGE_CLASS))  # and back: the state follows


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("    retries = 3\n", "    retries = 4\n"), id="class-attribute"),
        pytest.param(lambda t: t.replace("class Pipeline:", "class Pipeline(Base):"), id="class-header"),
        pytest.param(lambda t: t.replace("    def step_5(self", "    @staticmethod\n    def step_5(self"), id="new-decorator"),
        pytest.param(lambda t: t.replace("    def step_5(self", "    def stage_5(self"), id="renamed-method"),
        pytest.param(lambda t: t.replace("        return total\n\n    def step_7", "        return total\ncount = 1\n    def step_7"), id="dedented"),
        pytest.param(lambda t: t.replace("return sorted(values)", "return sorted(values, key=Pipeline().step_3)"), id="class-named-elsewhere"),
    ],
)
def test_edits_to_what_every_method_sees_are_exact(edit):
    """Class attributes, the class header, a method's header, a statement leaving the class
    body, and code naming the class: each is re-checked with everything it may affect."""
    analyser = primed(LARGE_CLASS)
    edited = edit(LARGE_CLASS)
    _, found = step(analyser, edited)
    assert found == full(edited)
    assert step(analyser, LARGE_CLASS)[1] == full(LARGE_CLASS)


def test_a_method_of_a_class_named_elsewhere_rechecks_the_code_naming_it():
    """What is said of a class (a permission class, a login mixin) is read from its methods:
    code naming the class is re-checked when one of them changes."""
    text = LARGE_CLASS.replace("return sorted(values)", "return [Pipeline().load(v) for v in values]")
    analyser = primed(text)
    edited = text.replace("total = value + 60\n", "total = value + 61\n")
    _, found = step(analyser, edited)
    assert found == full(edited)
    chunks = incremental.chunks_of(ast.parse(text).body, text.split("\n"), 0, len(text.split("\n")))
    cls = next(c for c in chunks if c.name == "Pipeline")
    flat = [*chunks[:1], incremental._head(cls, text.split("\n")), *cls.members, *chunks[2:]]
    edited_method = next(i for i, c in enumerate(flat) if c.name == "step_60")
    rechecked = {flat[i].name for i in incremental._connected(flat, {edited_method})}
    assert "helper" in rechecked


@pytest.mark.parametrize("module", ["argparse", "configparser", "smtplib"])
def test_letters_typed_in_methods_of_installed_modules_give_the_full_analysis_findings(module):
    """Real library code, read from the running Python at test time: a letter typed at the
    start of a line inside a method of a large class, and deleted again."""
    import importlib
    import inspect

    text = Path(inspect.getsourcefile(importlib.import_module(module)) or "").read_text(encoding="utf-8")
    lines = text.split("\n")
    methods = [
        m for c in ast.parse(text).body if isinstance(c, ast.ClassDef)
        for m in c.body if isinstance(m, ast.FunctionDef) and m.end_lineno and m.end_lineno > m.lineno + 2
    ]
    rng = random.Random(module)
    analyser = IncrementalAnalyser()
    analyser.analyse(text, f"{module}.py", module, CONFIG, None, f"{module}.py")
    for _ in range(2):
        method = rng.choice(methods)
        at = rng.randrange(method.lineno, method.end_lineno or method.lineno)  # a body line
        type_and_delete(analyser, module, lines, at, len(lines[at]) - len(lines[at].lstrip()))


def type_and_delete(analyser: IncrementalAnalyser, module: str, lines: list[str], at: int, column: int) -> None:
    """Type a letter at ``column`` of line ``at`` of module ``module``'s text, then delete it:
    each result must equal a full analysis of the same text."""
    row = lines[at]
    for typed in (row[:column] + "x" + row[column:], row):
        lines[at] = typed
        edited = "\n".join(lines)
        outcome = analyser.analyse(edited, f"{module}.py", module, CONFIG, None, f"{module}.py")
        expected = analyze(SourceDoc(edited, f"{module}.py", "python", module), CONFIG, None, f"{module}.py").findings
        assert snapshot(outcome.analysis.findings) == snapshot(expected), f"{module} line {at + 1}"


@pytest.mark.parametrize("module", ["argparse", "smtplib"])
def test_import_edits_and_nested_functions_of_installed_modules_give_the_full_analysis_findings(module):
    """Real library code: a letter typed at the end of an import line (``import re`` →
    ``import rex``: rules read a module's imports as a whole) and at the start of a line
    inside a nested function, each deleted again; every result equals a full analysis."""
    import importlib
    import inspect

    text = Path(inspect.getsourcefile(importlib.import_module(module)) or "").read_text(encoding="utf-8")
    lines = text.split("\n")
    tree = ast.parse(text)
    imports = [s.lineno - 1 for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom)) and s.lineno == s.end_lineno]
    nested = [
        n for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        for n in f.body if isinstance(n, ast.FunctionDef) and n.end_lineno and n.end_lineno > n.lineno
    ]
    places = [(imports[0], len(lines[imports[0]]))]
    if nested:
        at = nested[0].lineno  # the first line of its body
        places.append((at, len(lines[at]) - len(lines[at].lstrip())))
    analyser = IncrementalAnalyser()
    analyser.analyse(text, f"{module}.py", module, CONFIG, None, f"{module}.py")
    for at, column in places:
        type_and_delete(analyser, module, lines, at, column)
