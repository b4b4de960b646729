"""lsp_latency's edit scenarios: every change applies cleanly and types what it claims."""

from __future__ import annotations

import ast
import itertools

import pytest

import lsp_latency


def apply(text: str, change: tuple[int, int, int, int, str]) -> str:
    line, column, end_line, end_column, new = change
    rows = text.split("\n")
    start = sum(len(r) + 1 for r in rows[:line]) + column
    end = sum(len(r) + 1 for r in rows[:end_line]) + end_column
    return text[:start] + new + text[end:]


def test_typing_a_line_types_it_key_by_key_with_closed_brackets_then_deletes_it() -> None:
    text = lsp_latency.generate(2_000)
    changes = lsp_latency._changes(text, 2_000, "typing")
    states = []
    current = text
    for change in itertools.islice(changes, 40):
        current = apply(current, change)
        states.append(current)
    typed = [s for s in states if lsp_latency._TYPED_LINE in s]
    assert typed, "the line is typed in full at some point"
    ast.parse(typed[0])  # the finished line is valid Python in its function
    assert text in states  # ...and deleted again, back to the original text
    opened = [s for s in states if "lookup(" in s and lsp_latency._TYPED_LINE not in s]
    assert opened and all("lookup()" in s or 'lookup(total, "' in s or "lookup(t" in s for s in opened)


@pytest.mark.parametrize("scenario", ["blank", "body", "module"])
def test_one_key_scenarios_alternate_between_the_original_and_one_edit(scenario: str) -> None:
    text = lsp_latency.generate(200)
    changes = lsp_latency._changes(text, 200, scenario)
    once = apply(text, next(changes))
    assert once != text and len(once) == len(text) + 1
    assert apply(once, next(changes)) == text
