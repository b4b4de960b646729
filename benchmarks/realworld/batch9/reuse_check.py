"""Check batch-9 candidates (case-insensitive owner/name) against every earlier manifest and the reserved sets.

Usage: python3 reuse_check.py CANDIDATES.txt   (one owner/name a line)
       python3 reuse_check.py -m manifest.csv  (the repo column of a manifest)
A repository already used in the main corpus, the holdout, batch 6, batch 7 or batch 8 is rejected; so is a name that
contains a reserved set (BaxBench, Asleep at the Keyboard, SVEN, pygoat, VAmPI). A repository with the same
name under another owner is flagged as a possible fork (printed, not rejected).
"""
import csv
import sys
from pathlib import Path

REALWORLD = Path(__file__).resolve().parent.parent
USED = [REALWORLD / "manifest.csv", REALWORLD / "holdout" / "manifest.csv",
        REALWORLD / "batch6" / "manifest.csv", REALWORLD / "batch7" / "manifest.csv",
        REALWORLD / "batch8" / "manifest.csv"]
RESERVED = ["baxbench", "asleep", "sven", "pygoat", "vampi"]


def used_repos() -> dict[str, str]:
    """owner/name (lower case) -> the manifest that already holds it."""
    used: dict[str, str] = {}
    for manifest in USED:
        with open(manifest, newline="") as f:
            for row in csv.DictReader(f):
                used.setdefault(row["repo"].lower(), str(manifest.relative_to(REALWORLD)))
    return used


def candidates(argv: list[str]) -> list[str]:
    if argv[0] == "-m":
        with open(argv[1], newline="") as f:
            return [row["repo"] for row in csv.DictReader(f)]
    with open(argv[0]) as f:
        return [line.strip() for line in f if line.strip()]


def main(argv: list[str]) -> int:
    used = used_repos()
    names = candidates(argv)
    rejected = 0
    for name in names:
        key = name.lower()
        hit = used.get(key)
        reserved = [word for word in RESERVED if word in key]
        same_name = sorted({u for u in used if u.split("/")[1] == key.split("/")[1]} - {key})
        status = f"REUSED in {hit}" if hit else (f"RESERVED {','.join(reserved)}" if reserved else "ok")
        rejected += bool(hit or reserved)
        print(f"{name}: {status}" + (f"  (same name elsewhere: {same_name})" if same_name else ""))
    print(f"{len(names)} checked against {len(used)} used repos; {rejected} rejected")
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
