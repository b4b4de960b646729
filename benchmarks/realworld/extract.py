"""Extract the manifest's repositories from their fetched git mirrors into plain folders.

Why not ``git archive | tar``: a snapshot can lack its largest blobs (the store keeps no file of
4 MiB or more), and ``git archive`` then aborts half-way. Reading the tree ourselves lets us skip
what is missing, write regular files only (no symlinks, no submodules, no path leaving the
folder) and refuse a mirror whose HEAD is not the manifest's commit. Repositories are hostile
input: git runs with hooks, fsmonitor and pagers off, and only plumbing commands.

Usage: python benchmarks/realworld/extract.py [--mirrors /work/.mirror] [--root /work/realworld]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
SAFE_GIT = ("git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat")
REGULAR_MODES = {"100644", "100755"}
#: Written into each extracted folder; scan.py checks it against the manifest.
COMMIT_MARKER = ".realworld-commit"


def git_dir(mirror: Path) -> Path | None:
    """The git directory of a fetched mirror (``repo`` is bare or holds ``.git``)."""
    for candidate in (mirror / "repo" / ".git", mirror / "repo"):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def git(gd: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run([*SAFE_GIT, f"--git-dir={gd}", *args], input=data, capture_output=True, check=True).stdout


def safe_target(root: Path, name: str) -> Path | None:
    """Where a tree entry is written, or None when its path could leave ``root``."""
    parts = PurePosixPath(name).parts
    if not parts or any(p in ("..", "") or p.startswith("/") for p in parts) or ".git" in parts:
        return None
    return root.joinpath(*parts)


def extract(gd: Path, commit: str, dest: Path) -> tuple[int, int]:
    """Write every regular file of ``commit`` under ``dest``; returns (written, skipped)."""
    listing = git(gd, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0")
    entries = []
    for raw in filter(None, listing):
        meta, _, name = raw.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        entries.append((mode, kind, sha, name.decode("utf-8", "surrogateescape")))
    wanted = [(sha, name) for mode, kind, sha, name in entries if kind == "blob" and mode in REGULAR_MODES]
    skipped = len(entries) - len(wanted)
    present = git(gd, "cat-file", "--batch-check", "--buffer", data="".join(f"{s}\n" for s, _ in wanted).encode())
    available = {line.split()[0] for line in present.decode().splitlines() if not line.endswith("missing")}
    written = 0
    for sha, name in wanted:
        target = safe_target(dest, name)
        if sha not in available or target is None:
            skipped += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(git(gd, "cat-file", "blob", sha))
        written += 1
    return written, skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--root", type=Path, default=Path("/work/realworld"))
    ap.add_argument("--manifest", type=Path, default=HERE / "manifest.csv")
    args = ap.parse_args(argv)
    failures = 0
    with args.manifest.open(newline="") as fh:
        for row in csv.DictReader(fh):
            repo, commit = row["repo"], row["commit"]
            gd = git_dir(args.mirrors / repo.replace("/", "+"))
            if gd is None:
                print(f"{repo}: no mirror (fetch github:{repo} first)", file=sys.stderr)
                failures += 1
                continue
            head = git(gd, "rev-parse", "HEAD").decode().strip()
            if head != commit:
                print(f"{repo}: mirror is at {head}, manifest wants {commit}", file=sys.stderr)
                failures += 1
                continue
            dest = args.root / repo.replace("/", "__")
            if dest.exists():
                print(f"{repo}: already extracted")
                continue
            written, skipped = extract(gd, commit, dest)
            (dest / COMMIT_MARKER).write_text(commit + "\n")
            print(f"{repo}: {written} files ({skipped} skipped: missing, symlink or submodule)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
