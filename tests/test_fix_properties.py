"""Fixes on generated inputs: argument positions, line breaks, trailing commas, aliases.

For every generated program, each offered fix must re-parse, remove its finding, add no
finding, and a second fix-all pass must change nothing.
"""

from __future__ import annotations

import ast
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from codeward.checks import Config, SourceDoc, analyze
from codeward.checks.autofix import fix_document
from codeward.checks.fixes import apply_fix

_ARGS = st.lists(st.sampled_from(["url", "timeout=5", "json=payload", "headers={'a': 'b'}", "params=q"]), max_size=3, unique=True)
_SEPARATORS = st.sampled_from([", ", ",\n    ", " , "])


@st.composite
def tls_programs(draw: st.DrawFn) -> str:
    module = draw(st.sampled_from(["requests", "httpx"]))
    alias = draw(st.sampled_from(["", " as web"]))
    name = "web" if alias else module
    args = draw(_ARGS)
    position = draw(st.integers(0, len(args)))
    args = [*args[:position], "verify=False", *args[position:]]
    keywords_last = sorted(args, key=lambda a: "=" in a)  # positional arguments first
    sep = draw(_SEPARATORS)
    trailing = draw(st.sampled_from(["", ",", ",\n"]))
    method = draw(st.sampled_from(["get", "post"]))
    return f"import {module}{alias}\n\n\ndef call(url, payload, q):\n    return {name}.{method}({sep.join(keywords_last)}{trailing})\n"


@st.composite
def random_programs(draw: st.DrawFn) -> str:
    target = draw(st.sampled_from(["token", "reset_code", "otp", "api_key", "sessionId", "tmp_password"]))
    call = draw(st.sampled_from([
        "random.choice(ALPHABET)", "random.randint(100000, 999999)", "random.getrandbits(64)",
        "''.join(random.choices(ALPHABET, k=16))", "str(random.random())",
    ]))
    header = draw(st.sampled_from(["import random\n", "import random\nimport secrets\n", '"""Doc."""\nimport random\n']))
    return f"{header}ALPHABET = 'abc'\n{target} = {call}\n"


def _check_all_properties(text: str) -> None:
    doc = SourceDoc(text, "gen.py")
    findings = analyze(doc).findings
    assert findings, f"expected a finding in:\n{text}"
    before = Counter(f.code for f in findings)
    for finding in (f for f in findings if f.fix):
        fixed = apply_fix(doc, finding.fix)
        ast.parse(fixed)
        after = Counter(f.code for f in analyze(SourceDoc(fixed, "gen.py")).findings)
        assert after[finding.code] < before[finding.code], fixed
        assert all(after[c] <= before[c] for c in after), fixed
    outcome = fix_document(doc, Config(), include_unsafe=True)
    again = fix_document(SourceDoc(outcome.text, "gen.py"), Config(), include_unsafe=True)
    assert again.applied == 0 and again.text == outcome.text


@settings(max_examples=60, deadline=None)
@given(tls_programs())
def test_tls_fix_properties(text: str) -> None:
    _check_all_properties(text)


@settings(max_examples=40, deadline=None)
@given(random_programs())
def test_random_fix_properties(text: str) -> None:
    _check_all_properties(text)


def test_local_soundness_rejects_a_fix_that_breaks_its_statement() -> None:
    """The per-statement check still refuses edits whose result does not parse."""
    from codeward.checks.fixes import is_sound
    from codeward.checks.model import Applicability, Edit, Fix, Position, Range

    doc = SourceDoc("import os\n\n\ndef f():\n    return os.getcwd()\n", "x.py")
    broken = Fix("break", (Edit(Range(Position(4, 11), Position(4, 13)), "(("),), Applicability.SAFE)
    fine = Fix("ok", (Edit(Range(Position(4, 11), Position(4, 13)), "os"),), Applicability.SAFE, imports=("import sys",))
    bad_import = Fix("bad", (Edit(Range(Position(4, 11), Position(4, 13)), "os"),), Applicability.SAFE, imports=("import (",))
    assert not is_sound(doc, broken)
    assert is_sound(doc, fine)
    assert not is_sound(doc, bad_import)  # judged by re-parsing the whole text
