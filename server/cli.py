"""The ``codeward`` command line: ``scan``, ``rules``, ``lsp``.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from codeward.checks import __version__
from codeward.checks.autofix import fix_document
from codeward.checks.config import Config, ConfigError, discover
from codeward.checks.files import kind_of, read_source
from codeward.checks.knowledge import KnowledgeError
from codeward.checks.model import NotAnalysed
from codeward.checks.project import module_name_for
from codeward.checks.registry import all_rules
from codeward.checks.scan import ScanResult, batch_gc, scan
from codeward.checks.source import SourceDoc

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codeward", description="Security scanner and language server for Python.")
    parser.add_argument("--version", action="version", version=f"codeward {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    scan_p = sub.add_parser("scan", help="scan files and folders", description="Scan Python projects for security issues.")
    scan_p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], help="files or folders (default: .)")
    scan_p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    scan_p.add_argument("--output", "-o", type=Path, help="write the report to this file")
    scan_p.add_argument("--select", help="comma-separated codes or prefixes to run (overrides config)")
    scan_p.add_argument("--ignore", help="comma-separated codes or prefixes to skip (added to config)")
    scan_p.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    scan_p.add_argument("--unsafe-fixes", action="store_true", help="with --fix, apply unsafe fixes too")
    scan_p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores)")
    scan_p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    scan_p.add_argument("--no-cache", action="store_true", help="do not read or write the results cache (~/.cache/codeward)")
    scan_p.add_argument("--config", type=Path, help="pyproject.toml to use instead of discovery")

    rules_p = sub.add_parser("rules", help="list rules or show one rule's documentation")
    rules_p.add_argument("code", nargs="?", help="a rule code such as CW502")
    rules_p.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    sub.add_parser("lsp", help="run the language server on stdin/stdout")
    from codeward.server.routes_cmd import add_parser as add_routes_parser

    add_routes_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "scan":
            return run_scan(args)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "lsp":
            from codeward.server.lsp import serve

            serve()
            return EXIT_CLEAN
        if args.command == "routes":
            from codeward.server.routes_cmd import run_routes

            return run_routes(args)
    except (ConfigError, KnowledgeError) as exc:
        print(f"codeward: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("codeward: interrupted", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_ERROR


def _codes(text: str | None) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()] if text else []


def load_config(args: argparse.Namespace) -> Config:
    from codeward.checks.config import load_file

    config = load_file(args.config) if args.config else discover(args.paths[0])
    changes: dict[str, list[str]] = {}
    if args.select:
        changes["select"] = _codes(args.select)
    if args.ignore:
        changes["ignore"] = [*config.ignore, *_codes(args.ignore)]
    return config.with_overrides(**changes) if changes else config


def run_scan(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists():
            print(f"codeward: error: {path}: no such file or directory", file=sys.stderr)
            return EXIT_ERROR
    config = load_config(args)
    batch_gc()  # this process scans and exits: see batch_gc
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    progress = _Progress() if sys.stderr.isatty() and args.format == "text" or sys.stderr.isatty() and args.output else None
    result = scan(args.paths, config, jobs=jobs, use_cache=not args.no_cache and not args.fix, on_progress=progress)
    if progress:
        progress.done()
    if args.fix:
        fixed = apply_fixes(result, config, args.unsafe_fixes)
        print(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.", file=sys.stderr)
        result = scan(args.paths, config, jobs=jobs, use_cache=False)
    report = render(result, args.format)
    if args.output:
        args.output.write_text(report, "utf-8")
    else:
        sys.stdout.write(report)
    if result.failures:
        return EXIT_ERROR
    return EXIT_CLEAN if args.exit_zero or not result.findings else EXIT_FINDINGS


def render(result: ScanResult, fmt: str) -> str:
    if fmt == "json":
        from codeward.server.reports import to_json

        return to_json(result)
    if fmt == "sarif":
        from codeward.server.sarif import to_sarif

        return json.dumps(to_sarif(result), indent=2, ensure_ascii=False) + "\n"
    from codeward.server.reports import to_text

    cwd = Path.cwd()

    def display(path: str) -> str:
        absolute = result.root / path
        try:
            return os.path.relpath(absolute, cwd) if absolute.is_relative_to(cwd) else str(absolute)
        except ValueError:
            return path

    return to_text(result, display)


def apply_fixes(result: ScanResult, config: Config, include_unsafe: bool) -> int:
    """Fix every file with fixable findings on disk; returns how many findings were fixed.

    Each file's other-file edits (``.gitignore``, then ``.env``) are written first, and the
    source is rewritten only when every secret it moves out has reached ``.env``: a refused
    or failed write never leaves a value that exists nowhere. All writes go through
    :mod:`codeward.server.writes` (no symlinks, nothing outside the project, atomic)."""
    from codeward.checks.autofix import fixable
    from codeward.server import writes

    targets = sorted({f.path for f in result.findings if fixable(f, include_unsafe)})
    total = 0
    for rel in targets:
        path = result.root / rel
        text = read_source(path, config)
        if isinstance(text, NotAnalysed):
            continue
        doc = SourceDoc(text, rel, kind_of(path) or "python", module_name_for(path, result.root))
        outcome = fix_document(doc, config, result.project, include_unsafe, rel)
        written = writes.apply_file_edits(result.root, outcome.file_edits)
        for failure in (w for w in written if not w.ok):
            print(f"codeward: {failure.message}", file=sys.stderr)
        secrets_kept = sum(e.sensitive for e in outcome.file_edits) == sum(
            e.sensitive and w.ok for e, w in zip(outcome.file_edits, written))
        if not secrets_kept:
            print(f"codeward: left {rel} unchanged, so no secret is lost", file=sys.stderr)
            continue
        if outcome.applied and outcome.text != text:
            try:
                writes.write_text(result.root, rel, outcome.text, _source_encoding(result.root, rel))
            except writes.WriteRefused as refused:
                print(f"codeward: {rel} not fixed: {refused}", file=sys.stderr)
                continue
            total += outcome.applied
    return total


def _source_encoding(root: Path, rel: str) -> str:
    """The encoding a Python source declares (PEP 263), so a rewrite keeps it."""
    import io
    import tokenize

    from codeward.server import writes

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(writes.read_bytes(root, rel) or b"").readline)
    except (writes.WriteRefused, SyntaxError):
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def run_rules(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.code:
        rule = rules.get(args.code.upper())
        if rule is None:
            print(f"codeward: error: no rule {args.code!r}; run `codeward rules` for the list", file=sys.stderr)
            return EXIT_ERROR
        sys.stdout.write(rule.documentation)
        return EXIT_CLEAN
    if args.format == "markdown":
        sys.stdout.write(rules_markdown())
        return EXIT_CLEAN
    if args.format == "json":
        payload = [
            {"code": r.code, "name": r.name, "summary": r.summary, "cwe": list(r.cwe), "severity": r.severity.value,
             "confidence": r.confidence.value, "fix": r.fix_title, "fix_applicability": r.fix_applicability.value if r.fix_applicability else None}
            for r in sorted(rules.values(), key=lambda r: r.code)
        ]
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return EXIT_CLEAN
    width = max((len(r.name) for r in rules.values()), default=10)
    for r in sorted(rules.values(), key=lambda r: r.code):
        cwe = ",".join(f"CWE-{c}" for c in r.cwe)
        fix = f"fix: {r.fix_applicability.value}" if r.fix_applicability else "no fix"
        print(f"{r.code}  {r.name:<{width}}  {cwe:<18}  {fix:<11}  {r.summary}")
    return EXIT_CLEAN


def rules_markdown() -> str:
    """docs/rules.md: the catalogue table and every rule's documentation."""
    rules = sorted(all_rules().values(), key=lambda r: r.code)
    parts = [
        "# codeward rules",
        "",
        "Generated by `codeward rules --format markdown > docs/rules.md`; do not edit by hand.",
        "",
        "| Code | Name | CWE | Severity | Fix |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        cwe = ", ".join(f"CWE-{c}" for c in r.cwe)
        fix = r.fix_applicability.value if r.fix_applicability else "none"
        parts.append(f"| [{r.code}](#{r.code.lower()}) | {r.name} | {cwe} | {r.severity.value} | {fix} |")
    parts.append("")
    for r in rules:
        parts.append(f'<a id="{r.code.lower()}"></a>')
        parts.append(r.documentation.replace(f"# {r.code}", f"## {r.code}", 1).replace("\n## ", "\n### "))
    return "\n".join(parts)


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
