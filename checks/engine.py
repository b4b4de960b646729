"""Run the enabled rules on one document: one shared tree walk, failures isolated.

A rule that raises is recorded as a :class:`RuleFailure` and the other rules still report. A
rule that runs out of interpreter stack on deep but valid code stops for this document only:
the others' findings are kept and the document is reported as partly analysed, never silently
clean. A document whose analysis passes the configured time limit is reported as not
analysed; the check happens between rule calls and inside the long loops of each family (see
:mod:`.deadline`). Findings are filtered by config (select/ignore/per-file, minimum confidence),
inline suppressions and severity overrides, and fixes whose result does not parse are
dropped before anyone can offer them.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from . import fixes, knowledge, suppressions
from .config import Config
from .context import RuleContext
from .deadline import AnalysisCancelled, AnalysisTimeout, Deadline, bounded
from .model import Finding, RuleFailure
from .project import ProjectIndex
from .registry import Rule, all_rules
from .source import SourceDoc


@dataclass
class Analysis:
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    #: Set when the document could not be analysed (too slow, too complex), or only partly
    #: (then ``findings`` holds what the other rules found).
    not_analysed: str | None = None
    #: Rules that stopped on this document because its code is nested too deeply.
    too_deep: list[str] = field(default_factory=list)
    #: Findings a suppression comment silenced (``properties["suppressed"]`` holds its reason).
    suppressed: list[Finding] = field(default_factory=list)


def enabled_rules(config: Config, kind: str, relative_path: str | None) -> list[Rule]:
    return [r for r in all_rules().values() if kind in r.kinds and config.is_enabled(r.code, relative_path)]


def analyze(
    doc: SourceDoc,
    config: Config | None = None,
    project: ProjectIndex | None = None,
    relative_path: str | None = None,
    rules: list[Rule] | None = None,
    cancelled: Callable[[], bool] | None = None,
    memo: dict[str, object] | None = None,
) -> Analysis:
    """Findings for ``doc`` under ``config``; never raises for a problem in analysed code.

    ``cancelled`` is polled between rule calls (and every few hundred nodes): when it says
    yes, the analysis stops and the result is marked not analysed (an editor abandons a
    check whose text is already outdated). ``memo``, when given, is the dict rules share
    their derived results in, left for the caller to read (see :mod:`.incremental`).
    """
    config = config or Config()
    relative = relative_path if relative_path is not None else doc.path
    active = rules if rules is not None else enabled_rules(config, doc.kind, relative)
    ctx = RuleContext(doc, config, knowledge.load(), project)
    if memo is not None:
        ctx.memo = memo
    result = Analysis()
    deadline = Deadline.after(config.timeout, cancelled)
    raw: list[Finding] = []
    ctx.memo[suppressions.RAW_FINDINGS] = raw
    ctx.memo[suppressions.ACTIVE_CODES] = frozenset(r.code for r in active)
    try:
        with bounded(deadline):
            _run_node_rules(ctx, [r for r in active if r.nodes], raw, result, deadline)
            # CW003 judges the other rules' findings, so it runs last
            for rule in sorted((r for r in active if not r.nodes), key=lambda r: r.code in suppressions.LATE_RULES):
                deadline.check()
                _call(ctx, rule, (ctx,), raw, result)
    except AnalysisCancelled:
        result.not_analysed = "analysis cancelled: the text changed"
        return result
    except AnalysisTimeout:
        result.not_analysed = f"analysis took longer than {config.timeout:g} s of CPU time"
        return result
    result.findings = _finalise(doc, config, raw, relative, result.suppressed, deadline)
    if result.too_deep:
        result.not_analysed = (
            f"partly analysed: code is nested too deeply for {', '.join(sorted(result.too_deep))}"
            " (the other rules' findings are shown)"
        )
    elif doc.too_deep:
        result.not_analysed = f"partly analysed: {doc.too_deep} (the rest of the file is analysed)"
    elif doc.newer_syntax:
        result.not_analysed = _newer_syntax_reason(doc.newer_syntax)
    return result


def _newer_syntax_reason(newer: dict[int, str]) -> str:
    """Why statements written for a newer Python were masked: the parser is the running
    Python's, so a 3.12 ``type`` alias under 3.11 would otherwise look like a typo and its
    code would silently go unchecked."""
    first = min(newer)
    others = len(newer) - 1
    more = f"; {others} more statement{'s' if others > 1 else ''} like it" if others else ""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (
        f"partly analysed: line {first + 1} is {newer[first]}, newer than the Python {running} codeward runs on{more}"
        " (run codeward on a newer Python to analyse them; the rest of the file is analysed)"
    )


def _run_node_rules(ctx: RuleContext, rules: list[Rule], raw: list[Finding], result: Analysis, deadline: Deadline) -> None:
    if not rules or ctx.doc.tree is None:
        return
    by_type: dict[type, list[Rule]] = defaultdict(list)
    for rule in rules:
        for node_type in rule.nodes:
            by_type[node_type].append(rule)
    failed: set[str] = set()
    wanted = by_type.get
    for count, node in enumerate(ctx.doc.nodes):  # ast.walk order, without a generator per node
        if count % 512 == 0:
            deadline.check()
        for rule in wanted(type(node), ()):
            if rule.code not in failed and not _call(ctx, rule, (node, ctx), raw, result):
                failed.add(rule.code)


def _call(ctx: RuleContext, rule: Rule, args: tuple, raw: list[Finding], result: Analysis) -> bool:
    ctx.rule = rule
    try:
        found = rule.func(*args)
        if found:
            raw.extend(found)
        return True
    except AnalysisTimeout:
        raise
    except RecursionError:  # deep but valid code: this rule stops here, the others go on
        result.too_deep.append(rule.code)
        return False
    except Exception as exc:  # a bug in one rule must not hide the others' findings
        result.failures.append(RuleFailure(rule.code, ctx.doc.path, f"{type(exc).__name__}: {exc}"))
        return False


def _finalise(
    doc: SourceDoc, config: Config, raw: list[Finding], relative: str, suppressed: list[Finding], deadline: Deadline
) -> list[Finding]:
    """The findings to report. Fixes are checked for soundness (each may re-parse the file)
    only within the time limit; past it a fix is dropped, never its finding."""
    kept: list[Finding] = []
    seen: set[tuple] = set()
    for finding in raw:
        if not config.is_enabled(finding.code, relative):
            continue
        if finding.confidence.rank < config.min_confidence.rank:
            continue
        comment = suppressions.suppressing(doc, finding)
        external = suppressions.suppressed_externally(doc, config, finding) if comment is None else None
        if comment is not None or external is not None:
            finding.properties["suppressed"] = comment.reason if comment is not None else f"`{external}`"
            suppressed.append(finding)
            continue
        key = (finding.code, finding.range)
        if key in seen:
            continue
        seen.add(key)
        finding.severity = config.severity_for(finding.code, finding.severity)
        if finding.fix is not None and (deadline.passed() or not fixes.is_sound(doc, finding.fix)):
            finding.fix = None
        kept.append(finding)
    kept.sort(key=lambda f: f.sort_key)
    return kept
