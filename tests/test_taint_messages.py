"""Taint findings name their source and sink, carry the flow steps, and rate confidence by
evidence: request data is high, stored data medium, an unknown parameter low."""

from __future__ import annotations

from harness import FIXTURES, scan_fixture

from codeward.checks import SourceDoc, analyze
from codeward.checks.config import Config
from codeward.checks.model import Confidence


def _findings(text: str, code: str):
    config = Config(min_confidence=Confidence.LOW)
    return [f for f in analyze(SourceDoc(text, "app.py", module_name="app"), config).findings if f.code == code]


def test_message_names_source_line_and_sink() -> None:
    text = (
        "from flask import Flask, request\nimport sqlite3\napp = Flask(__name__)\n\n"
        "@app.route('/u')\ndef u():\n    name = request.args['name']\n"
        "    cur = sqlite3.connect('x').cursor()\n"
        "    cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"
    )
    [finding] = _findings(text, "CW101")
    assert finding.message == "`name` from `request.args` (line 7) reaches `cur.execute` as SQL"
    assert finding.confidence is Confidence.HIGH
    assert [step.range.start.line for step in finding.flow] == [6, 6, 8]
    assert finding.flow[0].message.startswith("source:") and finding.flow[-1].message.startswith("sink:")


def test_parameter_formatted_into_sql_text_without_caller_is_medium() -> None:
    """A helper formatting its parameter into query text that nothing in the project calls:
    its unknown caller decides, so it is shown by default. (With callers in the project it
    stays low: see the tests at the end.)"""
    text = "import sqlite3\n\ndef find(conn: sqlite3.Connection, name):\n    return conn.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"
    [finding] = _findings(text, "CW101")
    assert finding.confidence is Confidence.MEDIUM
    assert "parameter `name` of `find()`" in finding.message


def test_unknown_parameter_is_low_confidence() -> None:
    """Anything else a parameter reaches (a path, a shell command) stays low."""
    text = "import subprocess\n\ndef archive(day):\n    subprocess.call('tar czf /a/%s.tgz /tmp/o' % day, shell=True)\n"
    [finding] = _findings(text, "CW103")
    assert finding.confidence is Confidence.LOW
    assert "parameter `day` of `archive()`" in finding.message


def test_sql_passed_through_untouched_is_not_reported_in_the_helper() -> None:
    text = "import sqlite3\n\ndef run(conn: sqlite3.Connection, sql):\n    return conn.execute(sql)\n"
    assert _findings(text, "CW101") == []


def test_passthrough_helper_is_reported_at_the_call_and_builder_at_the_sink() -> None:
    result = scan_fixture(FIXTURES / "projects" / "taint_flask_app")
    by_place = {(f.path.rsplit("/", 1)[-1], f.range.start.line + 1): f for f in result.findings}
    at_sink = by_place[("db.py", 17)]
    assert at_sink.confidence is Confidence.HIGH
    assert "passed in by `products()`" in at_sink.message
    assert {step.path.rsplit("/", 1)[-1] for step in at_sink.flow if step.path} == {"views.py"}
    at_call = by_place[("views.py", 15)]
    assert "in `run_query()`" in at_call.message
    assert at_call.flow[-1].path.endswith("db.py")


def test_stored_data_is_medium_confidence() -> None:
    text = (
        "import sqlite3\nfrom flask import Flask\napp = Flask(__name__)\nconn = sqlite3.connect('x')\n\n"
        "@app.route('/n')\ndef n():\n    row = conn.execute('SELECT body FROM notes').fetchone()\n"
        "    return f'<p>{row[0]}</p>'\n"
    )
    [finding] = _findings(text, "CW401")
    assert finding.confidence is Confidence.MEDIUM
    assert finding.message.startswith("stored data from `conn.execute().fetchone()`")


def test_results_do_not_depend_on_hash_order() -> None:
    """Label sets are unordered; messages, flows and fixes must not show it."""
    import json
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        target = FIXTURES / "projects" / "taint_flask_app"
        done = subprocess.run(
            [sys.executable, "-m", "codeward.server", "scan", str(target), "--format", "json", "--no-cache", "--exit-zero", "--jobs", "1"],
            capture_output=True, text=True, env=env, check=True,
        )
        outputs.append(json.loads(done.stdout)["findings"])
    assert outputs[0] == outputs[1] and outputs[0]


def test_existence_probe_is_low_confidence_directly_and_in_a_helper() -> None:
    """``os.path.exists`` of a user path reads and writes nothing: shown only on request,
    also when the probe sits in a helper the route calls."""
    text = (
        "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
        "def there(name):\n    return os.path.exists('/srv/' + name)\n\n"
        "@app.route('/p')\ndef p():\n    name = request.args['n']\n"
        "    return str(os.path.exists(f'/srv/{name}') and there(name))\n"
    )
    found = _findings(text, "CW105")
    assert len(found) == 2
    assert all(f.confidence is Confidence.LOW for f in found)
    default = [f for f in analyze(SourceDoc(text, "app.py", module_name="app"), Config()).findings if f.code == "CW105"]
    assert default == []


def test_sql_helper_without_project_caller_is_shown_and_says_the_caller_decides() -> None:
    result = scan_fixture(FIXTURES / "projects" / "taint_library_helpers")
    by_line = {f.range.start.line + 1: f for f in result.findings if f.path.endswith("queries.py")}
    assert by_line[11].confidence is Confidence.MEDIUM
    assert "nothing in the project calls `find_by_name()`" in by_line[11].message
    assert "caller decides" in by_line[11].message
    assert by_line[38].confidence is Confidence.HIGH  # the app passes request data to search()
    assert 32 not in by_line  # count_rows(): the app's one caller passes a constant


def test_sql_helper_called_in_the_same_file_with_a_constant_stays_low() -> None:
    text = (
        "import sqlite3\n\ndef count(cur: sqlite3.Cursor, table):\n"
        "    cur.execute('SELECT count(*) FROM ' + table)\n\n"
        "def total(cur: sqlite3.Cursor):\n    return count(cur, 'items')\n"
    )
    [finding] = _findings(text, "CW101")
    assert finding.confidence is Confidence.LOW
    assert "callers must not pass user input" in finding.message
