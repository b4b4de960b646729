"""``codeward scan``: options, and the order things happen in.

scan (or analyse stdin) → fix / add suppressions (then scan again) → baseline and diff-base
filters → report (text, JSON, SARIF, GitHub, GitLab, JUnit; or statistics, or a fix diff) →
exit status. Exit codes: 0 nothing at or above ``--exit-on``, 1 findings, 2 usage,
configuration or internal error, or (with ``--exit-on-not-analysed``, the default for the
formats CI reads) a file that was not, or only partly, analysed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from codeward.checks.config import Config, ConfigError, discover, load_file
from codeward.checks.reading import read_regular
from codeward.checks.scan import ScanResult, batch_gc, scan
from codeward.server.add_ignore import DEFAULT_REASON
from codeward.server.display import printable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Severities from lowest to highest (``--exit-on`` picks the lowest that fails a run).
SEVERITY_ORDER = ("note", "warning", "error")
FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
#: Formats CI reads: there a file that hid its findings fails the run by default.
CI_FORMATS = frozenset({"json", "sarif", "github", "gitlab", "junit"})


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="scan files and folders", description="Scan Python projects for security issues.")
    p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], help="files or folders (default: .)")
    report = p.add_argument_group("report")
    report.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text, with source snippets)")
    report.add_argument("--output", "-o", type=Path, help="write the report to this file")
    report.add_argument("--statistics", action="store_true", help="print how many findings each rule has, instead of the findings")
    report.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text output (auto: on a terminal, unless NO_COLOR is set)")
    report.add_argument("--quiet", "-q", action="store_true", help="print the findings only: no snippets, fix lines, summary or progress")
    report.add_argument("--verbose", "-v", action="store_true", help="also print the configuration used, the scan root and timings on stderr")
    select = p.add_argument_group("what to check")
    select.add_argument("--config", type=Path, help="pyproject.toml to use instead of discovery (relative paths in it start at its folder)")
    select.add_argument("--select", help="comma-separated codes or prefixes to run (replaces the configured select)")
    select.add_argument("--ignore", help="comma-separated codes or prefixes to skip (added to the configured ignore)")
    select.add_argument("--exclude", action="append", metavar="GLOB", help="paths or globs to skip, replacing the configured exclude (repeatable, or comma-separated)")
    select.add_argument("--extend-exclude", action="append", metavar="GLOB", help="paths or globs to skip, added to the configured exclude")
    select.add_argument(
        "--interpreter", metavar="PYTHON",
        help="the project's Python (an executable or a virtualenv folder): CW610-CW612 judge imports by what it has installed "
             "(default: a .venv or venv folder beside the scanned files); named here because codeward never runs one it finds in the tree",
    )
    select.add_argument("--stdin-filename", type=Path, metavar="NAME", help="analyse source read from stdin as the file NAME (no PATHS)")
    gate = p.add_argument_group("new-code gate")
    gate.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings that are not in this baseline")
    gate.add_argument("--write-baseline", type=Path, metavar="FILE", help="record today's findings in FILE (fixed ones drop out) and exit 0")
    gate.add_argument("--diff-base", metavar="REF", help="report only findings on lines changed since the git ref REF (its merge base with HEAD)")
    gate.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    gate.add_argument(
        "--exit-on-not-analysed", action=argparse.BooleanOptionalAction, default=None,
        help="exit 2 when a file was not (fully) analysed (default: on for json, sarif, github, gitlab and junit)",
    )
    gate.add_argument("--exit-on", choices=SEVERITY_ORDER, default="note", help="lowest severity that makes the exit status 1 (default: note, i.e. any finding)")
    fixing = p.add_argument_group("fixes and suppressions")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, include unsafe fixes")
    fixing.add_argument("--diff", "--show-fixes", dest="diff", action="store_true", help="print the fixes as a unified diff instead of writing them")
    fixing.add_argument(
        "--add-ignore", nargs="?", const=DEFAULT_REASON, metavar="REASON",
        help="add '# codeward: ignore[CODE] -- REASON' to the line of every current finding",
    )
    run = p.add_argument_group("running")
    run.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores)")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the results cache")
    run.add_argument("--cache-dir", type=Path, metavar="DIR", help="where the results cache lives (default: $XDG_CACHE_HOME/codeward or ~/.cache/codeward)")


def usage_problem(args: argparse.Namespace) -> str | None:
    """Option combinations that would silently do nothing or something else than asked."""
    if args.unsafe_fixes and not (args.fix or args.diff):
        return "--unsafe-fixes only works together with --fix or --diff"
    if args.fix and args.diff:
        return "--fix writes the fixes and --diff only shows them: choose one"
    if args.stdin_filename is not None and args.paths != [Path(".")]:
        return "--stdin-filename reads the source from stdin: give no PATHS"
    if args.stdin_filename is not None and (args.add_ignore is not None or args.write_baseline or args.diff_base):
        return "--add-ignore, --write-baseline and --diff-base work on files, not on stdin"
    if args.add_ignore is not None and (args.fix or args.diff):
        return "--add-ignore cannot be combined with --fix or --diff"
    if args.write_baseline and args.baseline and args.write_baseline != args.baseline:
        return "--write-baseline records every finding: it cannot be filtered by another --baseline"
    return None


def _codes(text: str | None) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()] if text else []


def _globs(values: list[str] | None) -> list[str]:
    return [g.strip() for value in values or [] for g in value.split(",") if g.strip()]


def load_config(args: argparse.Namespace) -> Config:
    start = args.stdin_filename.absolute().parent if args.stdin_filename is not None else args.paths[0]
    config = load_file(args.config) if args.config else discover(start)
    changes: dict[str, list[str]] = {}
    if args.select:
        changes["select"] = _codes(args.select)
    if args.ignore:
        changes["ignore"] = [*config.ignore, *_codes(args.ignore)]
    if args.exclude is not None:
        changes["exclude"] = _globs(args.exclude)
    if args.extend_exclude:
        changes["exclude"] = [*changes.get("exclude", config.exclude), *_globs(args.extend_exclude)]
    return config.with_overrides("command line", **changes) if changes else config


def run_scan(args: argparse.Namespace) -> int:
    problem = usage_problem(args)
    if problem:
        return _error(problem)
    if args.interpreter:
        from codeward.checks.inference import interpreter_problem

        unusable = interpreter_problem(args.interpreter)
        if unusable:
            return _error(f"--interpreter: {unusable}")
    if args.stdin_filename is None:
        for path in args.paths:
            if not path.exists():
                return _error(f"{path}: no such file or directory")
    started = time.monotonic()
    config = load_config(args)
    if args.stdin_filename is not None:
        return _run_stdin(args, config)
    batch_gc()  # this process scans and exits: see batch_gc
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    progress = _Progress() if sys.stderr.isatty() and not args.quiet and (args.format in ("text", "concise") or args.output) else None
    use_cache = not args.no_cache and not args.fix and args.add_ignore is None
    cache_dir = args.cache_dir.absolute() if args.cache_dir is not None else None
    result = scan(args.paths, config, jobs=jobs, use_cache=use_cache, on_progress=progress, cache_dir=cache_dir, interpreter=args.interpreter)
    if progress:
        progress.done()
    if args.fix or args.diff:
        from codeward.server.fixing import apply_plans, plan_fixes, unified_diff

        plans = plan_fixes(result, config, args.unsafe_fixes)
        if args.diff:
            sys.stdout.write(unified_diff(plans))
            count = sum(p.applied for p in plans)
            _say(args, f"Would fix {count} finding{'s' if count != 1 else ''}.")
            return EXIT_FINDINGS if count and not args.exit_zero else EXIT_CLEAN
        fixed = apply_plans(result.root, plans)
        _say(args, f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
        result = scan(args.paths, config, jobs=jobs, use_cache=False, interpreter=args.interpreter)
    if args.add_ignore is not None:
        from codeward.server.add_ignore import add_ignores

        added = add_ignores(result.root, result.findings, args.add_ignore)
        _say(args, f"Added {added.comments} suppression comment{'s' if added.comments != 1 else ''} in {added.files} file{'s' if added.files != 1 else ''}.")
        for refused in added.refused:
            print(f"codeward: not changed: {refused}", file=sys.stderr)
        if added.skipped:
            _say(args, f"{added.skipped} finding{'s' if added.skipped != 1 else ''} left as they are: a comment cannot go on their line (a string, a continuation, a file kind without inline comments), or they are about suppression comments themselves (fix those with --fix).")
        result = scan(args.paths, config, jobs=jobs, use_cache=False, interpreter=args.interpreter)
    if args.write_baseline:
        return _write_baseline(args, result)
    result = _gate(args, result)
    if args.verbose:
        _say(args, f"configuration: {config.source}; root: {result.root}; {result.files} file{'s' if result.files != 1 else ''} in {time.monotonic() - started:.2f} s")
    return _report(args, result)


def _run_stdin(args: argparse.Namespace, config: Config) -> int:
    from codeward.server.stdin_scan import fixed_text, read_stdin, scan_text

    text = read_stdin()
    if args.fix:
        fixed, count = fixed_text(text, args.stdin_filename, config, args.unsafe_fixes, args.interpreter)
        sys.stdout.write(fixed)
        _say(args, f"Fixed {count} finding{'s' if count != 1 else ''}.")
        text = fixed
    result = scan_text(text, args.stdin_filename, config, args.interpreter)
    result = _gate(args, result)
    if args.fix:
        return _status(args, result)  # stdout holds the fixed source, not a report
    if args.diff:
        from codeward.server.fixing import FilePlan, unified_diff

        fixed, count = fixed_text(text, args.stdin_filename, config, args.unsafe_fixes, args.interpreter)
        sys.stdout.write(unified_diff([FilePlan(args.stdin_filename.as_posix(), text, fixed, count)] if count else []))
        return EXIT_FINDINGS if count and not args.exit_zero else EXIT_CLEAN
    return _report(args, result, stdin_text=text)


def _gate(args: argparse.Namespace, result: ScanResult) -> ScanResult:
    """Only what is new: not in the baseline, and on lines changed since the diff base."""
    findings = result.findings
    if args.baseline:
        from codeward.server import baseline

        try:
            findings = baseline.load(args.baseline).new_findings(findings)
        except baseline.BaselineError as exc:
            raise ConfigError(str(exc)) from None
    if args.diff_base:
        from codeward.server import diffbase

        try:
            findings = diffbase.only_changed(findings, diffbase.changed_lines(result.root, args.diff_base))
        except diffbase.DiffBaseError as exc:
            raise ConfigError(str(exc)) from None
    return dataclasses.replace(result, findings=findings) if findings is not result.findings else result


def _write_baseline(args: argparse.Namespace, result: ScanResult) -> int:
    from codeward.server import baseline

    text = baseline.render(result.findings, args.write_baseline)
    args.write_baseline.write_text(text, "utf-8")
    count = len(result.findings)
    _say(args, f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}.")
    return EXIT_ERROR if result.failures else EXIT_CLEAN


def _report(args: argparse.Namespace, result: ScanResult, stdin_text: str | None = None) -> int:
    if args.statistics:
        from codeward.server.statistics import statistics

        report = statistics(result.findings)
    else:
        colour = args.output is None and _colour(args)
        report = render(result, args.format, colour=colour, quiet=args.quiet, stdin_text=stdin_text)
    if args.output:
        args.output.write_text(report, "utf-8")
    else:
        sys.stdout.write(report)
    return _status(args, result)


def _status(args: argparse.Namespace, result: ScanResult) -> int:
    if result.failures or result.not_analysed and _exit_on_not_analysed(args):
        return EXIT_ERROR
    return exit_status(result.findings, args.exit_on, args.exit_zero)


def _exit_on_not_analysed(args: argparse.Namespace) -> bool:
    """A file that defeats the analysis must not pass CI silently (on by default there)."""
    chosen = getattr(args, "exit_on_not_analysed", None)
    return chosen if chosen is not None else args.format in CI_FORMATS


def exit_status(findings: list, exit_on: str, exit_zero: bool) -> int:
    """1 when a finding is at least as severe as ``exit_on`` (and ``--exit-zero`` is off)."""
    threshold = SEVERITY_ORDER.index(exit_on)
    failing = any(SEVERITY_ORDER.index(f.severity.value) >= threshold for f in findings)
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN


def _colour(args: argparse.Namespace) -> bool:
    from codeward.server.text_style import use_colour

    return use_colour(args.color, sys.stdout)


def render(result: ScanResult, fmt: str, colour: bool = False, quiet: bool = False, stdin_text: str | None = None) -> str:
    if fmt == "json":
        from codeward.server.reports import to_json

        return to_json(result)
    if fmt == "sarif":
        from codeward.server.reports import dumps
        from codeward.server.sarif import to_sarif

        return dumps(to_sarif(result))
    if fmt in ("github", "gitlab", "junit"):
        from codeward.server import formats

        return getattr(formats, f"to_{fmt}")(result)
    from codeward.server.reports import to_text
    from codeward.server.text_style import SECRET_FAMILY, Painter, snippet, source_reader

    cwd = Path.cwd()

    def display(path: str) -> str:
        absolute = result.root / path
        try:
            return os.path.relpath(absolute, cwd) if absolute.is_relative_to(cwd) else str(absolute)
        except ValueError:
            return path

    paint = Painter(colour)
    snippets = None
    if fmt == "text" and not quiet:
        secrets = [f for f in (*result.findings, *result.suppressed) if f.code.startswith(SECRET_FAMILY)]
        lines_of = source_reader(lambda path: stdin_text if stdin_text is not None else _read_text(result.root / path))
        snippets = lambda finding: snippet(finding, lines_of(finding.path), secrets, paint)  # noqa: E731
    return to_text(result, display, paint=paint, snippet_lines=snippets, quiet=quiet)


def _read_text(path: Path) -> str | None:
    """A scanned file's text for snippets: a regular file only, within the size limit (the
    file may have been swapped for a FIFO or /dev/zero since it was scanned)."""
    try:
        return read_regular(path, Config().max_file_size).decode("utf-8", "replace").removeprefix("\ufeff")
    except OSError:
        return None


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _error(message: str) -> int:
    print(printable(f"codeward: error: {message}"), file=sys.stderr)
    return EXIT_ERROR


class _Progress:
    """A one-line progress counter on stderr, only shown for scans longer than a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.start > 1.0:
            self.shown = True
            sys.stderr.write(f"\rscanning {done}/{total} files")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
