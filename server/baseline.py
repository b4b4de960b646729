"""Baselines: record today's findings once, then report only new ones (a gate for legacy code).

An entry is the rule code, the file path and a salted hash of the flagged code (the same
normalised text SARIF fingerprints use, numbered when the same code repeats in a file), so
it survives unrelated edits, moved lines and reformatting around the finding, while a new
finding of the same rule elsewhere in the file is new. Nothing in the file can reveal a
secret: the flagged code is only ever stored as a hash salted with 16 random bytes kept in
the file, so a short password cannot be found by hashing guesses against a public list.
Rewriting the baseline keeps its salt and drops the findings that were fixed.

The file is JSON (sorted, one entry per finding) and names no code to run.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codeward.checks.model import Finding

FORMAT = "codeward-baseline/v1"


class BaselineError(ValueError):
    """The baseline file is missing, unreadable or not a codeward baseline."""


@dataclass(frozen=True)
class Baseline:
    salt: bytes
    entries: Counter[tuple[str, str, str]]  # (code, path, hash) → how many

    def new_findings(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not account for (each entry absorbs one finding)."""
        left = Counter(self.entries)
        new = []
        for finding in findings:
            key = _key(finding, self.salt)
            if left[key] > 0:
                left[key] -= 1
            else:
                new.append(finding)
        return new


def _key(finding: Finding, salt: bytes) -> tuple[str, str, str]:
    digest = hashlib.blake2b(finding.fingerprint_text.encode("utf-8", "surrogatepass"), key=salt, digest_size=16)
    return finding.code, finding.path, digest.hexdigest()


def load(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline (write one with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a codeward baseline (expected \"format\": \"{FORMAT}\")")
    try:
        salt = bytes.fromhex(data["salt"])
        entries: Counter[tuple[str, str, str]] = Counter()
        for entry in data["findings"]:
            entries[(str(entry["code"]), str(entry["path"]), str(entry["hash"]))] += int(entry.get("count", 1))
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{path}: malformed baseline ({type(exc).__name__}: {exc})") from None
    if not 8 <= len(salt) <= 64:
        raise BaselineError(f"{path}: malformed baseline (salt of {len(salt)} bytes)")
    return Baseline(salt, entries)


def render(findings: list[Finding], previous: Path | None = None) -> str:
    """The baseline text for ``findings``, keeping the salt of ``previous`` when it is one."""
    salt = secrets.token_bytes(16)
    if previous is not None and previous.is_file():
        try:
            salt = load(previous).salt
        except BaselineError:
            pass
    counts = Counter(_key(f, salt) for f in findings)
    entries = [{"code": c, "path": p, "hash": h, "count": n} for (c, p, h), n in sorted(counts.items())]
    payload = {"format": FORMAT, "salt": salt.hex(), "findings": entries}
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"
