"""What the server does before the first document arrives, so its first result is not late.

The first analysis of a fresh process used to pay for everything used for the first time:
importing and registering the rules, loading their data files, compiling the rules' regular
expressions, building parso's grammar (a half-typed buffer needs it to recover). The server
pays for them on its analysis thread as soon as it is created, while the client is still
shaking hands, by analysing a small built-in sample; the first real analysis queues behind
it on the same thread, so it never runs with half-loaded rules.

A client that opens a document at once (most do: right after ``initialized``) has that
document waiting by the time the rules are loaded. The sample is then skipped: the waiting
document pays the same first-use costs itself, and the sample's analysis (about a fifth of
the warm-up) would only delay the result the user waits for.
"""

from __future__ import annotations

from collections.abc import Callable

from codeward.checks import inference, knowledge
from codeward.checks.engine import analyze
from codeward.checks.registry import all_rules
from codeward.checks.source import SourceDoc

#: A route reading request data into SQL and a template, a configured secret, and a last
#: statement left half-typed (so parse recovery runs).
_SAMPLE = '''import os
import sqlite3

from flask import Flask, render_template_string, request

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]


@app.route("/items/<int:item_id>", methods=["POST"])
def item(item_id):
    name = request.form.get("name", "")
    db = sqlite3.connect(os.environ.get("DB", "app.db"))
    rows = db.execute(f"SELECT * FROM items WHERE id = {item_id} AND name = '{name}'").fetchall()
    return render_template_string("<p>" + name + "</p>", rows=rows)


def later(value):
    data = [
'''


def load_engine(document_waiting: Callable[[], bool] = lambda: False) -> None:
    """Rules, their data, and every first-use cost of an analysis, paid once (the
    analysis part only while no document is ``document_waiting``)."""
    all_rules()
    knowledge.load()
    if not document_waiting():
        analyze(SourceDoc(_SAMPLE, "warm_up.py", "python", "warm_up"))


def warm_up_inference() -> None:
    """jedi's first inference costs 0.5–1.6 s: paid after the first document, not on a keystroke."""
    inference.warm_up()
