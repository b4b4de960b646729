"""Lone surrogates through every tokenizer caller (Python 3.12+ tokenizes in C, which raised
UnicodeEncodeError on them and crashed the language server's incremental path)."""

from __future__ import annotations

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.incremental import IncrementalAnalyser
from codeward.checks.source import SourceDoc
from codeward.checks.tokens import python_tokens

TEXT = 'import requests\n\nx = "\ud800"  # \udfff codeward: ignore[CW502]\nrequests.get("https://e.org", verify=False)\n'


def test_tokens_keep_positions() -> None:
    strings = [t for t in python_tokens(TEXT) if t.string.startswith('"\ufffd')]
    assert [(t.start, t.end) for t in strings] == [((3, 4), (3, 7))]


def test_engine_and_incremental_path_keep_findings() -> None:
    found = analyze(SourceDoc(TEXT, "doc.py", "python", "doc"), Config()).findings
    assert [(f.code, f.range.start.line) for f in found] == [("CW502", 3)]
    analyser = IncrementalAnalyser()
    base = TEXT.replace('"\ud800"', '"a"')
    analyser.analyse(base, "doc.py", "doc", Config(), None, "doc.py")
    outcome = analyser.analyse(TEXT, "doc.py", "doc", Config(), None, "doc.py")
    assert [(f.code, f.range.start.line) for f in outcome.analysis.findings] == [("CW502", 3)]
