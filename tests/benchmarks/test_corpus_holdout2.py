"""Integrity of the second held-out corpus (benchmarks/corpus-holdout2).

Checks only the corpus itself (labels parse, point at real lines, stay anchored,
meet the per-category minimums the corpus was written to), never a scanner's
result on it: the corpus is a yardstick, not a fixture.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "benchmarks" / "corpus-holdout2"
sys.path.insert(0, str(ROOT / "benchmarks"))

from scoring import load_labels  # noqa: E402

MINIMUM_VULNERABLE = {"missing-auth": 15, "ownership": 15, "sqli": 15, "secrets": 8, "xss": 8}


@pytest.fixture(scope="module")
def labels():
    return load_labels(CORPUS / "labels.csv")


def test_labels_point_at_existing_lines_and_keep_their_anchor(labels) -> None:
    for label in labels:
        path = CORPUS / label.path
        assert path.is_file(), label.path
        lines = path.read_text(encoding="utf-8").splitlines()
        assert label.end_line <= len(lines), f"{label.path}:{label.end_line} past end of file"
        assert label.anchor and label.anchor in lines[label.start_line - 1], (
            f"{label.path}:{label.start_line}: anchor {label.anchor!r} moved")


def test_no_duplicate_labels(labels) -> None:
    keys = Counter((lab.path, lab.start_line, lab.end_line, lab.category) for lab in labels)
    assert [k for k, n in keys.items() if n > 1] == []


def test_size_and_category_minimums(labels) -> None:
    assert len(labels) >= 140
    vulnerable = Counter(lab.category for lab in labels if lab.verdict == "vulnerable")
    for category, minimum in MINIMUM_VULNERABLE.items():
        assert vulnerable[category] >= minimum, category
    assert any(lab.verdict == "safe" for lab in labels)


def test_every_python_file_parses() -> None:
    for path in CORPUS.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_corpus_is_kept_out_of_the_project_scan_and_pytest() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "benchmarks/corpus-holdout2" in config["tool"]["codeward"]["exclude"]
    assert "corpus-holdout2" in (ROOT / "benchmarks" / "conftest.py").read_text(encoding="utf-8")
