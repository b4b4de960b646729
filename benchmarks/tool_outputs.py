"""Turn each scanner's JSON report into :class:`scoring.Finding` objects.

Every tool is mapped to benchmark categories through CWE ids
(:data:`scoring.CWE_CATEGORIES`):

* codeward: the ``cwe`` list of each finding, disambiguated by its ``name``;
* bandit: ``issue_cwe.id``;
* ruff: ruff reports no CWE, so :data:`RUFF_CWE` gives each ``S`` rule the CWE
  that bandit assigns to the bandit test it re-implements (same number:
  ``S608`` is bandit ``B608``);
* semgrep: the rule's ``metadata.cwe`` strings, disambiguated by the rule id.

bandit files its XML parser and ``yaml.load`` checks under the catch-all
CWE-20, which maps to no category; for those tests alone :data:`CWE20_RULES`
names the category by rule id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoring import Finding, categories_for, relative_path

# ruff flake8-bandit rule -> CWE of the equivalent bandit test.
RUFF_CWE: dict[str, int] = {
    "S101": 703, "S102": 78, "S103": 732, "S104": 605, "S105": 259, "S106": 259,
    "S107": 259, "S108": 377, "S110": 703, "S112": 703, "S113": 400, "S201": 94,
    "S202": 22, "S301": 502, "S302": 502, "S303": 327, "S304": 327, "S305": 327,
    "S306": 377, "S307": 78, "S308": 79, "S310": 22, "S311": 330, "S312": 319,
    "S313": 20, "S314": 20, "S315": 20, "S316": 20, "S317": 20, "S318": 20,
    "S319": 20, "S320": 20, "S321": 319, "S323": 295, "S324": 327, "S401": 319,
    "S402": 319, "S403": 502, "S404": 78, "S405": 20, "S406": 20, "S407": 20,
    "S408": 20, "S409": 20, "S410": 20, "S411": 20, "S412": 319, "S413": 327,
    "S415": 319, "S501": 295, "S502": 327, "S503": 327, "S504": 327, "S505": 326,
    "S506": 20, "S507": 295, "S508": 319, "S509": 319, "S601": 78, "S602": 78,
    "S603": 78, "S604": 78, "S605": 78, "S606": 78, "S607": 78, "S608": 89,
    "S609": 78, "S610": 89, "S611": 89, "S612": 94, "S701": 94, "S702": 80,
    "S704": 79,
}

# Rules whose CWE is the catch-all CWE-20: the category they really test.
CWE20_RULES: dict[str, str] = {
    **{f"{p}{n}": "xxe" for p in ("B", "S") for n in (*range(313, 321), *range(405, 412))},
    "B506": "deserialization",
    "S506": "deserialization",
}

CWE_IN_TEXT = re.compile(r"CWE-(\d+)", re.IGNORECASE)


@dataclass
class Parsed:
    """Findings of one tool run, plus what could not be scored."""

    findings: list[Finding] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, tool: str, path: str, line: int, categories: tuple[str, ...], rule: str) -> None:
        """Record one finding, or count it as unmapped when it has no category."""
        if categories:
            self.findings.append(Finding(tool, path, line, categories, rule))
        else:
            self.unmapped[rule] = self.unmapped.get(rule, 0) + 1


def _cwe_ints(values: Any) -> list[int]:
    if values is None:
        return []
    if isinstance(values, (int, str)):
        values = [values]
    out: list[int] = []
    for value in values:
        if isinstance(value, int):
            out.append(value)
        else:
            out.extend(int(m) for m in CWE_IN_TEXT.findall(str(value)))
            if str(value).isdigit():
                out.append(int(value))
    return out


def parse_codeward(report: dict[str, Any], corpus: Path, cwd: Path) -> Parsed:
    """codeward ``--format json`` report."""
    parsed = Parsed()
    for item in report.get("findings", []):
        rule = f"{item.get('code', '?')} {item.get('name', '')}".strip()
        categories = categories_for(_cwe_ints(item.get("cwe")), item.get("name", ""))
        parsed.add("codeward", relative_path(item["path"], corpus, cwd), int(item["line"]), categories, rule)
    for entry in report.get("not_analysed", []):
        parsed.errors.append(f"not analysed: {entry.get('path')}: {entry.get('reason')}")
    return parsed


def parse_bandit(report: dict[str, Any], corpus: Path, cwd: Path) -> Parsed:
    """bandit ``-f json`` report."""
    parsed = Parsed()
    for item in report.get("results", []):
        test_id = item.get("test_id", "?")
        cwe = (item.get("issue_cwe") or {}).get("id")
        if test_id in CWE20_RULES:
            categories: tuple[str, ...] = (CWE20_RULES[test_id],)
        else:
            categories = categories_for(_cwe_ints(cwe))
        rule = f"{test_id} {item.get('test_name', '')}".strip()
        parsed.add("bandit", relative_path(item["filename"], corpus, cwd), int(item["line_number"]), categories, rule)
    parsed.errors.extend(f"{e.get('filename')}: {e.get('reason')}" for e in report.get("errors", []))
    return parsed


def parse_ruff(report: list[dict[str, Any]], corpus: Path, cwd: Path) -> Parsed:
    """ruff ``--output-format json`` report (only ``S`` rules are mapped)."""
    parsed = Parsed()
    for item in report:
        code = item.get("code") or "syntax-error"
        if code in CWE20_RULES:
            categories: tuple[str, ...] = (CWE20_RULES[code],)
        else:
            categories = categories_for([RUFF_CWE[code]] if code in RUFF_CWE else [])
        line = int(item["location"]["row"])
        parsed.add("ruff", relative_path(item["filename"], corpus, cwd), line, categories, code)
    return parsed


def parse_semgrep(report: dict[str, Any], corpus: Path, cwd: Path) -> Parsed:
    """semgrep ``--json`` report."""
    parsed = Parsed()
    for item in report.get("results", []):
        rule = item.get("check_id", "?")
        metadata = (item.get("extra") or {}).get("metadata") or {}
        categories = categories_for(_cwe_ints(metadata.get("cwe")), rule.rsplit(".", 1)[-1])
        line = int(item["start"]["line"])
        parsed.add("semgrep", relative_path(item["path"], corpus, cwd), line, categories, rule.rsplit(".", 1)[-1])
    parsed.errors.extend(str(e.get("message", e))[:200] for e in report.get("errors", []))
    return parsed


def parse_detect_secrets(report: dict[str, Any], corpus: Path, cwd: Path) -> Parsed:
    """detect-secrets ``scan`` baseline: ``results`` maps a file to its secrets (all CWE-798)."""
    parsed = Parsed()
    for filename, items in (report.get("results") or {}).items():
        for item in items:
            parsed.add("detect-secrets", relative_path(filename, corpus, cwd), int(item["line_number"]),
                       categories_for([798]), str(item.get("type", "?")))
    return parsed


PARSERS: dict[str, Callable[[Any, Path, Path], Parsed]] = {
    "codeward": parse_codeward,
    "bandit": parse_bandit,
    "ruff": parse_ruff,
    "semgrep": parse_semgrep,
    "detect-secrets": parse_detect_secrets,
}
