"""``codeward instructions [PATH] [--write FILE]``: the project's security conventions as rules
for AI assistants, printed or kept in a marked section of an assistant's rules file.

The section lives between ``<!-- codeward:instructions:start -->`` and ``...:end -->``; a
re-run replaces only that section, so what people wrote around it stays. Known files:
``AGENTS.md``, ``CLAUDE.md``, ``.github/copilot-instructions.md`` and Cursor's
``.cursor/rules/*.mdc`` (a new ``.mdc`` gets the front matter Cursor needs). The file is
written through :mod:`codeward.server.writes` (inside the project, never through a symlink).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codeward.checks.config import discover, load_file
from codeward.server import writes
from codeward.server.conventions import detect, rules_text
from codeward.server.routes_cmd import index_project, summaries_of

START = "<!-- codeward:instructions:start -->"
END = "<!-- codeward:instructions:end -->"
_MDC_FRONT_MATTER = "---\ndescription: Security conventions of this project (codeward)\nalwaysApply: true\n---\n\n"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("instructions", help="write the project's security conventions as rules for AI assistants")
    p.add_argument("path", nargs="?", type=Path, default=Path("."), help="project folder (default: .)")
    p.add_argument("--write", metavar="FILE", help="update the codeward section of FILE (AGENTS.md, CLAUDE.md, .github/copilot-instructions.md, .cursor/rules/NAME.mdc), relative to PATH")
    p.add_argument("--config", type=Path, help="pyproject.toml to use instead of discovery")


def run_instructions(args: argparse.Namespace) -> int:
    if not args.path.exists():
        print(f"codeward: error: {args.path}: no such file or directory", file=sys.stderr)
        return 2
    config = load_file(args.config) if args.config else discover(args.path)
    docs, project = index_project(args.path, config)
    found = detect(docs, summaries_of(docs, project, config), config)
    root = args.path.resolve() if args.path.is_dir() else args.path.resolve().parent
    body = rules_text(found, f"`{root.name}`")
    if not args.write:
        sys.stdout.write(body)
        return 0
    relative = Path(args.write).as_posix()
    try:
        _make_folders(root, relative)
        existing = writes.read_text(root, relative)
        writes.write_text(root, relative, with_section(existing, body, relative.endswith(".mdc")))
    except writes.WriteRefused as refused:
        print(f"codeward: error: {relative}: {refused}", file=sys.stderr)
        return 2
    print(f"Updated the codeward section of {relative}.", file=sys.stderr)
    return 0


def _make_folders(root: Path, relative: str) -> None:
    """Create the missing folders of ``relative`` (``.github/``, ``.cursor/rules/``) inside
    ``root``, refusing a symlink or a file on the way (the write itself re-checks each one)."""
    folder = root
    for part in Path(relative).parts[:-1]:
        if part in ("..", "") or Path(part).is_absolute():
            raise writes.WriteRefused(f"{relative} must be a path inside the project")
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise writes.WriteRefused(f"{folder.relative_to(root)}/ is a symlink or not a folder")
        if not folder.exists():
            folder.mkdir()


def with_section(existing: str | None, body: str, mdc: bool) -> str:
    """``existing`` with the marked section replaced (or appended; or a new file)."""
    section = f"{START}\n## Security conventions\n\n{body}{END}\n"
    if existing is None:
        return (_MDC_FRONT_MATTER if mdc else "") + section
    start, end = existing.find(START), existing.find(END)
    if start != -1 and end > start:
        tail = existing[end + len(END) :]
        return existing[:start] + section.rstrip("\n") + (tail if tail.startswith("\n") else "\n" + tail)
    joiner = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    return existing + joiner + section
