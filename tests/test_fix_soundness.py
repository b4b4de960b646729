"""is_sound's local re-parse agrees with parsing the whole fixed text."""

from __future__ import annotations

from codeward.checks.fixes import apply_edits, edits_for, is_sound, parses_as_well
from codeward.checks.model import Applicability, Edit, Fix, Range
from codeward.checks.source import SourceDoc

TEXT = (
    "import os\n\n\n"
    "class Notes:\n"
    "    model = 1\n\n\n"
    "@decorate\n"
    "def view(request):\n"
    "    return call(x, verify=False)\n"
    "x = 1; y = 2\n"
)


def _fix(*edits: Edit) -> Fix:
    return Fix("t", tuple(edits), Applicability.SAFE)


def _agrees(doc: SourceDoc, fix: Fix) -> bool:
    full = parses_as_well(doc, apply_edits(doc.text, doc, edits_for(doc, fix)))
    assert is_sound(doc, fix) == full
    return full


def test_local_check_agrees_with_the_whole_file() -> None:
    doc = SourceDoc(TEXT)
    cases = [
        (_fix(Edit(Range.of(9, 17, 9, 30), "")), True),                      # drop an argument
        (_fix(Edit(Range.of(9, 17, 9, 30), ", (")), False),                   # unbalanced bracket
        (_fix(Edit(Range.of(5, 0, 5, 0), "    def get(self):\n        return 1\n")), True),  # into the class body
        (_fix(Edit(Range.of(7, 0, 7, 0), "    orphan = 1\n")), True),         # indented after blank lines: joins the class
        (_fix(Edit(Range.of(10, 4, 10, 5), "")), False),                      # 'x = ; y = 2'
        (_fix(Edit(Range.of(8, 0, 8, 3), "async def")), True),
        (_fix(Edit(Range.of(7, 0, 7, 10), "")), True),                        # remove the decorator
    ]
    for fix, expected in cases:
        assert _agrees(doc, fix) == expected, fix
    assert not is_sound(doc, cases[1][0])


def test_broken_documents_fall_back_to_the_full_check() -> None:
    doc = SourceDoc("import requests\ndef broken(:\n    pass\nrequests.get(u, verify=False)\n")
    fix = _fix(Edit(Range.of(3, 14, 3, 28), ""))
    assert _agrees(doc, fix)
