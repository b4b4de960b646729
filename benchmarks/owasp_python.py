"""OWASP BenchmarkPython: codeward, bandit, ruff and semgrep scored the way OWASP scores them.

The benchmark (https://github.com/OWASP-Benchmark/BenchmarkPython, GPL-3.0, never
committed here) is 1,243 Flask test files, each a true or a false positive of one
category, listed in ``expectedresults-*.csv`` (test name, category, real
vulnerability, CWE). Fetch it outside the repository, e.g. ``/work/ext/BenchmarkPython``.

Scoring follows OWASP's scorecard generator: a test file counts as *flagged* by a
tool when the tool reports, anywhere in that file, a finding whose CWE is the
test's CWE. Each tool's CWE is first normalised to the benchmark's CWE set the way
the scorecard's per-tool readers do (:data:`CWE_TO_CATEGORY`: md5 reported as
CWE-327 counts for the weak-hash CWE-328, ``eval`` that bandit files under CWE-78
counts as code injection through :data:`RULE_CWE`). Per category:
TPR = TP / (TP + FN), FPR = FP / (FP + TN), score (Youden) = TPR - FPR. The overall
row is the average of the category rows, as on OWASP's scorecards (every category
weighs the same whatever its number of tests); the pooled ("micro") figures are
printed below it.

    python benchmarks/owasp_python.py --benchmark /work/ext/BenchmarkPython \\
        --tools-bin /work/venvs/bench/bin
    python benchmarks/owasp_python.py --tools codeward --list-fn xss   # missed test files
    python benchmarks/owasp_python.py --tools codeward --list-fp hash  # false alarms

codeward is the one importable by the interpreter running this script (the
worktree's), the other tools come from ``--tools-bin``. Every tool scans the whole
benchmark folder (so helper modules are visible to the tools that read them), and
only files under ``testcode/`` are scored.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from tool_outputs import CWE20_RULES, RUFF_CWE, _cwe_ints  # noqa: E402
from tool_runners import DEFAULT_SEMGREP_RULES, Tool, find_tool, scan_command, tool_env  # noqa: E402

CATEGORIES: tuple[str, ...] = (
    "cmdi", "codeinj", "deserialization", "hash", "ldapi", "pathtraver", "redirect",
    "securecookie", "sqli", "trustbound", "weakrand", "xpathi", "xss", "xxe",
)

# A tool's CWE -> the benchmark category whose CWE it stands for. The benchmark's
# own CWEs first; then the neighbours tools report for the same weakness (not CWE-916,
# too little work for a password hash: one round of sha256 is that, not a weak hash).
CWE_TO_CATEGORY: dict[int, str] = {
    78: "cmdi", 77: "cmdi", 88: "cmdi",
    94: "codeinj", 95: "codeinj", 96: "codeinj",
    502: "deserialization",
    328: "hash", 327: "hash",
    90: "ldapi",
    22: "pathtraver", 23: "pathtraver", 36: "pathtraver", 73: "pathtraver",
    601: "redirect",
    614: "securecookie",
    89: "sqli",
    501: "trustbound",
    330: "weakrand", 338: "weakrand",
    643: "xpathi",
    79: "xss", 80: "xss",
    611: "xxe",
}

# Rules whose tool-given CWE names another weakness than the one they test
# (bandit and ruff file eval/exec under CWE-78 and XML parsers under CWE-20).
RULE_CWE: dict[str, int] = {
    "B102": 94, "S102": 94, "B307": 94, "S307": 94,
    **{rule: (611 if category == "xxe" else 502) for rule, category in CWE20_RULES.items()},
}

TOOLS = ("codeward", "bandit", "ruff", "semgrep")


@dataclass(frozen=True)
class TestCase:
    """One row of the expected-results CSV."""

    name: str
    category: str
    vulnerable: bool
    cwe: int


@dataclass
class Tally:
    """Confusion counts of one tool on one category, with the misclassified tests."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def tpr(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def youden(self) -> float:
        return self.tpr - self.fpr


