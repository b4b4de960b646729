"""``codeward routes [PATH] [--format text|json|markdown]``: a security checklist per route.

Indexes the project (the same ProjectIndex the scanner and the language server use), then
lists every route with its methods, URL, handler location, authentication (which guard, or
none), ownership status, inputs and access-control findings. The markdown form is meant to
be pasted into a pull request.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codeward.checks.config import Config, discover, load_file
from codeward.checks.files import discover as discover_files
from codeward.checks.files import read_source
from codeward.checks.model import NotAnalysed
from codeward.checks.project import ProjectIndex, module_name_for
from codeward.checks.routes import RouteSummary, summarise
from codeward.checks.scan import relative, scan_root
from codeward.checks.source import SourceDoc
from codeward.server.display import printable
from codeward.server.reports import dumps


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    routes_p = sub.add_parser("routes", help="list every route with its access-control checklist")
    routes_p.add_argument("path", nargs="?", type=Path, default=Path("."), help="project folder or file (default: .)")
    routes_p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    routes_p.add_argument("--config", type=Path, help="pyproject.toml to use instead of discovery")


def collect(path: Path, config: Config, skipped: list[NotAnalysed] | None = None) -> list[RouteSummary]:
    """Route summaries of every Python file under ``path``, analysed with the whole project;
    files and folders that could not be read or parsed go to ``skipped``."""
    return summaries_of(*index_project(path, config, skipped), config)


def summaries_of(docs: list[SourceDoc], project: ProjectIndex, config: Config) -> list[RouteSummary]:
    summaries: list[RouteSummary] = []
    for doc in docs:
        summaries.extend(summarise(doc, project, config))
    return sorted(summaries, key=lambda s: (s.path, s.range.start.line))


def index_project(path: Path, config: Config, skipped: list[NotAnalysed] | None = None) -> tuple[list[SourceDoc], ProjectIndex]:
    """Every Python file under ``path`` parsed, and the project index built from them; what
    could not be read or parsed goes to ``skipped``."""
    root = scan_root([path])
    project = ProjectIndex(root)
    docs: list[SourceDoc] = []
    skipped = skipped if skipped is not None else []
    for file in discover_files([path], config, frozenset({"python"}), skipped):
        text = read_source(file, config)
        if isinstance(text, NotAnalysed):
            skipped.append(text)
            continue
        try:
            doc = SourceDoc(text, relative(file, root), "python", module_name_for(file, root), root=root)
        except Exception as exc:  # the parser gave up on this file; the others still report
            skipped.append(NotAnalysed(str(file), f"cannot parse: {exc}"))
            continue
        project.update(doc.path, doc)
        docs.append(doc)
    return docs, project


def render_text(summaries: list[RouteSummary]) -> str:
    out: list[str] = []
    for s in summaries:
        out.append(f"{' '.join(s.methods)} {s.url or '?'}  {s.path}:{s.range.start.line + 1} {s.handler} [{s.framework}]")
        if s.served is False:
            out.append(f"  not served: {s.unserved}")
        out.append(f"  authentication: {s.authentication}")
        out.append(f"  ownership: {s.ownership}")
        out.append(f"  inputs: {', '.join(s.inputs) or 'none'}")
        for f in s.findings:
            out.append(f"  {f['code']} line {f['line']}: {f['message']}")
        out.append("")
    flagged = sum(1 for s in summaries if s.findings)
    out.append(f"{len(summaries)} route{'s' if len(summaries) != 1 else ''}, {flagged} with access-control findings.")
    return "\n".join(printable(line) for line in out) + "\n"  # names and URLs come from the tree


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(summaries: list[RouteSummary]) -> str:
    out = [
        f"## Routes ({len(summaries)})",
        "",
        "| | Method | URL | Handler | Authentication | Ownership | Inputs |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        mark = "⚠️" if s.findings else "✅"
        out.append(
            f"| {mark} | {' '.join(s.methods)} | `{_cell(s.url or '?')}` | `{_cell(s.path)}:{s.range.start.line + 1}` {_cell(s.handler)} "
            f"| {_cell(s.authentication)} | {_cell(s.ownership)} | {_cell(', '.join(s.inputs) or '–')} |"
        )
    todo = [(s, f) for s in summaries for f in s.findings]
    if todo:
        out += ["", "### To check", ""]
        for s, f in todo:
            out.append(f"- [ ] `{' '.join(s.methods)} {_cell(s.url or s.handler)}` ({s.path}:{f['line']}) {f['code']}: {_cell(f['message'])}")
    return "\n".join(printable(line) for line in out) + "\n"


def run_routes(args: argparse.Namespace) -> int:
    if not args.path.exists():
        print(printable(f"codeward: error: {args.path}: no such file or directory"), file=sys.stderr)
        return 2
    config = load_file(args.config) if args.config else discover(args.path)
    skipped: list[NotAnalysed] = []
    summaries = collect(args.path, config, skipped)
    for item in skipped:
        print(printable(f"codeward: {item.path}: not analysed: {item.reason}"), file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(dumps([s.to_dict() for s in summaries]))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(summaries))
    else:
        sys.stdout.write(render_text(summaries))
    return 0
