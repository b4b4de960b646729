"""The triage and misses files, and matching a scan's findings against them.

``triage.csv``: one verdict per finding, keyed so it survives line moves:
    repo,path,rule,handler,discriminator,verdict,reason
``discriminator`` is empty unless one handler has several findings of the rule; then it is a
short piece of the flagged source text (e.g. the fetched model ``Note.query.get``) and matches a
finding whose snippet contains it. ``verdict`` is true, false or unsure; ``reason`` names the
cause in one line ("false: query binds user_id = ? to session['user_id']").

``misses.csv``: real flaws codeward does not report, ``repo,path,handler,rule,reason``; a miss
counts as found when a finding of that rule sits in that handler.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

TRIAGE_COLUMNS = ("repo", "path", "rule", "handler", "discriminator", "verdict", "reason")
MISS_COLUMNS = ("repo", "path", "handler", "rule", "reason")
VERDICTS = ("true", "false", "unsure")


class FormatError(ValueError):
    """A triage or misses file that does not follow the format above."""


@dataclass(frozen=True)
class Keyed:
    """What a finding and its verdict share: the key that survives line moves."""

    repo: str
    path: str
    rule: str
    handler: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.repo, self.path, self.rule, self.handler)


@dataclass(frozen=True)
class Finding(Keyed):
    """One reported finding, reduced to what triage needs."""

    line: int
    snippet: str
    message: str


@dataclass(frozen=True)
class Verdict(Keyed):
    """One row of ``triage.csv``."""

    discriminator: str
    verdict: str
    reason: str


@dataclass(frozen=True)
class Miss:
    """One row of ``misses.csv``."""

    repo: str
    path: str
    handler: str
    rule: str
    reason: str


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        if tuple(reader.fieldnames or ()) != columns:
            raise FormatError(f"{path.name}: header must be {','.join(columns)}, got {reader.fieldnames}")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or any(row[c] is None for c in columns):
            raise FormatError(f"{path.name}:{number}: expected {len(columns)} columns")
    return rows


def load_triage(path: Path) -> list[Verdict]:
    """Read ``triage.csv``; every row needs a known verdict, a reason and a unique key."""
    verdicts = [Verdict(**{c: row[c].strip() for c in TRIAGE_COLUMNS}) for row in _rows(path, TRIAGE_COLUMNS)]
    seen: set[tuple[str, ...]] = set()
    for v in verdicts:
        if v.verdict not in VERDICTS:
            raise FormatError(f"{path.name}: {v.key}: verdict must be one of {VERDICTS}, got {v.verdict!r}")
        if not v.reason:
            raise FormatError(f"{path.name}: {v.key}: a verdict needs a reason")
        ident = (*v.key, v.discriminator)
        if ident in seen:
            raise FormatError(f"{path.name}: duplicate row {ident}")
        seen.add(ident)
    return verdicts


def load_misses(path: Path) -> list[Miss]:
    """Read ``misses.csv``."""
    return [Miss(**{c: row[c].strip() for c in MISS_COLUMNS}) for row in _rows(path, MISS_COLUMNS)]


def match(finding: Finding, candidates: Iterable[Verdict]) -> Verdict | None:
    """The verdict for a finding: a discriminator found in its snippet, else the key's plain row."""
    plain = None
    for verdict in candidates:
        if verdict.discriminator and verdict.discriminator in finding.snippet:
            return verdict
        if not verdict.discriminator:
            plain = verdict
    return plain


@dataclass
class Comparison:
    """Findings set against the triage: what is judged, what is new, what changed."""

    judged: list[tuple[Finding, Verdict]] = field(default_factory=list)
    untriaged: list[Finding] = field(default_factory=list)
    #: Verdict rows no finding matched any more (a fixed false positive, or lost recall).
    gone: list[Verdict] = field(default_factory=list)
    #: Misses with whether a finding of their rule now sits in their handler.
    misses: list[tuple[Miss, bool]] = field(default_factory=list)

    def per_rule(self) -> dict[str, Counter]:
        """Per rule: findings, true, false, unsure and untriaged counts."""
        table: dict[str, Counter] = defaultdict(Counter)
        for finding, verdict in self.judged:
            table[finding.rule]["findings"] += 1
            table[finding.rule][verdict.verdict] += 1
        for finding in self.untriaged:
            table[finding.rule]["findings"] += 1
            table[finding.rule]["untriaged"] += 1
        return dict(sorted(table.items()))

    def still_firing(self, verdict: str) -> list[tuple[Finding, Verdict]]:
        return [(f, v) for f, v in self.judged if v.verdict == verdict]


def compare(findings: list[Finding], verdicts: list[Verdict], misses: list[Miss], repos: set[str],
            families: tuple[str, ...] = ("CW",)) -> Comparison:
    """Match findings to verdicts; verdicts and misses of repositories or rule families not
    scanned are left out of ``gone`` and ``misses``."""
    by_key: dict[tuple[str, ...], list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_key[verdict.key].append(verdict)
    result = Comparison()
    used: set[int] = set()
    for finding in findings:
        verdict = match(finding, by_key.get(finding.key, ()))
        if verdict is None:
            result.untriaged.append(finding)
        else:
            result.judged.append((finding, verdict))
            used.add(id(verdict))
    result.gone = [v for v in verdicts
                   if id(v) not in used and v.repo in repos and v.rule.startswith(families)]
    result.misses = [(m, any(_covers(f, m) for f in findings)) for m in misses
                      if m.repo in repos and m.rule.startswith(families)]
    return result


def _covers(finding: Finding, miss: Miss) -> bool:
    """A finding of the miss's rule in its handler, or on the class that holds it (a view class
    such as a MethodView is reported on the class line, the miss names the method)."""
    if (finding.repo, finding.path, finding.rule) != (miss.repo, miss.path, miss.rule):
        return False
    return finding.handler == miss.handler or miss.handler.startswith(finding.handler + ".")


def proposed_rows(untriaged: list[Finding], all_findings: list[Finding]) -> list[list[str]]:
    """CSV rows to paste into ``triage.csv``: a discriminator only where a key repeats, one row
    for findings that share both key and flagged text."""
    per_key = Counter(f.key for f in all_findings)
    rows, proposed = [], set()
    for f in untriaged:
        discriminator = f.snippet if per_key[f.key] > 1 else ""
        if (*f.key, discriminator) in proposed:
            continue  # one row judges every finding with this key and flagged text
        proposed.add((*f.key, discriminator))
        rows.append([*f.key, discriminator, "", f"L{f.line}: {f.message}"])
    return rows


def precision(counts: Counter) -> float | None:
    judged = counts["true"] + counts["false"]
    return counts["true"] / judged if judged else None
