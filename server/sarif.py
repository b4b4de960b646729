"""SARIF 2.1.0 output: what GitHub code scanning and other CI dashboards read.

Columns are Unicode code points (declared in ``columnKind``); lines and columns are 1-based;
URIs are relative to ``%SRCROOT%`` (the scan root). Messages never contain a secret value:
rules mask them before a finding exists.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from typing import Any
from urllib.parse import quote

from codeward.checks import __version__
from codeward.checks.model import Finding, Severity
from codeward.checks.registry import Rule, all_rules
from codeward.checks.scan import ScanResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/codeward/codeward"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "3.0"}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    tags = ["security", rule.family, *(f"external/cwe/cwe-{c}" for c in rule.cwe)]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.docs["What it does"] + "\n\n" + rule.docs["Why is this bad"]},
        "help": {"text": rule.documentation, "markdown": rule.documentation},
        "helpUri": f"{INFO_URI}/blob/main/docs/rules.md#{rule.code.lower()}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": {"high": "high", "medium": "medium", "low": "low"}[rule.confidence.value],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def _region(finding: Finding) -> dict[str, int]:
    rng = finding.range
    return {
        "startLine": rng.start.line + 1,
        "startColumn": rng.start.column + 1,
        "endLine": rng.end.line + 1,
        "endColumn": rng.end.column + 1,
    }


def _location(path: str, region: dict[str, int]) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": "%SRCROOT%"}, "region": region}}


def artifact_uri(path: str) -> str:
    """A relative URI reference for ``path``: its bytes percent-encoded (a name that is not
    UTF-8 keeps its exact bytes, as ``%FF``; spaces and ``#`` cannot break the URI)."""
    return quote(os.fsencode(path), safe="/")


def fingerprints(findings: list[Finding]) -> list[str]:
    """A fingerprint per finding that survives unrelated edits and moved lines: rule, path and
    the flagged code, numbered when the same code repeats in a file (SARIF, GitLab)."""
    occurrences: Counter[tuple[str, str, str]] = Counter()
    found = []
    for finding in findings:
        key = (finding.code, finding.path, finding.fingerprint_text)
        text = f"{finding.code}|{finding.path}|{finding.fingerprint_text}|{occurrences[key]}"
        found.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32])
        occurrences[key] += 1
    return found


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, _region(finding))],
        "partialFingerprints": {"codeward/v1": fingerprint},
        "properties": {"confidence": finding.confidence.value, "cwe": [f"CWE-{c}" for c in finding.cwe]},
    }
    if finding.flow:
        steps = []
        for step in finding.flow:
            region = {
                "startLine": step.range.start.line + 1,
                "startColumn": step.range.start.column + 1,
                "endLine": step.range.end.line + 1,
                "endColumn": step.range.end.column + 1,
            }
            location = _location(step.path or finding.path, region)
            location["message"] = {"text": step.message}
            steps.append({"location": location})
        result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    if finding.fix is not None:
        result["properties"]["fix"] = {"title": finding.fix.title, "applicability": finding.fix.applicability.value}
    return result


def to_sarif(scan: ScanResult) -> dict[str, Any]:
    rules = all_rules()
    used = sorted({f.code for f in scan.findings} | set(rules))
    index = {code: i for i, code in enumerate(used)}
    results = [_result(f, index[f.code], fp) for f, fp in zip(scan.findings, fingerprints(scan.findings))]
    for finding, fingerprint in zip(scan.suppressed, fingerprints(scan.suppressed)):
        if finding.code in index:  # shown as suppressed (closed) alerts, with the comment's reason
            result = _result(finding, index[finding.code], fingerprint)
            result["suppressions"] = [{"kind": "inSource", "justification": str(finding.properties.get("suppressed", ""))}]
            results.append(result)
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"not analysed: {item.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(item.path), "uriBaseId": "%SRCROOT%"}}}],
        }
        for item in scan.not_analysed
    ]
    notifications += [
        {"level": "error", "message": {"text": f"rule {f.code} failed on {f.path}: {f.error}"}}
        for f in scan.failures
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "codeward",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFO_URI,
                        "rules": [rule_descriptor(rules[code]) for code in used if code in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": scan.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
            }
        ],
    }