@dataclass
class ToolRun:
    """One tool's outcome: the categories it reported per test file, or why it failed."""

    name: str
    status: str
    version: str = ""
    seconds: float = 0.0
    flagged: dict[str, set[str]] = field(default_factory=dict)


def load_expected(benchmark: Path) -> list[TestCase]:
    """Read ``expectedresults-*.csv`` (comment header line starting with ``#``)."""
    paths = sorted(benchmark.glob("expectedresults-*.csv"))
    if not paths:
        raise SystemExit(f"no expectedresults-*.csv in {benchmark}")
    cases: list[TestCase] = []
    with paths[-1].open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row or row[0].lstrip().startswith("#"):
                continue
            cases.append(TestCase(row[0].strip(), row[1].strip(), row[2].strip().lower() == "true", int(row[3])))
    return cases


def _test_name(path: str) -> str | None:
    """``.../testcode/BenchmarkTest00042.py`` -> ``BenchmarkTest00042``; None outside testcode."""
    parts = Path(path).parts
    if "testcode" not in parts or not parts[-1].endswith(".py"):
        return None
    return Path(parts[-1]).stem


def _categories(cwes: Iterable[int]) -> set[str]:
    return {CWE_TO_CATEGORY[cwe] for cwe in cwes if cwe in CWE_TO_CATEGORY}


