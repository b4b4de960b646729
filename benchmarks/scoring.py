"""Labels, CWE-to-category mapping and precision/recall scoring for the corpus.

The corpus labels live in ``benchmarks/corpus/labels.csv`` (see README.md).
A scanner's findings are turned into :class:`Finding` objects whose
``categories`` are the candidate benchmark categories of the finding, most
likely first (see :func:`categories_for`). :func:`score` then counts, per
category:

* **TP** – vulnerable labels hit by at least one finding of a candidate
  category whose line lies in the label's range (a label counts once, however
  many findings hit it);
* **FN** – vulnerable labels hit by no finding;
* **FP** – distinct ``(path, line, category)`` findings that hit no vulnerable
  label of any of their candidate categories. An FP is charged to the first
  candidate category that has a *safe* label on that line (``fp_on_safe``) and
  otherwise to the finding's primary category (``fp_unlabelled``). Findings on
  unlabelled lines are therefore false positives too: the corpus is meant to
  be fully labelled for every category a tool reports.

Findings whose CWE maps to no category are not scored (they are counted as
``unmapped`` by the caller).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CATEGORIES: tuple[str, ...] = (
    "sqli", "nosqli", "cmdi", "code-injection", "path-traversal", "ssrf",
    "open-redirect", "deserialization", "xxe", "xss", "secrets", "missing-auth",
    "ownership", "guessable-token", "debug", "tls", "cookie", "csrf", "cors",
    "jwt", "weak-hash", "weak-random", "weak-credential",
)
VERDICTS = ("vulnerable", "safe")
LABEL_COLUMNS = ("path", "start_line", "end_line", "category", "verdict", "anchor", "note")

# CWE id -> candidate categories, primary first. Later entries are *related*
# categories: the same CWE is used by some tools for that kind of issue (bandit
# reports eval() as CWE-78, the Flask debugger as CWE-94, urlopen's file://
# scheme as CWE-22), so a finding with that CWE may match a label there too.
CWE_CATEGORIES: dict[int, tuple[str, ...]] = {
    89: ("sqli",),
    564: ("sqli",),
    943: ("nosqli",),
    77: ("cmdi", "code-injection"),
    78: ("cmdi", "code-injection"),
    88: ("cmdi",),
    94: ("code-injection", "debug", "xss"),
    95: ("code-injection",),
    96: ("code-injection",),
    1336: ("code-injection", "xss"),
    22: ("path-traversal", "ssrf"),
    23: ("path-traversal",),
    36: ("path-traversal",),
    73: ("path-traversal",),
    918: ("ssrf",),
    601: ("open-redirect",),
    502: ("deserialization",),
    611: ("xxe",),
    776: ("xxe",),
    827: ("xxe",),
    79: ("xss",),
    80: ("xss",),
    83: ("xss",),
    116: ("xss",),
    259: ("secrets",),
    321: ("secrets",),
    798: ("secrets",),
    287: ("missing-auth",),
    306: ("missing-auth",),
    862: ("missing-auth", "ownership"),
    284: ("ownership", "missing-auth"),
    285: ("ownership", "missing-auth"),
    639: ("ownership",),
    566: ("ownership",),
    330: ("weak-random", "guessable-token"),
    338: ("weak-random", "guessable-token"),
    331: ("guessable-token", "weak-random"),
    340: ("guessable-token", "weak-random"),
    341: ("guessable-token", "weak-random"),
    11: ("debug",),
    215: ("debug",),
    489: ("debug",),
    295: ("tls",),
    297: ("tls",),
    322: ("tls",),
    599: ("tls",),
    315: ("cookie",),
    539: ("cookie",),
    614: ("cookie",),
    1004: ("cookie",),
    1275: ("cookie",),
    352: ("csrf",),
    346: ("cors",),
    942: ("cors",),
    1385: ("cors",),
    345: ("jwt",),
    347: ("jwt",),
    613: ("jwt",),
    327: ("weak-hash",),
    328: ("weak-hash",),
    759: ("weak-hash",),
    760: ("weak-hash",),
    916: ("weak-hash",),
    1391: ("weak-credential",),
    1392: ("weak-credential",),
    1188: ("weak-credential",),
}

# Keywords in a rule's *name* that pin the category when its CWE is shared
# between categories (used for codeward's ``name`` and semgrep rule ids).
NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("ownership", "ownership"), ("idor", "ownership"), ("object-level", "ownership"),
    ("missing-auth", "missing-auth"), ("unauthenticated", "missing-auth"),
    ("missing-authentication", "missing-auth"), ("token", "guessable-token"),
    ("random", "weak-random"), ("debug", "debug"), ("template-injection", "code-injection"),
    ("ssti", "code-injection"),
)


@dataclass(frozen=True)
class Label:
    """One labelled line range of the corpus."""

    path: str
    start_line: int
    end_line: int
    category: str
    verdict: str
    anchor: str = ""
    note: str = ""

    def covers(self, path: str, line: int) -> bool:
        """True when ``path:line`` lies inside this label's range."""
        return self.path == path and self.start_line <= line <= self.end_line


