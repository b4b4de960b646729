"""CI report formats beyond text, JSON and SARIF: GitHub annotations, GitLab Code Quality, JUnit.

Each follows its format's documentation:

* ``github``: workflow commands, one line per finding, ``::error file=…,line=…,endLine=…,
  col=…,endColumn=…,title=…::message`` (levels ``error``, ``warning``, ``notice``), with
  property values and messages escaped as the Actions toolkit escapes them.
* ``gitlab``: the Code Quality report, a JSON array of issues with ``description``,
  ``check_name``, ``fingerprint``, ``severity`` (``info`` … ``blocker``) and
  ``location.path`` / ``location.lines.begin``.
* ``junit``: ``<testsuites>`` with one ``<testsuite>`` per file and one failing
  ``<testcase>`` per finding (a passing one when nothing was found), as Jenkins, GitLab and
  Azure read it; files not analysed are ``<error>`` test cases.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from codeward.checks.model import Finding, Severity
from codeward.checks.scan import ScanResult
from codeward.server.sarif import fingerprints

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
_GITLAB_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}
#: Characters XML 1.0 cannot carry even escaped (control characters in a file name or message).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_github(scan: ScanResult) -> str:
    lines = []
    for finding in scan.findings:
        rng = finding.range
        properties = {
            "file": finding.path,
            "line": rng.start.line + 1,
            "endLine": rng.end.line + 1,
            "col": rng.start.column + 1,
            "endColumn": rng.end.column + 1,
            "title": f"{finding.code} {_rule_name(finding.code)}".strip(),
        }
        if rng.start.line != rng.end.line:  # columns only make sense on one line for GitHub
            del properties["col"], properties["endColumn"]
        props = ",".join(f"{key}={_github_property(str(value))}" for key, value in properties.items())
        lines.append(f"::{_GITHUB_LEVEL[finding.severity]} {props}::{_github_data(f'{finding.code} {finding.message}')}")
    for item in scan.not_analysed:
        lines.append(f"::warning file={_github_property(item.path)},title=not analysed::{_github_data(item.reason)}")
    for failure in scan.failures:
        lines.append(f"::error file={_github_property(failure.path)},title=codeward internal error::{_github_data(f'{failure.code}: {failure.error}')}")
    return "".join(line + "\n" for line in lines)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def to_gitlab(scan: ScanResult) -> str:
    issues: list[dict[str, Any]] = []
    for finding, fingerprint in zip(scan.findings, fingerprints(scan.findings)):
        issues.append({
            "type": "issue",
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "categories": ["Security"],
            "fingerprint": fingerprint,
            "severity": _GITLAB_SEVERITY[finding.severity],
            "location": {"path": finding.path, "lines": {"begin": finding.range.start.line + 1, "end": finding.range.end.line + 1}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def to_junit(scan: ScanResult) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in scan.findings:
        by_file[finding.path].append(finding)
    not_analysed = {item.path: item.reason for item in scan.not_analysed}
    root = ET.Element("testsuites", name="codeward", tests="0", failures="0", errors="0")
    total = failures = errors = 0
    for path in sorted(set(by_file) | set(not_analysed)):
        suite = ET.SubElement(root, "testsuite", name=_xml(path))
        cases = failed = errored = 0
        for finding in by_file.get(path, []):
            rng = finding.range
            where = f"{path}:{rng.start.line + 1}:{rng.start.column + 1}"
            case = ET.SubElement(suite, "testcase", name=_xml(f"{finding.code} {where}"), classname=_xml(path), file=_xml(path), line=str(rng.start.line + 1))
            failure = ET.SubElement(case, "failure", message=_xml(finding.message), type=finding.code)
            failure.text = _xml(f"{where}: {finding.code} [{finding.severity.value}] {finding.message}")
            cases += 1
            failed += 1
        if path in not_analysed:
            case = ET.SubElement(suite, "testcase", name=_xml(f"analyse {path}"), classname=_xml(path), file=_xml(path))
            ET.SubElement(case, "error", message=_xml(f"not analysed: {not_analysed[path]}"), type="not-analysed")
            cases += 1
            errored += 1
        suite.set("tests", str(cases))
        suite.set("failures", str(failed))
        suite.set("errors", str(errored))
        total, failures, errors = total + cases, failures + failed, errors + errored
    if total == 0:
        suite = ET.SubElement(root, "testsuite", name="codeward", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name=f"no findings in {scan.files} files", classname="codeward")
        total = 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _rule_name(code: str) -> str:
    from codeward.checks.registry import all_rules

    rule = all_rules().get(code)
    return rule.name if rule else ""
