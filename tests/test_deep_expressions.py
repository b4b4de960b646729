"""Nasty input per rule family: expressions 2,500 and 3,000 levels deep (generated code,
minified bundles pasted into a module, an assistant's runaway completion).

Each module has one ordinary finding of the family next to a deep statement of the
family's own shape. No rule may fail (a RecursionError was "internal error in CW204"), and
what cannot be analysed is said: either the ordinary finding is still reported, or the
file is reported as not analysed, or the statement too deep for the parser is masked with
the reason (the top-level statement holding it; the rest of the module still analyses).
"""

from __future__ import annotations

import pytest

from codeward.checks import SourceDoc, analyze

from fake_keys import fake


def plus_chain(term: str, depth: int) -> str:
    return " + ".join([term] * depth)


def attribute_chain(base: str, depth: int) -> str:
    return base + ".x" * depth


FAMILIES = {
    "CW1": (
        "import sqlite3\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.route('/a')\ndef a():\n    name = request.args['n']\n    db = sqlite3.connect('x')\n"
        "    db.execute({deep})\n"
        "    return db.execute(\"SELECT * FROM t WHERE n = '\" + name + \"'\").fetchall()\n",
        lambda depth: plus_chain("name", depth), "CW101",
    ),
    # Secrets and configuration keep their finding at every depth (checked strictly below).
    "CW2": (
        "import os\nKEY = {deep}\nSTRIPE = '" + fake("stripe") + "'\n",
        lambda depth: plus_chain("'ab'", depth), "CW201",
    ),
    "CW3": (
        "from flask import Flask\nfrom flask_login import login_required\napp = Flask(__name__)\n\n"
        "@app.route('/a')\n@login_required\ndef a():\n    return {deep}\n\n"
        "@app.route('/b')\n@login_required\ndef b():\n    return 'b'\n\n"
        "@app.route('/admin/delete', methods=['POST'])\ndef delete_all():\n    return 'gone'\n",
        lambda depth: attribute_chain("app", depth), "CW301",
    ),
    "CW4": (
        "from flask import Flask, request\nfrom markupsafe import Markup\napp = Flask(__name__)\n\n"
        "@app.route('/a')\ndef a():\n    name = request.args['n']\n    page = {deep}\n"
        "    return Markup('<p>' + name + '</p>')\n",
        lambda depth: plus_chain("'<p>'", depth), "CW402",
    ),
    "CW5": (
        "import requests\nfrom flask import Flask\napp = Flask(__name__)\napp.config['X'] = {deep}\n"
        "requests.get('https://a.example', verify=False)\n",
        lambda depth: plus_chain("'x'", depth), "CW502",
    ),
}


@pytest.mark.parametrize("depth", [2_500, 3_000])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_deep_expression_neither_fails_a_rule_nor_hides_the_other_findings(family: str, depth: int) -> None:
    template, deep, expected = FAMILIES[family]
    text = template.replace("{deep}", deep(depth))
    doc = SourceDoc(text, "deep.py")
    analysis = analyze(doc)
    assert not analysis.failures, [f"{f.code}: {f.error}" for f in analysis.failures]
    reported = expected in {f.code for f in analysis.findings}
    # The whole file, or only the rule that ran out of stack ("partly analysed: ... nested too
    # deeply for CW101"): either way the outcome is reported, never silent.
    skipped = "nested too deeply" in (analysis.not_analysed or "") or (
        doc.syntax_error is not None and "nesting too deep" in doc.syntax_error and doc.broken_lines
    )
    assert reported or skipped


@pytest.mark.parametrize("family", ["CW2", "CW5"])
def test_deep_module_level_statement_keeps_the_other_findings(family: str) -> None:
    template, deep, expected = FAMILIES[family]
    for depth in (2_500, 3_000, 6_000):
        analysis = analyze(SourceDoc(template.replace("{deep}", deep(depth)), "deep.py"))
        # The deep statement alone is masked and reported as such; the rest is analysed.
        assert (analysis.not_analysed is None or analysis.not_analysed.startswith("partly analysed")) and not analysis.failures
        assert expected in {f.code for f in analysis.findings}, depth
