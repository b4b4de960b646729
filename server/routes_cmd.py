"""``codeward routes [PATH] [--format text|json|markdown]``: a security checklist per route.

Indexes the project (the same ProjectIndex the scanner and the language server use), then
lists every route with its methods, URL, handler location, authentication (which guard, or
none), ownership status, inputs and access-control findings. The markdown form is meant to
be pasted into a pull request.
"""

from __future__ import annotations

import argparse
import json
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


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    routes_p = sub.add_parser("routes", help="list every route with its access-control checklist")
    routes_p.add_argument("path", nargs="?", type=Path, default=Path("."), help="project folder or file (default: .)")
    routes_p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    routes_p.add_argument("--config", type=Path, help="pyproject.toml to use instead of discovery")


def collect(path: Path, config: Config) -> list[RouteSummary]:
    """Route summaries of every Python file under ``path``, analysed with the whole project."""
    return summaries_of(*index_project(path, config), config)


def summaries_of(docs: list[SourceDoc], project: ProjectIndex, config: Config) -> list[RouteSummary]:
    summaries: list[RouteSummary] = []
    for doc in docs:
        summaries.extend(summarise(doc, project, config))
    return sorted(summaries, key=lambda s: (s.path, s.range.start.line))


def index_project(path: Path, config: Config) -> tuple[list[SourceDoc], ProjectIndex]:
    """Every Python file under ``path`` parsed, and the project index built from them."""
    root = scan_root([path])
    project = ProjectIndex(root)
    docs: list[SourceDoc] = []
    for file in discover_files([path], config, frozenset({"python"})):
        text = read_source(file, config)
        if isinstance(text, NotAnalysed):
            continue
        try:
            doc = SourceDoc(text, relative(file, root), "python", module_name_for(file, root))
        except Exception:  # the parser gave up on this file; the others still report
            continue
        project.update(doc.path, doc)
        docs.append(doc)
    return docs, project


def render_text(summaries: list[RouteSummary]) -> str:
    out: list[str] = []
    for s in summaries:
        out.append(f"{' '.join(s.methods)} {s.url or '?'}  {s.path}:{s.range.start.line + 1} {s.handler} [{s.framework}]")
        out.append(f"  authentication: {s.authentication}")
        out.append(f"  ownership: {s.ownership}")
        out.append(f"  inputs: {', '.join(s.inputs) or 'none'}")
        for f in s.findings:
            out.append(f"  {f['code']} line {f['line']}: {f['message']}")
        out.append("")
    flagged = sum(1 for s in summaries if s.findings)
    out.append(f"{len(summaries)} route{'s' if len(summaries) != 1 else ''}, {flagged} with access-control findings.")
    return "\n".join(out) + "\n"


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
    return "\n".join(out) + "\n"


def run_routes(args: argparse.Namespace) -> int:
    if not args.path.exists():
        print(f"codeward: error: {args.path}: no such file or directory", file=sys.stderr)
        return 2
    config = load_file(args.config) if args.config else discover(args.path)
    summaries = collect(args.path, config)
    if args.format == "json":
        sys.stdout.write(json.dumps([s.to_dict() for s in summaries], indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(summaries))
    else:
        sys.stdout.write(render_text(summaries))
    return 0
