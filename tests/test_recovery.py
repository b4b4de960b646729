"""Mid-typing buffers: broken statements are masked, everything else still analyses."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from codeward.checks import SourceDoc, analyze
from codeward.checks.config import Config

CALL = "requests.get(url, verify=False)"


def _codes_by_line(text: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for finding in analyze(SourceDoc(text, "buf.py")).findings:
        found.setdefault(finding.range.start.line, []).append(finding.code)
    return found


@pytest.mark.parametrize(
    "broken",
    [
        "    x = foo(",  # unclosed bracket
        "    s = 'unterminated",
        "    if x",  # missing colon
        "    return )",
        "    def inner(:",
        "    y = f\"{d[\"a\"]}\"",  # PEP 701 nested quotes (3.12+ only)
        "    print 'py2'",
    ],
)
def test_one_broken_statement_keeps_the_rest(broken: str) -> None:
    text = "\n".join([
        "import requests",
        "def first(url):",
        f"    {CALL}",
        "def second(url, x, d):",
        broken,
        f"    {CALL}",
        "def third(url):",
        f"    {CALL}",
        "",
    ])
    lines = _codes_by_line(text)
    assert lines.get(2) == ["CW502"]
    assert lines.get(7) == ["CW502"]


def test_broken_block_header_keeps_its_body() -> None:
    text = "import requests\nfor url in urls\n    requests.get(url, verify=False)\n"
    assert _codes_by_line(text) == {2: ["CW502"]}


def test_unterminated_triple_quote_keeps_everything_before() -> None:
    text = f'import requests\n{CALL}\nx = """never closed\n{CALL}\n'
    assert _codes_by_line(text) == {1: ["CW502"]}


def test_syntax_error_is_reported_on_the_document() -> None:
    doc = SourceDoc("def f(:\n    pass\n", "buf.py")
    assert doc.syntax_error and doc.syntax_error.startswith("line 1")
    assert 0 in doc.broken_lines


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 701 f-strings parse only on Python 3.12+")
def test_pep701_fstrings_parse_on_new_pythons() -> None:
    text = f'import requests\nd = {{"a": 1}}\nmsg = f"{{d["a"]}}"\n{CALL}\n'
    doc = SourceDoc(text, "buf.py")
    assert not doc.broken_lines
    assert [f.code for f in analyze(doc).findings] == ["CW502"]


#: Real modules (the demo app and labelled apps of the benchmark corpus) cut while typing.
PREFIX_MODULES = [
    "examples/demo_app/app.py",
    "benchmarks/corpus/starlette_chat/app.py",
    "benchmarks/corpus/fastapi_integrations/main.py",
    "benchmarks/corpus/flask_invoice_download/invoices.py",
    "benchmarks/corpus/django_shop_cart/shop/views.py",
]
REPO = Path(__file__).resolve().parents[1]


def _innermost_statement_end(tree: ast.Module, line: int) -> int | None:
    """0-based last line of the innermost simple statement holding ``line``."""
    end = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body") and node.lineno - 1 <= line <= node.end_lineno - 1:  # type: ignore[operator]
            end = node.end_lineno - 1  # type: ignore[operator]
    return end


@pytest.mark.parametrize("module", PREFIX_MODULES)
def test_every_prefix_keeps_the_findings_of_complete_statements(module: str) -> None:
    """An assistant streams code into the buffer: cut the module in the middle of every
    line; each finding whose statement is complete before the cut is still reported.

    Access-control findings (CW3xx) are left out: they judge a whole route, whose rest is
    not typed yet (an ownership check may depend on a later ``save()``)."""
    text = (REPO / module).read_text()
    lines = text.split("\n")
    tree = ast.parse(text)
    full = [(f.code, f.range.start.line) for f in analyze(SourceDoc(text, module)).findings if not f.code.startswith("CW3")]
    ends = {finding: _innermost_statement_end(tree, finding[1]) for finding in full}
    assert full, "the module must have findings to lose"
    lost = []
    for cut in range(1, len(lines)):
        expected = {f for f in full if ends[f] is not None and ends[f] < cut}  # type: ignore[operator]
        if not expected:
            continue
        prefix = "\n".join(lines[:cut]) + "\n" + lines[cut][: len(lines[cut]) // 2]
        got = {(f.code, f.range.start.line) for f in analyze(SourceDoc(prefix, module)).findings}
        lost += [(cut + 1, code, line + 1) for code, line in sorted(expected - got)]
    assert not lost, f"findings lost (cut at line, code, line): {lost[:10]}"


@pytest.mark.parametrize(
    "tail",
    [
        "    data = [",  # the issue's case: an unclosed bracket at the end of a nested block
        "    token = requests.post(\n        'https://a.example',\n        data={'code': code,",
        "    return {'a': [",
        "    x = '''never closed",
    ],
)
def test_open_statement_at_the_end_keeps_everything_before(tail: str) -> None:
    text = f"import requests\ndef first(url):\n    {CALL}\ndef second(url, code):\n    if url:\n        {CALL}\n{tail}"
    assert _codes_by_line(text) == {2: ["CW502"], 5: ["CW502"]}


def test_open_bracket_mid_module_keeps_the_later_definitions() -> None:
    text = f"import requests\ndef first(url):\n    data = [\n    {CALL}\n\ndef second(url):\n    {CALL}\n"
    assert _codes_by_line(text) == {6: ["CW502"]}


def test_typed_attribute_chain_keeps_the_sink_finding() -> None:
    """``db.execute(...).fetchall`` before its parentheses are typed (no flicker)."""
    head = 'import sqlite3\nfrom flask import request\ndef users():\n    name = request.args.get("name")\n    db = sqlite3.connect("x.db")\n'
    for tail in (".fetchall()", ".fetchall", ".fetchone", ""):
        text = head + f"    rows = db.execute(f\"SELECT * FROM users WHERE name = '{{name}}'\"){tail}\n    return rows\n"
        assert _codes_by_line(text) == {5: ["CW101"]}, tail


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12+ parses PEP 695 statements")
def test_newer_syntax_is_told_apart_from_typos() -> None:
    text = f"import requests\ntype Rows = list[dict]\ndef first[T](url: T):\n    {CALL}\nclass Box[T]:\n    pass\nx = (\n"
    doc = SourceDoc(text, "buf.py")
    assert doc.newer_syntax == {
        1: "a `type` alias statement (Python 3.12)",
        2: "a function with type parameters (Python 3.12)",
        4: "a class with type parameters (Python 3.12)",
    }  # (the half-typed `x = (` is a typo, not newer syntax)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12+ parses PEP 695 statements")
def test_newer_syntax_makes_the_file_partly_analysed() -> None:
    """Not silently skipped: the scan and the editor say which statement went unchecked and why."""
    text = "import sqlite3\nfrom flask import request\ntype Rows = list[dict]\ndef first[T](xs: T):\n    return xs\n" + (
        'def q():\n    sqlite3.connect("x").execute("SELECT * FROM t WHERE id = " + request.args["id"])\n'
    )
    analysis = analyze(SourceDoc(text, "app.py", "python", "app"), Config())
    assert [f.code for f in analysis.findings] == ["CW101"]
    assert analysis.not_analysed is not None and analysis.not_analysed.startswith(
        "partly analysed: line 3 is a `type` alias statement (Python 3.12), newer than the Python 3.1"
    ) and "; 1 more statement like it (run codeward on a newer Python" in analysis.not_analysed
