"""Keep the held-out corpus (``benchmarks/corpus-holdout``) and its labels valid.

The held-out corpus is written independently of the rules so its accuracy
figures are honest; no rule is tuned against it. These checks mirror the main
corpus's (``test_corpus.py``, whose helpers they reuse) with smaller minimums:
every label points at real lines whose statement it covers, categories are
known, the files parse on the Python 3.10 grammar, and no secret is repeated
in the labels file.
"""

from __future__ import annotations

import ast
import csv
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import scoring
from scoring import CATEGORIES, Label, load_labels
from test_corpus import BIG_FIVE, COMPOUND, DEF_NODES, _nested_same_quote_fstrings

HOLDOUT = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus-holdout"
LABELS = HOLDOUT / "labels.csv"


@cache
def labels() -> tuple[Label, ...]:
    return tuple(load_labels(LABELS))


@cache
def source_lines(rel: str) -> tuple[str, ...]:
    return tuple((HOLDOUT / rel).read_text(encoding="utf-8").split("\n"))


@cache
def statements(rel: str) -> dict[int, list[ast.stmt]]:
    tree = ast.parse("\n".join(source_lines(rel)), filename=rel, feature_version=(3, 10))
    index: dict[int, list[ast.stmt]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            index.setdefault(node.lineno, []).append(node)
    return index


def test_labels_file_has_the_main_corpus_columns() -> None:
    with LABELS.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == scoring.LABEL_COLUMNS
    assert len(labels()) >= 300


def test_every_label_points_at_existing_lines_and_keeps_its_anchor() -> None:
    for label in labels():
        assert (HOLDOUT / label.path).is_file(), label
        assert 1 <= label.start_line <= label.end_line <= len(source_lines(label.path)), label
        text = "\n".join(source_lines(label.path)[label.start_line - 1 : label.end_line])
        assert label.anchor and label.anchor in text, label


def test_categories_and_verdicts_are_known() -> None:
    assert {lab.category for lab in labels()} <= set(CATEGORIES)
    assert {lab.verdict for lab in labels()} == {"vulnerable", "safe"}


def test_no_duplicate_labels() -> None:
    keys = Counter((lab.path, lab.start_line, lab.category) for lab in labels())
    assert [k for k, n in keys.items() if n > 1] == []


def test_minimum_counts_and_safe_share() -> None:
    counts = Counter((lab.category, lab.verdict) for lab in labels())
    for category in BIG_FIVE:
        assert counts[(category, "vulnerable")] >= 8, category
        assert counts[(category, "safe")] >= 1, category
    covered = {lab.category for lab in labels() if lab.verdict == "vulnerable"}
    assert len(covered) >= len(CATEGORIES) - 2, sorted(set(CATEGORIES) - covered)
    share = sum(lab.verdict == "safe" for lab in labels()) / len(labels())
    assert 0.35 <= share <= 0.50, share


def test_fifteen_multi_file_apps_all_labelled() -> None:
    apps = [d for d in HOLDOUT.iterdir() if d.is_dir()]
    assert len(apps) >= 15
    for app in apps:
        assert len(list(app.rglob("*.py"))) >= 2, app.name
    assert {lab.path.split("/", 1)[0] for lab in labels()} == {app.name for app in apps}


@pytest.mark.parametrize("path", sorted(HOLDOUT.rglob("*.py")), ids=lambda p: str(p.relative_to(HOLDOUT)))
def test_holdout_file_parses_on_python_310_grammar(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ast.parse(source, filename=str(path), feature_version=(3, 10))
    assert _nested_same_quote_fstrings(source) == []


def test_labels_span_whole_statements() -> None:
    for label in labels():
        for stmt in statements(label.path).get(label.start_line, []):
            if not isinstance(stmt, COMPOUND):
                assert label.end_line >= (stmt.end_lineno or stmt.lineno), label


def test_missing_auth_labels_cover_decorators_through_def() -> None:
    for label in (lab for lab in labels() if lab.category == "missing-auth"):
        for node in (n for stmts in statements(label.path).values() for n in stmts):
            if not isinstance(node, DEF_NODES) or not node.decorator_list:
                continue
            first = min(d.lineno for d in node.decorator_list)
            if first <= label.start_line <= node.lineno:
                assert label.start_line == first and label.end_line >= node.lineno, label


def test_secrets_are_not_repeated_in_the_labels_file() -> None:
    for label in (lab for lab in labels() if lab.category == "secrets"):
        assert '"' not in label.anchor and "'" not in label.anchor, label


def test_holdout_is_kept_out_of_pytest_and_the_repo_scan() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib

    root = HOLDOUT.parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "benchmarks/corpus-holdout" in config["tool"]["codeward"]["exclude"]
    assert "corpus-holdout" in (root / "benchmarks" / "conftest.py").read_text(encoding="utf-8")