def flagged_codeward(report: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item in report.get("findings", []):
        name = _test_name(item.get("path", ""))
        if name:
            out[name] |= _categories(_cwe_ints(item.get("cwe")))
    return out


def flagged_bandit(report: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item in report.get("results", []):
        name = _test_name(item.get("filename", ""))
        if name:
            rule = item.get("test_id", "")
            cwes = [RULE_CWE[rule]] if rule in RULE_CWE else _cwe_ints((item.get("issue_cwe") or {}).get("id"))
            out[name] |= _categories(cwes)
    return out


def flagged_ruff(report: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item in report:
        name = _test_name(item.get("filename", ""))
        code = item.get("code") or ""
        if name:
            cwe = RULE_CWE.get(code, RUFF_CWE.get(code))
            out[name] |= _categories([cwe] if cwe else [])
    return out


def flagged_semgrep(report: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item in report.get("results", []):
        name = _test_name(item.get("path", ""))
        if name:
            metadata = (item.get("extra") or {}).get("metadata") or {}
            out[name] |= _categories(_cwe_ints(metadata.get("cwe")))
    return out


READERS = {"codeward": flagged_codeward, "bandit": flagged_bandit, "ruff": flagged_ruff, "semgrep": flagged_semgrep}


def _codeward_tool() -> Tool:
    """codeward as importable by this interpreter (the worktree under test)."""
    return Tool("codeward", (sys.executable, "-m", "codeward.server"), "this interpreter's codeward")


def run_tool(name: str, benchmark: Path, args: argparse.Namespace) -> ToolRun:
    """Scan the benchmark folder with one tool and read which categories it flagged per test."""
    tool = _codeward_tool() if name == "codeward" else find_tool(name, args.tools_bin)
    if tool is None:
        return ToolRun(name, "not installed")
    semgrep_config = args.semgrep_config if name == "semgrep" else None
    cmd = scan_command(tool, benchmark, jobs=args.jobs if name == "codeward" else None, semgrep_config=semgrep_config)
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=args.timeout, env=tool_env(tool))
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolRun(name, f"failed: {exc.__class__.__name__}", tool.version)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return ToolRun(name, f"failed: exit {done.returncode}: {tail[0][:160]}", tool.version, seconds)
    return ToolRun(name, "ok", tool.version, seconds, dict(READERS[name](report)))


def score(cases: list[TestCase], flagged: dict[str, set[str]]) -> dict[str, Tally]:
    """Confusion counts per category: a test is flagged when its own category was reported in its file."""
    tallies = {category: Tally() for category in CATEGORIES}
    for case in cases:
        tally = tallies.setdefault(case.category, Tally())
        hit = case.category in flagged.get(case.name, set())
        if case.vulnerable and hit:
            tally.tp += 1
        elif case.vulnerable:
            tally.fn += 1
            tally.missed.append(case.name)
        elif hit:
            tally.fp += 1
            tally.false_alarms.append(case.name)
        else:
            tally.tn += 1
    return tallies


def overall(tallies: dict[str, Tally]) -> tuple[float, float, float]:
    """OWASP's overall row: the mean of the per-category TPR, FPR and score."""
    rows = list(tallies.values())
    return (sum(t.tpr for t in rows) / len(rows), sum(t.fpr for t in rows) / len(rows),
            sum(t.youden for t in rows) / len(rows))


def pooled(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for t in tallies.values():
        total.tp, total.fn, total.fp, total.tn = total.tp + t.tp, total.fn + t.fn, total.fp + t.fp, total.tn + t.tn
    return total


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def render(cases: list[TestCase], runs: list[ToolRun], results: dict[str, dict[str, Tally]], markdown: bool) -> str:
    """One table: per category, TPR / FPR / Youden of every tool side by side."""
    ok = [run for run in runs if run.status == "ok"]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        counts[case.category][0 if case.vulnerable else 1] += 1
    header = ["category", "tests (vuln/safe)", *(f"{run.name} TPR/FPR/Youden" for run in ok)]
    rows = [[category, f"{counts[category][0]}/{counts[category][1]}",
             *(f"{_pct(results[r.name][category].tpr)}/{_pct(results[r.name][category].fpr)}/"
               f"{_pct(results[r.name][category].youden)}" for r in ok)] for category in CATEGORIES]
    rows.append(["**overall (mean)**" if markdown else "overall (mean)", f"{len([c for c in cases if c.vulnerable])}/"
                 f"{len([c for c in cases if not c.vulnerable])}",
                 *("/".join(_pct(v) for v in overall(results[r.name])) for r in ok)])
    rows.append(["pooled", "", *(f"{_pct(pooled(results[r.name]).tpr)}/{_pct(pooled(results[r.name]).fpr)}/"
                               f"{_pct(pooled(results[r.name]).youden)}" for r in ok)])
    lines: list[str] = []
    if markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines.extend("| " + " | ".join(row) + " |" for row in rows)
    else:
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    for run in runs:
        lines.append(f"{'- ' if markdown else ''}{run.name}: {run.status}"
                     + (f" ({run.version}, {run.seconds:.1f} s)" if run.status == "ok" else ""))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=Path("/work/ext/BenchmarkPython"),
                        help="checkout of OWASP-Benchmark/BenchmarkPython (kept outside this repository)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    parser.add_argument("--tools-bin", type=Path, default=None, help="folder holding bandit, ruff and semgrep")
    parser.add_argument("--semgrep-config", type=Path, default=DEFAULT_SEMGREP_RULES, help="local semgrep rules")
    parser.add_argument("--jobs", type=int, default=None, help="codeward worker processes")
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--list-fn", metavar="CATEGORY", help="print the vulnerable tests each tool missed")
    parser.add_argument("--list-fp", metavar="CATEGORY", help="print the safe tests each tool flagged")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    benchmark = args.benchmark.resolve()
    cases = load_expected(benchmark)
    names = [name.strip() for name in args.tools.split(",") if name.strip()]
    unknown = [name for name in names if name not in READERS]
    if unknown:
        raise SystemExit(f"unknown tools: {', '.join(unknown)}")
    runs = [run_tool(name, benchmark, args) for name in names]
    results = {run.name: score(cases, run.flagged) for run in runs if run.status == "ok"}
    print(render(cases, runs, results, args.format == "markdown"))
    for option, attribute in ((args.list_fn, "missed"), (args.list_fp, "false_alarms")):
        if option:
            for name, tallies in results.items():
                tests = getattr(tallies.get(option, Tally()), attribute)
                print(f"\n{name} {'missed' if attribute == 'missed' else 'false alarms'} in {option} ({len(tests)}):")
                print("\n".join(str(benchmark / "testcode" / f"{test}.py") for test in tests))
    return 0 if all(run.status == "ok" for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
