"""Accuracy benchmark: codeward, bandit, ruff and semgrep on the labelled corpus.

Runs every scanner that is installed on ``benchmarks/corpus``, maps findings to
the corpus categories through CWE ids (see ``tool_outputs.py`` and
``scoring.py``) and prints precision, recall and F1 per category and overall,
side by side. A tool that is missing is shown as "not installed"; one that
fails is shown as "failed" with the reason.

    python benchmarks/accuracy.py                      # plain table
    python benchmarks/accuracy.py --format markdown    # for RESULTS.md
    python benchmarks/accuracy.py --format json
    python benchmarks/accuracy.py --show codeward      # misses and false positives

Scoring rules (details in scoring.py): a vulnerable label is found when a
finding of a matching category lies in its line range; every other mapped
finding is a false positive, whether it sits on a safe look-alike or on an
unlabelled line. semgrep runs only with local rules (``--semgrep-config``, or
``benchmarks/semgrep-rules.yml`` by default): its registry needs the network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from scoring import CATEGORIES, CategoryScore, Label, load_labels, score
from tool_outputs import PARSERS, Parsed
from tool_runners import DEFAULT_SEMGREP_RULES, TOOLS, find_tool, scan_command, tool_env

DEFAULT_CORPUS = BENCH_DIR / "corpus"


@dataclass
class ToolResult:
    """Outcome of one tool on the corpus."""

    name: str
    status: str  # "ok", "not installed", "failed: ...", "skipped: ..."
    version: str = ""
    command: list[str] = field(default_factory=list)
    seconds: float = 0.0
    parsed: Parsed | None = None
    scores: dict[str, CategoryScore] = field(default_factory=dict)


def run_tool(name: str, corpus: Path, labels: Sequence[Label], args: argparse.Namespace) -> ToolResult:
    """Run one scanner on the corpus and score its report."""
    semgrep_config: Path | None = None
    if name == "semgrep":
        semgrep_config = args.semgrep_config or (DEFAULT_SEMGREP_RULES if DEFAULT_SEMGREP_RULES.is_file() else None)
        if semgrep_config is None:
            return ToolResult(name, "skipped: no local rules (--semgrep-config)")
    tool = find_tool(name, args.tools_bin)
    if tool is None:
        return ToolResult(name, "not installed")
    cmd = scan_command(tool, corpus, semgrep_config=semgrep_config)
    cwd = Path.cwd()
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=args.timeout, env=tool_env(tool), cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolResult(name, f"failed: {exc.__class__.__name__}", tool.version, cmd)
    seconds = time.perf_counter() - start
    try:
        report: Any = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return ToolResult(name, f"failed: exit {done.returncode}: {tail[0][:160]}", tool.version, cmd, seconds)
    if name == "codeward" and isinstance(report, dict) and report.get("files") == 0:
        return ToolResult(name, "failed: scanned 0 files (corpus excluded?)", tool.version, cmd, seconds)
    parsed = PARSERS[name](report, corpus, cwd)
    return ToolResult(name, "ok", tool.version, cmd, seconds, parsed, score(parsed.findings, labels))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}"


def _rows(results: Sequence[ToolResult], labels: Sequence[Label]) -> list[list[str]]:
    vuln = {c: sum(1 for lab in labels if lab.category == c and lab.verdict == "vulnerable") for c in CATEGORIES}
    safe = {c: sum(1 for lab in labels if lab.category == c and lab.verdict == "safe") for c in CATEGORIES}
    rows = []
    for category in (*CATEGORIES, "overall"):
        n_vuln = sum(vuln.values()) if category == "overall" else vuln[category]
        n_safe = sum(safe.values()) if category == "overall" else safe[category]
        row = [category, f"{n_vuln}/{n_safe}"]
        for result in results:
            if result.status != "ok":
                row.append("n/a")
                continue
            s = result.scores[category]
            row.append(f"{_pct(s.precision)}/{_pct(s.recall)}/{_pct(s.f1)}")
        rows.append(row)
    return rows


def _header(results: Sequence[ToolResult]) -> list[str]:
    return ["category", "vuln/safe", *(f"{r.name} P/R/F1" for r in results)]


def _tool_lines(results: Sequence[ToolResult]) -> list[str]:
    lines = []
    for r in results:
        if r.status == "ok" and r.parsed is not None:
            unmapped = sum(r.parsed.unmapped.values())
            lines.append(f"{r.name}: {r.version}; {len(r.parsed.findings)} mapped findings, "
                         f"{unmapped} unmapped (not scored); {r.seconds:.1f} s")
            lines.extend(f"  {r.name} warning: {e}" for e in r.parsed.errors[:5])
        else:
            lines.append(f"{r.name}: {r.status}")
    return lines


def render_text(results: Sequence[ToolResult], labels: Sequence[Label]) -> str:
    """Plain fixed-width table."""
    table = [_header(results), *_rows(results, labels)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    out += ["", "P/R/F1 in percent; – = tool reported nothing in that category.", *_tool_lines(results)]
    return "\n".join(out)


def render_markdown(results: Sequence[ToolResult], labels: Sequence[Label]) -> str:
    """GitHub-flavoured markdown table."""
    header = _header(results)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in _rows(results, labels):
        cells = [f"**{c}**" if row[0] == "overall" else c for c in row]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", *(f"- {line.strip()}" for line in _tool_lines(results))]
    return "\n".join(out)


def render_json(results: Sequence[ToolResult], labels: Sequence[Label]) -> str:
    """Machine-readable results."""
    payload: dict[str, Any] = {"labels": {"vulnerable": sum(lab.verdict == "vulnerable" for lab in labels),
                                          "safe": sum(lab.verdict == "safe" for lab in labels)},
                               "tools": {}}
    for r in results:
        entry: dict[str, Any] = {"status": r.status, "version": r.version, "seconds": round(r.seconds, 3)}
        if r.status == "ok" and r.parsed is not None:
            entry["unmapped"] = r.parsed.unmapped
            entry["categories"] = {
                c: {"tp": s.tp, "fp": s.fp, "fp_on_safe": s.fp_on_safe, "fp_unlabelled": s.fp_unlabelled,
                    "fn": s.fn, "precision": s.precision, "recall": s.recall, "f1": s.f1}
                for c, s in r.scores.items()
            }
        payload["tools"][r.name] = entry
    return json.dumps(payload, indent=2)


def render_details(result: ToolResult, labels: Sequence[Label]) -> str:
    """Missed labels and false positives of one tool (paths and lines only)."""
    if result.status != "ok" or result.parsed is None:
        return f"{result.name}: {result.status}"
    vulnerable = [lab for lab in labels if lab.verdict == "vulnerable"]
    out = [f"== {result.name}: missed vulnerable labels"]
    for category in CATEGORIES:
        for lab in result.scores[category].missed:
            out.append(f"  {category:15} {lab.path}:{lab.start_line}-{lab.end_line}  {lab.note}")
    out.append(f"== {result.name}: false positives")
    for f in sorted(result.parsed.findings, key=lambda f: (f.path, f.line)):
        if not any(lab.category in f.categories and lab.covers(f.path, f.line) for lab in vulnerable):
            safe = [lab for lab in labels if lab.verdict == "safe" and lab.covers(f.path, f.line)
                    and lab.category in f.categories]
            where = f"safe look-alike: {safe[0].note}" if safe else "unlabelled line"
            out.append(f"  {f.categories[0]:15} {f.path}:{f.line}  {f.rule}  ({where})")
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, help="labels CSV (default: CORPUS/labels.csv)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    parser.add_argument("--tools-bin", type=Path, help="directory holding bandit/ruff/semgrep/codeward")
    parser.add_argument("--semgrep-config", type=Path, help="local semgrep rules (default: benchmarks/semgrep-rules.yml)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    parser.add_argument("--show", metavar="TOOL", action="append", default=[],
                        help="also list this tool's missed labels and false positives (repeatable)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per tool run")
    args = parser.parse_args(argv)
    unknown = set(args.tools.split(",")) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 0 unless the corpus itself is broken."""
    args = parse_args(argv)
    corpus = args.corpus.resolve()
    labels = load_labels(args.labels or corpus / "labels.csv")
    results = [run_tool(name, corpus, labels, args) for name in args.tools.split(",")]
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[args.format]
    report = render(results, labels)
    for name in args.show:
        match = [r for r in results if r.name == name]
        report += "\n\n" + (render_details(match[0], labels) if match else f"{name}: not run")
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    else:
        print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
