"""Mid-typing buffers: broken statements are masked, everything else still analyses."""

from __future__ import annotations

import sys

import pytest

from codeward.checks import SourceDoc, analyze

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
