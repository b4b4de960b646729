"""Item 5: every family honours the time limit, the secrets rules are linear, and in the
language server one slow document never holds back another's diagnostics.

Reproducers from the adversarial run: a 45,000-entry dict literal (174 s in the secrets
family), 25,000 URL lines (124 s), a 400 KB generated module delaying every other file.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from codeward.checks.config import Config
from codeward.checks.engine import analyze
from codeward.checks.source import SourceDoc

from .shapes import CAPABILITIES, PATIENT

BIG_DICT = "D = {\n" + "".join(f"    'key{i}': 'value{i}',\n" for i in range(45_000)) + "}\n"
URL_PASSWORDS = "".join(f"U{i} = 'postgres://admin:Xk29fLq8Zr{i}w@db{i}.internal.example.com:5432/app'\n" for i in range(8_000))
#: The language-server reproducer: a 400 KB generated module.
GENERATED_400KB = "D = {\n" + "".join(f"    'key{i}': 'value{i}',\n" for i in range(14_000)) + "}\n"
SHAPES = {
    "dict-45000": BIG_DICT,
    "url-lines-25000": "".join(f"U{i} = 'https://example{i}.org/path/{i}'\n" for i in range(25_000)),
    "call-args-25000": "f(\n" + "".join(f"    'https://example{i}.org/p',\n" for i in range(25_000)) + ")\n",
    "compare-chain-25000": "x = (a == \n" + " == ".join(f"    'https://example{i}.org/p'\n" for i in range(25_000)) + ")\n",
    "defaults-25000": "def f(" + ", ".join(f"a{i}='https://example{i}.org/p'" for i in range(25_000)) + "): pass\n",
    "url-passwords-8000": URL_PASSWORDS,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_generated_modules_are_analysed_within_the_default_limit(shape: str) -> None:
    """Quadratic before (the dict took 174 s); linear now, 1-4 s on a quiet machine."""
    doc = SourceDoc(SHAPES[shape], "generated.py", "python", "generated")
    analysis = analyze(doc, PATIENT)
    assert analysis.not_analysed is None
    if shape == "url-passwords-8000":
        assert len(analysis.findings) == 8_000  # every password is still found


def test_the_limit_holds_inside_a_rule_call() -> None:
    """The deadline is checked inside the families' loops, not only between rule calls:
    a limit of 0.2 s stops the analysis of a module that takes seconds."""
    doc = SourceDoc(BIG_DICT + URL_PASSWORDS, "generated.py", "python", "generated")
    doc.nodes  # parsing and the shared walk are not what is timed here
    started = time.monotonic()
    analysis = analyze(doc, dataclasses.replace(Config(), timeout=0.2))
    elapsed = time.monotonic() - started
    assert analysis.not_analysed == "analysis took longer than 0.2 s of CPU time"
    assert elapsed < 1.5, elapsed


def test_cancellation_stops_an_outdated_analysis_inside_a_rule() -> None:
    doc = SourceDoc(URL_PASSWORDS, "generated.py", "python", "generated")
    doc.nodes
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3  # the text changed just after the analysis started

    started = time.monotonic()
    analysis = analyze(doc, Config(), cancelled=cancelled)
    assert analysis.not_analysed == "analysis cancelled: the text changed"
    assert time.monotonic() - started < 1.0


async def test_a_slow_document_does_not_delay_another(tmp_path: Path) -> None:
    from lsp.inprocess import InProcessClient

    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"debounce": 0})
    try:
        big = client.open(tmp_path / "generated.py", GENERATED_400KB)
        small = client.open(tmp_path / "app.py", 'import requests\n\nrequests.get("https://example.org", verify=False)\n')
        diagnostics = await client.published_version(small, 1)
        assert [d["code"] for d in diagnostics] == ["CW502"]
        assert big not in client.published, "the small file waited for the generated module"
        await client.published_version(big, 1, timeout=60)
    finally:
        await client.shutdown()
