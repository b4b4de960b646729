"""Keep the benchmark corpus and its labels valid, and test the scorer.

Fast, no external tools: parses labels.csv, checks every label against the
source it points at, checks the corpus's category balance, and checks the
precision/recall arithmetic on small synthetic inputs.
"""

from __future__ import annotations

import ast
import csv
import io
import tokenize
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import scoring
from scoring import CATEGORIES, Finding, Label, categories_for, load_labels, score

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "corpus"
LABELS = CORPUS / "labels.csv"
BIG_FIVE = ("missing-auth", "ownership", "sqli", "secrets", "xss")
DEF_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, *DEF_NODES)


@cache
def labels() -> tuple[Label, ...]:
    return tuple(load_labels(LABELS))


@cache
def source_lines(rel: str) -> tuple[str, ...]:
    return tuple((CORPUS / rel).read_text(encoding="utf-8").split("\n"))


@cache
def tree(rel: str) -> ast.Module:
    return ast.parse("\n".join(source_lines(rel)), filename=rel, feature_version=(3, 10))


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.py"))


def test_labels_file_parses_with_expected_columns() -> None:
    with LABELS.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == scoring.LABEL_COLUMNS
    assert len(labels()) > 300


def test_every_label_points_at_existing_lines() -> None:
    for label in labels():
        path = CORPUS / label.path
        assert path.is_file(), label
        assert label.end_line <= len(source_lines(label.path)), label


def test_every_anchor_is_inside_its_range() -> None:
    """The anchor snippet catches labels left behind when a file is edited."""
    for label in labels():
        text = "\n".join(source_lines(label.path)[label.start_line - 1 : label.end_line])
        assert label.anchor and label.anchor in text, label


def test_categories_and_verdicts_are_known() -> None:
    assert {lab.category for lab in labels()} == set(CATEGORIES)
    assert {lab.verdict for lab in labels()} == {"vulnerable", "safe"}


def test_no_duplicate_labels() -> None:
    keys = Counter((lab.path, lab.start_line, lab.category) for lab in labels())
    assert [k for k, n in keys.items() if n > 1] == []


def test_minimum_counts_per_category() -> None:
    counts = Counter((lab.category, lab.verdict) for lab in labels())
    for category in CATEGORIES:
        minimum = 20 if category in BIG_FIVE else 3
        assert counts[(category, "vulnerable")] >= minimum, category
        assert counts[(category, "safe")] >= 1, category


def test_about_forty_percent_safe() -> None:
    share = sum(lab.verdict == "safe" for lab in labels()) / len(labels())
    assert 0.35 <= share <= 0.50, share


def test_at_least_thirty_multi_file_apps() -> None:
    apps = [d for d in CORPUS.iterdir() if d.is_dir() and not d.name.startswith(".")]
    assert len(apps) >= 30
    for app in apps:
        assert len(list(app.rglob("*.py"))) >= 2, app.name
    labelled_apps = {lab.path.split("/", 1)[0] for lab in labels()}
    assert labelled_apps == {app.name for app in apps}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_parses_on_python_310_grammar(path: Path) -> None:
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 10))
    assert _nested_same_quote_fstrings(path.read_text(encoding="utf-8")) == []


def _quote_of(token: str) -> str:
    body = token.lstrip("rRbBfFuU")
    return body[:3] if body[:3] in ('"""', "'''") else body[:1]


