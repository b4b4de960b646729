"""The report parsers map each tool's findings to corpus paths and categories."""

from __future__ import annotations

from pathlib import Path

import accuracy
from scoring import Label, score
from tool_outputs import parse_bandit, parse_codeward, parse_ruff, parse_semgrep


def test_codeward_report_maps_cwe_and_name(tmp_path: Path) -> None:
    report = {
        "tool": "codeward", "version": "0.0.0",
        "findings": [
            {"code": "CW101", "name": "sql-injection", "path": "app/db.py", "line": 12, "column": 5,
             "end_line": 12, "end_column": 40, "severity": "error", "confidence": "high", "cwe": [89], "fix": None},
            {"code": "CW302", "name": "missing-ownership-check", "path": str(tmp_path / "app/views.py"),
             "line": 7, "cwe": [862], "fix": None},
            {"code": "CW999", "name": "something-else", "path": "app/x.py", "line": 1, "cwe": [703]},
        ],
        "not_analysed": [{"path": "app/broken.py", "reason": "syntax error"}],
    }
    parsed = parse_codeward(report, tmp_path, cwd=tmp_path)
    assert [(f.path, f.line, f.categories[0]) for f in parsed.findings] == [
        ("app/db.py", 12, "sqli"), ("app/views.py", 7, "ownership")]
    assert parsed.unmapped == {"CW999 something-else": 1}
    assert parsed.errors and "broken.py" in parsed.errors[0]


def test_bandit_cwe20_rules_fall_back_to_rule_table(tmp_path: Path) -> None:
    report = {"results": [
        {"test_id": "B506", "test_name": "yaml_load", "filename": "./a.py", "line_number": 3, "issue_cwe": {"id": 20}},
        {"test_id": "B608", "test_name": "hardcoded_sql_expressions", "filename": "./a.py", "line_number": 5,
         "issue_cwe": {"id": 89}},
        {"test_id": "B101", "test_name": "assert_used", "filename": "./a.py", "line_number": 9, "issue_cwe": {"id": 703}},
    ], "errors": []}
    parsed = parse_bandit(report, tmp_path, cwd=tmp_path)
    assert [(f.path, f.line, f.categories) for f in parsed.findings] == [
        ("a.py", 3, ("deserialization",)), ("a.py", 5, ("sqli",))]
    assert parsed.unmapped == {"B101 assert_used": 1}


def test_ruff_codes_use_bandit_cwes(tmp_path: Path) -> None:
    report = [
        {"code": "S608", "filename": str(tmp_path / "a.py"), "location": {"row": 4, "column": 1}},
        {"code": "S311", "filename": str(tmp_path / "a.py"), "location": {"row": 6, "column": 1}},
        {"code": "S101", "filename": str(tmp_path / "a.py"), "location": {"row": 8, "column": 1}},
        {"code": None, "filename": str(tmp_path / "a.py"), "location": {"row": 9, "column": 1}},
    ]
    parsed = parse_ruff(report, tmp_path, cwd=tmp_path)
    assert [(f.line, f.categories[0]) for f in parsed.findings] == [(4, "sqli"), (6, "weak-random")]
    assert parsed.unmapped == {"S101": 1, "syntax-error": 1}


def test_semgrep_metadata_cwe_strings(tmp_path: Path) -> None:
    report = {"results": [{"check_id": "benchmarks.subprocess-shell-true", "path": "a.py",
                           "start": {"line": 2}, "extra": {"metadata": {"cwe": ["CWE-78: OS Command Injection"]}}}],
              "errors": []}
    parsed = parse_semgrep(report, tmp_path, cwd=tmp_path)
    assert [(f.path, f.line, f.categories[0]) for f in parsed.findings] == [("a.py", 2, "cmdi")]


def test_paths_outside_the_corpus_stay_unmatched(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = {"findings": [{"code": "CW101", "name": "sql-injection", "path": str(tmp_path / "elsewhere.py"),
                            "line": 1, "cwe": [89]}]}
    parsed = parse_codeward(report, corpus, cwd=tmp_path)
    result = score(parsed.findings, [Label("elsewhere.py", 1, 1, "sqli", "vulnerable")])
    assert result["sqli"].tp == 0 and result["sqli"].fp == 1


def test_markdown_and_text_report_missing_tools() -> None:
    labels = [Label("a.py", 1, 1, "sqli", "vulnerable"), Label("a.py", 2, 2, "sqli", "safe")]
    results = [accuracy.ToolResult("bandit", "not installed")]
    text = accuracy.render_text(results, labels)
    assert "bandit: not installed" in text
    assert "| sqli | 1/1 | n/a |" in accuracy.render_markdown(results, labels)


def test_detect_secrets_baseline_maps_to_secrets(tmp_path: Path) -> None:
    from tool_outputs import parse_detect_secrets

    report = {"results": {"app/settings.py": [{"type": "Secret Keyword", "line_number": 4, "hashed_secret": "0" * 40}]}}
    parsed = parse_detect_secrets(report, tmp_path, cwd=tmp_path)
    [finding] = parsed.findings
    assert (finding.path, finding.line, finding.categories[0], finding.rule) == ("app/settings.py", 4, "secrets", "Secret Keyword")


def test_local_semgrep_rules_each_carry_a_mapped_cwe() -> None:
    """Every local semgrep rule must map to a corpus category, or it is never scored."""
    import re

    from scoring import categories_for
    from tool_runners import DEFAULT_SEMGREP_RULES

    text = DEFAULT_SEMGREP_RULES.read_text(encoding="utf-8")
    blocks = re.split(r"\n  - id: ", text)[1:]
    assert len(blocks) >= 8
    for block in blocks:
        rule_id = block.split("\n", 1)[0]
        cwes = [int(n) for n in re.findall(r"CWE-(\d+)", block)]
        assert cwes and categories_for(cwes, rule_id), rule_id
