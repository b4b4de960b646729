"""``--statistics``: how many findings each rule has, most frequent first (as ruff prints it)."""

from __future__ import annotations

from collections import Counter

from codeward.checks.model import Applicability, Finding
from codeward.checks.registry import all_rules


def statistics(findings: list[Finding]) -> str:
    counts = Counter(f.code for f in findings)
    safe = {f.code for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE}
    rules = all_rules()
    width = len(str(max(counts.values(), default=0)))
    rows = [
        f"{count:>{width}}  {code}  {'[*]' if code in safe else '   '} {rules[code].name if code in rules else ''}".rstrip()
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "".join(row + "\n" for row in rows)
