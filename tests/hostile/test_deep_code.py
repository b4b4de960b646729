"""Item 4: deep but valid code must not make a file's findings vanish.

Each shape once made the whole file "not analysed" (a RecursionError in one rule threw away
every rule's findings) and the scan still exited 0. Now summaries are depth-bounded, scopes
are collected from a worklist, a rule that still runs out of stack stops alone, and a file
that is not (fully) analysed shows in every output.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from codeward.checks import registry
from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.source import SourceDoc
from codeward.server.cli import main

from .shapes import CAPABILITIES, DEEP_SHAPES, INJECTION, INJECTION_LINE, PATIENT

#: Python cannot parse this on any supported version (3.10 to 3.13 run out of parser memory
#: on 5,000 nested lambdas; a 5,000-term ``+`` chain only overflows 3.11's parser).
TOO_DEEP_FOR_PYTHON = "x = " + "lambda: " * 5000 + "a\n"


@pytest.mark.parametrize("shape", sorted(DEEP_SHAPES))
def test_findings_survive_deep_code(shape: str) -> None:
    text = INJECTION + DEEP_SHAPES[shape]()
    analysis = analyze(SourceDoc(text, "app.py", "python", "app"), PATIENT)
    assert analysis.not_analysed is None
    assert [(f.code, f.range.start.line + 1) for f in analysis.findings] == [("CW101", INJECTION_LINE)]


def test_a_rule_out_of_stack_stops_alone(monkeypatch) -> None:
    """The cut-off is per rule: another rule's RecursionError leaves CW101's finding."""
    rules = registry.all_rules()
    deep = next(r for code, r in sorted(rules.items()) if code != "CW101" and not r.nodes and "python" in r.kinds)

    def overflow(*_args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(rules, deep.code, dataclasses.replace(deep, func=overflow))
    analysis = analyze(SourceDoc(INJECTION, "app.py", "python", "app"), Config())
    assert [f.code for f in analysis.findings] == ["CW101"]
    assert analysis.not_analysed is not None and deep.code in analysis.not_analysed


def test_a_statement_too_deep_for_the_parser_is_masked_alone() -> None:
    """CPython's parser cannot take 5,000 nested lambdas in one expression: that statement is
    masked, the rest analysed, and the document says it is only partly analysed."""
    analysis = analyze(SourceDoc(TOO_DEEP_FOR_PYTHON + INJECTION, "app.py", "python", "app"), Config())
    assert [(f.code, f.range.start.line) for f in analysis.findings] == [("CW101", INJECTION_LINE)]
    assert analysis.not_analysed and "line 1: nested too deeply" in analysis.not_analysed


@pytest.fixture
def too_deep(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(INJECTION)
    (tmp_path / "generated.py").write_text(TOO_DEEP_FOR_PYTHON)
    return tmp_path


@pytest.mark.parametrize(("fmt", "extra", "code"), [
    ("text", [], 1),
    ("text", ["--exit-on-not-analysed"], 2),
    ("json", [], 2),
    ("sarif", [], 2),
    ("sarif", ["--no-exit-on-not-analysed"], 1),
])
def test_not_analysed_is_visible_in_every_format(too_deep: Path, capsys, fmt: str, extra: list[str], code: int) -> None:
    exit_code = main(["scan", "--no-cache", "--format", fmt, *extra, str(too_deep)])
    out = capsys.readouterr().out
    assert exit_code == code
    if fmt == "text":
        assert "generated.py: not analysed: " in out and ":9:5: CW101" in out
    elif fmt == "json":
        payload = json.loads(out)
        assert [n["path"] for n in payload["not_analysed"]] == ["generated.py"]
        assert [f["code"] for f in payload["findings"]] == ["CW101"]
    else:
        notes = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert any("generated.py" in json.dumps(n) and "not analysed" in n["message"]["text"] for n in notes)


async def test_not_analysed_is_a_diagnostic_on_line_1(tmp_path: Path) -> None:
    from lsp.inprocess import InProcessClient

    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    try:
        uri = client.open(tmp_path / "generated.py", TOO_DEEP_FOR_PYTHON)
        diagnostics = await client.published_version(uri, 1)
        [note] = [d for d in diagnostics if d["code"] == "not-analysed"]
        assert note["range"]["start"] == {"line": 0, "character": 0} and "not analysed" in note["message"]
        deep = client.open(tmp_path / "deep.py", INJECTION + DEEP_SHAPES["mutual-recursion"]())
        assert [d["code"] for d in await client.published_version(deep, 1)] == ["CW101"]
    finally:
        await client.shutdown()
