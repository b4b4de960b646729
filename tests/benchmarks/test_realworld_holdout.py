"""The held-out corpus stays usable and stays held out: its files parse with the triage loop's
readers, every verdict and miss names one of its repositories, and none of them is in the corpus
the rules are developed against (a shared repository would leak tuning into the measurement)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "realworld"))

import scan as realworld_scan
from triage import load_misses, load_triage

REALWORLD = Path(realworld_scan.__file__).parent
HOLDOUT = REALWORLD / "holdout"


def test_holdout_files_parse_and_name_only_holdout_repositories() -> None:
    repos = {row["repo"] for row in realworld_scan.load_manifest(HOLDOUT / "manifest.csv")}
    verdicts = load_triage(HOLDOUT / "triage.csv")
    misses = load_misses(HOLDOUT / "misses.csv")
    assert verdicts and misses
    assert {v.repo for v in verdicts} <= repos
    assert {m.repo for m in misses} <= repos


def test_holdout_shares_no_repository_with_the_tuning_corpus() -> None:
    tuning = {row["repo"].lower() for row in realworld_scan.load_manifest(REALWORLD / "manifest.csv")}
    held_out = {row["repo"].lower() for row in realworld_scan.load_manifest(HOLDOUT / "manifest.csv")}
    assert not tuning & held_out
