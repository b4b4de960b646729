"""Scan the real-world corpus with codeward and compare the findings with the triage file.

For every repository of ``manifest.csv`` extracted under ``--root`` (see extract.py), run the
codeward CLI (``--format json --no-cache``) and key each finding by (repo, path, rule, handler).
Prints, for the selected rule families (CW3 by default):
  * per rule: findings, true / false / unsure, untriaged, precision = true / (true + false);
  * untriaged findings as CSV rows ready to paste into triage.csv;
  * triaged false positives that still fire, with their reasons;
  * triaged true positives that no longer fire (lost recall), and fixed false positives;
  * misses.csv rows and whether they are now found.

Usage: python benchmarks/realworld/scan.py [--root /work/realworld] [--families CW3,CW1]
       [--repo owner/name] [--save-reports DIR | --reports DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from keys import handler_at, snippet
from triage import Finding, compare, load_misses, load_triage, precision, proposed_rows

HERE = Path(__file__).resolve().parent
BENCH_CONFIG = HERE.parent / "codeward-bench.toml"
COMMIT_MARKER = ".realworld-commit"
#: Secret findings flag the secret: their source text is never read into a key or printed.
SECRET_FAMILY = "CW2"
BACKTICKED = re.compile(r"`([^`]+)`")
#: Key a saved report carries with the ``--select`` of the scan that made it: reusing CW3-only
#: reports for CW1 would otherwise report every injection true positive as lost.
SELECTION_KEY = "realworld_selection"


def codeward_command(explicit: str | None) -> list[str]:
    """The CLI to run: --codeward, next to this interpreter, on PATH, else ``-m server``."""
    if explicit:
        return [explicit]
    beside = Path(sys.executable).with_name("codeward")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("codeward")
    return [found] if found else [sys.executable, "-m", "server"]


def load_manifest(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def scan_repo(cli: list[str], folder: Path, select: str, jobs: int, timeout: float) -> dict:
    """One codeward JSON report for one extracted repository (``select`` empty: every rule).

    A scan that outlives ``timeout`` seconds is stopped and reported, so one pathological file
    (a regular expression that backtracks forever) cannot stall the whole corpus run. A file only partly
    analysed (newer syntax than the running Python) must not drop the repository's report: JSON is a CI
    format, where it would otherwise exit 2."""
    cmd = [*cli, "scan", "--format", "json", "--no-cache", "--exit-zero", "--no-exit-on-not-analysed",
           "--jobs", str(jobs),
           "--config", str(BENCH_CONFIG), *(["--select", select] if select else []), "."]
    try:
        done = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, check=False, timeout=timeout,
                              env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"codeward did not finish {folder.name} within {timeout:g} s") from None
    if done.returncode not in (0, 1):
        raise RuntimeError(f"codeward failed on {folder.name}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def families_not_covered(selection: str | None, families: tuple[str, ...]) -> list[str]:
    """The requested code prefixes a saved report cannot answer, because the scan that made it was
    restricted to other rules (reports saved before the selection was recorded are trusted)."""
    if selection is None or selection == "every rule":
        return []
    selected = tuple(p for p in selection.split(",") if p)
    return [family for family in families if not family.startswith(selected)]


def to_findings(repo: str, folder: Path, report: dict, families: tuple[str, ...]) -> list[Finding]:
    findings = []
    for raw in report.get("findings", []):
        if not raw["code"].startswith(families):
            continue
        rel = Path(raw["path"])
        path = rel if rel.is_absolute() else folder / rel
        rel_text = str(path.relative_to(folder)) if path.is_relative_to(folder) else raw["path"]
        message = raw.get("message", "")
        if raw["code"].startswith(SECRET_FAMILY):
            # The flagged text is the secret itself: discriminate by the (masked) name in the message.
            flagged = next(iter(BACKTICKED.findall(message)), "")
        else:
            flagged = snippet(path, raw["line"], raw.get("column"), raw.get("end_line"), raw.get("end_column"))
        findings.append(Finding(repo=repo, path=rel_text, rule=raw["code"], handler=handler_at(path, raw["line"]),
                                line=raw["line"], snippet=flagged, message=message))
    return findings


def collect(args: argparse.Namespace, families: tuple[str, ...]) -> tuple[list[Finding], set[str], list[str]]:
    """Findings of every scanned repository, the repositories scanned, and problems met."""
    cli = codeward_command(args.codeward)
    findings: list[Finding] = []
    scanned: set[str] = set()
    problems: list[str] = []
    for row in load_manifest(args.manifest):
        repo = row["repo"]
        if args.repo and repo not in args.repo:
            continue
        folder = args.root / repo.replace("/", "__")
        marker = folder / COMMIT_MARKER
        if not marker.is_file():
            problems.append(f"{repo}: not extracted under {args.root} (run extract.py)")
            continue
        if marker.read_text().strip() != row["commit"]:
            problems.append(f"{repo}: extracted commit {marker.read_text().strip()} is not the manifest's {row['commit']}")
            continue
        saved = args.reports / f"{folder.name}.json" if args.reports else None
        if saved is not None and saved.exists():
            report = json.loads(saved.read_text())
            missing = families_not_covered(report.get(SELECTION_KEY), families)
            if missing:
                raise SystemExit(f"{saved} was saved from a scan of {report[SELECTION_KEY]} only; it cannot answer"
                                 f" {','.join(missing)} (rescan with --save-reports into another folder)")
        else:
            every_rule = any(len(prefix) <= 2 for prefix in families)
            select = "" if every_rule else ",".join(families)
            try:
                report = scan_repo(cli, folder, select, args.jobs, args.timeout)
            except (RuntimeError, json.JSONDecodeError) as error:
                problems.append(f"{repo}: {error}")
                continue
            report[SELECTION_KEY] = select or "every rule"
            if args.save_reports:
                args.save_reports.mkdir(parents=True, exist_ok=True)
                (args.save_reports / f"{folder.name}.json").write_text(json.dumps(report))
        problems += [f"{repo}: not analysed {n.get('path')}: {n.get('reason')}" for n in report.get("not_analysed", [])
                     if str(n.get("path", "")).endswith(".py")]
        findings += to_findings(repo, folder, report, families)
        scanned.add(repo)
    return findings, scanned, problems


def print_report(findings: list[Finding], scanned: set[str], args: argparse.Namespace) -> None:
    verdicts = load_triage(args.triage)
    misses = load_misses(args.misses)
    result = compare(findings, verdicts, misses, scanned, args.families_tuple)
    print(f"# {len(scanned)} repositories, {len(findings)} findings of {','.join(args.families_tuple)}")
    print(f"{'rule':7} {'findings':>8} {'true':>5} {'false':>5} {'unsure':>6} {'untriaged':>9} {'precision':>9}")
    totals: dict[str, int] = {}
    for rule, counts in result.per_rule().items():
        p = precision(counts)
        print(f"{rule:7} {counts['findings']:8} {counts['true']:5} {counts['false']:5} {counts['unsure']:6}"
              f" {counts['untriaged']:9} {'-' if p is None else f'{p:.0%}':>9}")
        for k in ("findings", "true", "false", "unsure", "untriaged"):
            totals[k] = totals.get(k, 0) + counts[k]
    if totals:
        overall = precision(Counter(totals))
        print(f"{'all':7} {totals['findings']:8} {totals['true']:5} {totals['false']:5} {totals['unsure']:6}"
              f" {totals['untriaged']:9} {'-' if overall is None else f'{overall:.0%}':>9}")
    if result.untriaged:
        print(f"\n## untriaged findings ({len(result.untriaged)}): paste into {args.triage.name}, fill verdict and reason")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for row in proposed_rows(result.untriaged, findings):
            writer.writerow(row)
    still = result.still_firing("false")
    if still and not args.quiet:
        print(f"\n## triaged false positives still firing ({len(still)})")
        for f, v in still:
            print(f"{f.repo} {f.path}:{f.line} {f.rule} {f.handler}: {v.reason}")
    lost = [v for v in result.gone if v.verdict == "true"]
    fixed = [v for v in result.gone if v.verdict != "true"]
    print(f"\n## triaged true positives no longer reported (lost recall): {len(lost)}")
    for v in lost:
        print(f"{v.repo} {v.path} {v.rule} {v.handler} {v.discriminator}: {v.reason}")
    print(f"\n## triaged false/unsure findings no longer reported (fixed or moved): {len(fixed)}")
    for v in fixed:
        print(f"{v.repo} {v.path} {v.rule} {v.handler} {v.discriminator}: {v.reason}")
    found = sum(1 for _, now in result.misses if now)
    print(f"\n## known misses now found: {found} of {len(result.misses)}")
    for miss, now in result.misses:
        print(f"{'FOUND ' if now else 'missed'} {miss.repo} {miss.path} {miss.handler} {miss.rule}: {miss.reason}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path("/work/realworld"), help="where extract.py put the copies")
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.csv")
    ap.add_argument("--triage", type=Path, default=HERE / "triage.csv")
    ap.add_argument("--misses", type=Path, default=HERE / "misses.csv")
    ap.add_argument("--families", default="CW3", help="comma-separated code prefixes, e.g. CW3,CW1,CW4")
    ap.add_argument("--repo", action="append", help="scan only this owner/name (repeatable)")
    ap.add_argument("--codeward", help="codeward executable (default: next to this python, then PATH)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300, help="seconds one repository's scan may take")
    ap.add_argument("--save-reports", type=Path, help="keep each repository's JSON report here")
    ap.add_argument("--reports", type=Path, help="reuse JSON reports saved with --save-reports")
    ap.add_argument("--quiet", action="store_true", help="do not list the false positives still firing")
    args = ap.parse_args(argv)
    args.families_tuple = tuple(p.strip() for p in args.families.split(",") if p.strip())
    findings, scanned, problems = collect(args, args.families_tuple)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not scanned:
        print("no repository scanned", file=sys.stderr)
        return 2
    print_report(findings, scanned, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
