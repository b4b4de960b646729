"""Generated documentation stays in step with the rule registry."""

from __future__ import annotations

from pathlib import Path

from codeward.server.cli import rules_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_rules_md_is_up_to_date() -> None:
    assert DOCS.read_text("utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `codeward rules --format markdown > docs/rules.md`"
    )