@dataclass(frozen=True)
class Finding:
    """A scanner finding reduced to what scoring needs."""

    tool: str
    path: str
    line: int
    categories: tuple[str, ...]
    rule: str = ""


@dataclass
class CategoryScore:
    """Counts for one category and the derived metrics."""

    tp: int = 0
    fn: int = 0
    fp_on_safe: int = 0
    fp_unlabelled: int = 0
    missed: list[Label] = field(default_factory=list)

    @property
    def fp(self) -> int:
        """All false positives."""
        return self.fp_on_safe + self.fp_unlabelled

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or None when the tool reported nothing here."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or None when there are no vulnerable labels."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (0 when either is 0 or None)."""
        p, r = self.precision, self.recall
        if r is None:
            return None
        if not p or not r:
            return 0.0
        return 2 * p * r / (p + r)


def load_labels(path: Path) -> list[Label]:
    """Read the labels CSV; raise ValueError on a malformed row."""
    labels: list[Label] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
            raise ValueError(f"{path}: expected columns {LABEL_COLUMNS}, got {reader.fieldnames}")
        for number, row in enumerate(reader, start=2):
            try:
                label = Label(
                    path=row["path"], start_line=int(row["start_line"]),
                    end_line=int(row["end_line"]), category=row["category"],
                    verdict=row["verdict"], anchor=row["anchor"], note=row["note"],
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
            if label.category not in CATEGORIES:
                raise ValueError(f"{path}:{number}: unknown category {label.category!r}")
            if label.verdict not in VERDICTS:
                raise ValueError(f"{path}:{number}: unknown verdict {label.verdict!r}")
            if not 1 <= label.start_line <= label.end_line:
                raise ValueError(f"{path}:{number}: bad range {label.start_line}-{label.end_line}")
            labels.append(label)
    return labels


def categories_for(cwes: Iterable[int], name: str = "") -> tuple[str, ...]:
    """Candidate categories for a finding with these CWE ids and rule name.

    Categories of every CWE are merged in order. A keyword of ``NAME_HINTS``
    found in ``name`` moves that category to the front when it is a candidate
    (or makes it the only candidate when no CWE is mapped).
    """
    merged: list[str] = []
    for cwe in cwes:
        for category in CWE_CATEGORIES.get(int(cwe), ()):
            if category not in merged:
                merged.append(category)
    lowered = name.lower()
    for keyword, category in NAME_HINTS:
        if keyword in lowered and (category in merged or not merged):
            merged = [category] + [c for c in merged if c != category]
            break
    return tuple(merged)


def relative_path(path: str, corpus_root: Path, cwd: Path | None = None) -> str:
    """Express a tool's reported path relative to the corpus root (posix).

    Relative paths are resolved against ``cwd`` (the directory the tool ran
    in). A path outside the corpus is returned unchanged.
    """
    root = corpus_root.resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = (cwd or Path.cwd()) / candidate
    resolved = candidate.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path


def score(findings: Sequence[Finding], labels: Sequence[Label]) -> dict[str, CategoryScore]:
    """Score ``findings`` against ``labels``; keys are categories plus ``overall``."""
    vulnerable: dict[str, list[Label]] = defaultdict(list)
    safe: dict[str, list[Label]] = defaultdict(list)
    for label in labels:
        (vulnerable if label.verdict == "vulnerable" else safe)[label.path].append(label)

    hit: set[Label] = set()
    false_positives: dict[tuple[str, int, str], bool] = {}
    for finding in findings:
        if not finding.categories:
            continue
        matched = [
            lab for lab in vulnerable.get(finding.path, ())
            if lab.category in finding.categories and lab.covers(finding.path, finding.line)
        ]
        if matched:
            hit.update(matched)
            continue
        safe_here = {
            lab.category for lab in safe.get(finding.path, ())
            if lab.covers(finding.path, finding.line)
        }
        on_safe = next((c for c in finding.categories if c in safe_here), None)
        category = on_safe or finding.categories[0]
        key = (finding.path, finding.line, category)
        false_positives[key] = false_positives.get(key, False) or on_safe is not None

    scores = {category: CategoryScore() for category in CATEGORIES}
    for label in (lab for labs in vulnerable.values() for lab in labs):
        entry = scores[label.category]
        if label in hit:
            entry.tp += 1
        else:
            entry.fn += 1
            entry.missed.append(label)
    for (_, _, category), on_safe in false_positives.items():
        if on_safe:
            scores[category].fp_on_safe += 1
        else:
            scores[category].fp_unlabelled += 1

    overall = CategoryScore()
    for entry in scores.values():
        overall.tp += entry.tp
        overall.fn += entry.fn
        overall.fp_on_safe += entry.fp_on_safe
        overall.fp_unlabelled += entry.fp_unlabelled
    scores["overall"] = overall
    return scores