def _nested_same_quote_fstrings(source: str) -> list[int]:
    """Lines with PEP 701 f-strings that reuse the enclosing quote (3.12+ only).

    On Python 3.11 ``ast.parse`` already rejects them; on 3.12+ tokenize shows
    f-strings as FSTRING_START..FSTRING_END, so a nested string token using
    the same quote as its enclosing f-string can be spotted.
    """
    start = getattr(tokenize, "FSTRING_START", None)
    end = getattr(tokenize, "FSTRING_END", None)
    if start is None:
        return []
    stack: list[str] = []
    bad: list[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (start, tokenize.STRING) and stack and _quote_of(tok.string) == stack[-1]:
            bad.append(tok.start[0])
        if tok.type == start:
            stack.append(_quote_of(tok.string))
        elif tok.type == end and stack:
            stack.pop()
    return bad


def test_pep701_detector_flags_nested_quotes() -> None:
    if not hasattr(tokenize, "FSTRING_START"):
        pytest.skip("PEP 701 tokens need Python 3.12+")
    assert _nested_same_quote_fstrings('x = f"{d["k"]}"\n') == [1]
    assert _nested_same_quote_fstrings("x = f\"{d['k']}\"\n") == []


@cache
def _statement_index(rel: str) -> dict[int, list[ast.stmt]]:
    index: dict[int, list[ast.stmt]] = {}
    for node in ast.walk(tree(rel)):
        if isinstance(node, ast.stmt):
            index.setdefault(node.lineno, []).append(node)
    return index


def _statements_starting_at(rel: str, line: int) -> list[ast.stmt]:
    if not rel.endswith(".py"):
        return []  # template labels: no Python statements to span
    return _statement_index(rel).get(line, [])


def test_labels_span_whole_statements() -> None:
    """A label starting at a simple statement must not stop before its end."""
    for label in labels():
        for stmt in _statements_starting_at(label.path, label.start_line):
            if not isinstance(stmt, COMPOUND):
                assert label.end_line >= (stmt.end_lineno or stmt.lineno), label


def test_missing_auth_labels_cover_decorators_through_def() -> None:
    for label in (lab for lab in labels() if lab.category == "missing-auth"):
        for node in (n for stmts in _statement_index(label.path).values() for n in stmts):
            if not isinstance(node, DEF_NODES) or not node.decorator_list:
                continue
            first = min(d.lineno for d in node.decorator_list)
            if first <= label.start_line <= node.lineno or label.start_line == node.lineno:
                assert label.start_line == first and label.end_line >= node.lineno, label


def test_secrets_in_labels_file_are_not_repeated() -> None:
    """Anchors stop before string literals, so no secret value is duplicated."""
    for label in (lab for lab in labels() if lab.category == "secrets"):
        assert '"' not in label.anchor and "'" not in label.anchor, label


# --- scorer ---------------------------------------------------------------

def _lab(line: int, category: str, verdict: str, end: int | None = None, path: str = "a.py") -> Label:
    return Label(path, line, end or line, category, verdict)


def _find(line: int, *categories: str, path: str = "a.py") -> Finding:
    return Finding("t", path, line, tuple(categories))


SYNTH = [
    _lab(10, "sqli", "vulnerable"),
    _lab(20, "sqli", "vulnerable", end=22),
    _lab(30, "sqli", "safe"),
    _lab(40, "sqli", "vulnerable"),
    _lab(50, "xss", "vulnerable"),
]


def test_score_counts_tp_fp_fn() -> None:
    findings = [
        _find(10, "sqli"),          # TP
        _find(10, "sqli"),          # same label again: still one TP
        _find(22, "sqli"),          # inside the multi-line range: TP
        _find(30, "sqli"),          # on a safe look-alike: FP
        _find(35, "sqli"),          # unlabelled line: FP
        _find(40, "xss"),           # wrong category on a sqli line: FP in xss, sqli line missed
        _find(10, "sqli", path="b.py"),  # same line, other file: FP
    ]
    result = score(findings, SYNTH)
    sqli, xss = result["sqli"], result["xss"]
    assert (sqli.tp, sqli.fn, sqli.fp_on_safe, sqli.fp_unlabelled) == (2, 1, 1, 2)
    assert sqli.precision == pytest.approx(2 / 5)
    assert sqli.recall == pytest.approx(2 / 3)
    assert sqli.f1 == pytest.approx(2 * 0.4 * (2 / 3) / (0.4 + 2 / 3))
    assert (xss.tp, xss.fn, xss.fp) == (0, 1, 1)
    assert result["overall"].tp == 2 and result["overall"].fn == 2 and result["overall"].fp == 4
    assert [m.start_line for m in sqli.missed] == [40]


def test_score_line_outside_range_does_not_match() -> None:
    result = score([_find(23, "sqli"), _find(9, "sqli")], SYNTH)
    assert result["sqli"].tp == 0
    assert result["sqli"].fp_unlabelled == 2


def test_related_category_matches_and_fp_goes_to_safe_label_category() -> None:
    labels_ = [_lab(5, "code-injection", "vulnerable"), _lab(7, "weak-random", "safe"),
               _lab(8, "guessable-token", "vulnerable")]
    findings = [
        _find(5, *categories_for([78])),   # bandit's eval is CWE-78: matches code-injection
        _find(7, *categories_for([330])),  # random on a safe weak-random line
        _find(8, *categories_for([330])),  # random on a guessable token: related category hit
    ]
    result = score(findings, labels_)
    assert result["code-injection"].tp == 1
    assert result["cmdi"].fp == 0
    assert result["weak-random"].fp_on_safe == 1
    assert result["guessable-token"].tp == 1


def test_no_findings_gives_undefined_precision_and_zero_recall() -> None:
    result = score([], SYNTH)
    assert result["sqli"].precision is None
    assert result["sqli"].recall == 0.0
    assert result["sqli"].f1 == 0.0


def test_categories_for_name_hint_and_unmapped() -> None:
    assert categories_for([862], "missing-ownership-check")[0] == "ownership"
    assert categories_for([862], "route-without-auth")[0] == "missing-auth"
    assert categories_for([338], "guessable-reset-token")[0] == "guessable-token"
    assert categories_for([703]) == ()
    assert categories_for([], "insecure-random") == ("weak-random",)


def test_load_labels_rejects_unknown_category(tmp_path: Path) -> None:
    bad = tmp_path / "labels.csv"
    bad.write_text(",".join(scoring.LABEL_COLUMNS) + "\napp/x.py,1,1,sql,vulnerable,x,n\n")
    with pytest.raises(ValueError, match="unknown category"):
        load_labels(bad)
