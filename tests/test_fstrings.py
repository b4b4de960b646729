"""PEP 701 f-strings (3.12 syntax) still analyse on 3.10/3.11: nested same-quote literals are
re-quoted in place, positions unchanged."""

from __future__ import annotations

import ast
import sys

import pytest

from codeward.checks.fstrings import requote_nested
from codeward.checks.recovery import parse

NESTED = "def f(data):\n    return f'value {data.decode('utf-8')!r} in {\"x\"}'\n"


def test_requotes_nested_literals_keeping_every_position() -> None:
    fixed = requote_nested(NESTED)
    assert fixed is not None and len(fixed) == len(NESTED)
    assert [len(line) for line in fixed.splitlines()] == [len(line) for line in NESTED.splitlines()]
    assert "decode(\"utf-8\")" in fixed
    ast.parse(fixed)


@pytest.mark.parametrize("text", [
    "x = f'{a[\"k\"]}'\n",            # already valid before 3.12
    "x = 'it''s'  # f'{y['z']}'\n",   # inside a comment
    "x = f'''{a['k']}'''\n",         # triple quotes may nest the single quote
])
def test_leaves_valid_code_alone(text: str) -> None:
    assert requote_nested(text) is None


def test_nested_literal_holding_the_other_quote_is_left_alone() -> None:
    assert requote_nested("x = f'{a.get('it\"s')}'\n") is None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+ parses PEP 701 f-strings itself")
def test_recovery_keeps_the_statement_on_older_pythons() -> None:
    result = parse(NESTED)
    assert not result.broken_lines
    assert isinstance(result.tree.body[0].body[0], ast.Return)
