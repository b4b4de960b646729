"""Data files are validated with clear errors, and every row is exercised by a fixture."""

from __future__ import annotations

import pytest

from codeward.checks import knowledge
from codeward.checks.knowledge import KnowledgeError, parse_document
from harness import project_fixtures, scan_fixture, single_file_fixtures


def test_bundled_data_loads() -> None:
    assert list(knowledge.load().all_rows())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[no_such_section]]\nx = 1\n", "unknown section [[no_such_section]]"),
        ("[[types]]\npath = 'a'\n", "row 1: missing key 'type'"),
        ("[[types]]\npath = 'a'\ntype = 1\n", "key 'type' has the wrong type"),
        ("[[types]]\npath = 'a'\ntype = 'b'\nextra = 'c'\n", "unknown key 'extra'"),
        ("[[types]\n", "invalid TOML"),
        ("types = 'x'\n", "must be an array of tables"),
    ],
)
def test_malformed_rows_are_named(text: str, message: str) -> None:
    knowledge.load()  # sections are declared by the rule modules
    with pytest.raises(KnowledgeError) as info:
        parse_document("bad.toml", text)
    assert str(info.value).startswith("bad.toml") and message in str(info.value)


def test_every_data_row_is_exercised_by_a_fixture() -> None:
    hits = knowledge.record_hits()
    try:
        for target in single_file_fixtures() + project_fixtures():
            scan_fixture(target)
        unused = [row.origin for row in knowledge.load().all_rows() if row.origin not in hits]
    finally:
        knowledge._HITS = None  # stop recording for the rest of the session
    assert not unused, "data rows no fixture exercises (file, section, index): " + ", ".join(map(str, unused))
