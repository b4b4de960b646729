"""CW001-CW003: suppression comments that suppress nothing, name no rule, or outlived their finding.

A suppression is a hole in the gate: one that names no code, a code that does not exist (a
typo), or a finding that was fixed long ago hides the next real finding on that line. These
rules keep ``# codeward: ignore[...]`` comments honest, as ruff's RUF100 does for ``noqa``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Confidence, Edit, Finding, Fix, Position, Range, Severity
from ..registry import all_rules, rule
from ..suppressions import ACTIVE_CODES, CODE_SHAPE, RAW_FINDINGS, Suppression

#: Document kinds whose comments start with ``#`` (JSON has no comments).
_COMMENTED_KINDS = ("python", "toml", "yaml", "ini", "env", "dockerfile")


@rule("CW001", "suppression-without-codes", cwe=(), severity=Severity.ERROR, kinds=_COMMENTED_KINDS)
def suppression_without_codes(ctx: RuleContext) -> Iterator[Finding]:
    """A `# codeward: ignore` comment names no rule code, so it suppresses nothing.

    What it does:
        Flags `# codeward: ignore` and `# codeward: ignore[]` comments.

    Why is this bad:
        A blanket ignore would hide every present and future finding on the line, including a
        new vulnerability added next to the one that was reviewed. codeward requires the
        codes, so this comment does nothing at all, while its author believes it does.

    Example:
        ```python
        requests.get(url, verify=False)  # codeward: ignore
        ```

    Use instead:
        ```python
        requests.get(url, verify=False)  # codeward: ignore[CW502] -- internal CA, see ops/ca.md
        ```

    Fix safety:
        No automatic fix: choosing what to silence is a reviewer's decision
        (`codeward scan --add-ignore` writes the codes of the current findings).
    """
    for comment in ctx.doc.suppressions.values():
        if not comment.codes:
            yield ctx.finding(
                _comment_range(comment),
                "`# codeward: ignore` needs the codes it suppresses, e.g. `# codeward: ignore[CW502]`; "
                "without them it suppresses nothing",
            )


@rule(
    "CW002",
    "unknown-suppression-code",
    cwe=(),
    severity=Severity.WARNING,
    kinds=_COMMENTED_KINDS,
    fix_title="Remove the unknown codes from the suppression",
    fix_applicability=Applicability.SAFE,
)
def unknown_suppression_code(ctx: RuleContext) -> Iterator[Finding]:
    """A suppression names a code that matches no codeward rule.

    What it does:
        Flags codes in `# codeward: ignore[...]` that are neither a rule code nor a prefix
        of one (`CW`, `CW1`, `CW50`).

    Why is this bad:
        A typo (`CW052` for `CW502`) leaves the finding it meant to silence in place, or
        worse, is copied around until someone "fixes" it by widening the suppression.

    Example:
        ```python
        requests.get(url, verify=False)  # codeward: ignore[CW052]
        ```

    Use instead:
        ```python
        requests.get(url, verify=False)  # codeward: ignore[CW502]
        ```

    Fix safety:
        Safe: removing a code that matches no rule changes what is reported by nothing.
    """
    known = tuple(all_rules())
    for comment in ctx.doc.suppressions.values():
        unknown = [c for c in comment.codes if not _names_a_rule(c, known)]
        if unknown:
            names = ", ".join(f"`{c}`" for c in unknown)
            yield ctx.finding(
                _comment_range(comment),
                f"{names} in this suppression {'matches' if len(unknown) == 1 else 'match'} no codeward rule",
                fix=_rewrite(ctx, comment, [c for c in comment.codes if c not in unknown], "Remove the unknown codes from the suppression"),
            )


@rule(
    "CW003",
    "unused-suppression",
    cwe=(),
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    kinds=_COMMENTED_KINDS,
    fix_title="Remove the unused suppression",
    fix_applicability=Applicability.SAFE,
)
def unused_suppression(ctx: RuleContext) -> Iterator[Finding]:
    """A suppression no longer matches any finding on its line.

    What it does:
        Flags codes in `# codeward: ignore[...]` for which no finding was reported on the
        comment's line. Only codes whose rules all ran are judged: with `--select CW5` a
        `CW101` suppression is left alone.

    Why is this bad:
        The finding was fixed (or the code moved), but the comment stays and silently
        suppresses the next real problem written on that line.

    Example:
        ```python
        response = requests.get(url, timeout=5)  # codeward: ignore[CW502]
        ```

    Use instead:
        ```python
        response = requests.get(url, timeout=5)
        ```

    Fix safety:
        Safe: the codes removed suppress nothing today; the others are kept with the reason.
    """
    raw: list[Finding] = ctx.memo.get(RAW_FINDINGS, [])  # type: ignore[assignment]
    active: frozenset[str] = ctx.memo.get(ACTIVE_CODES, frozenset())  # type: ignore[assignment]
    applicable = [r.code for r in all_rules().values() if ctx.doc.kind in r.kinds]
    for comment in ctx.doc.suppressions.values():
        on_line = {f.code for f in raw if comment.line in (f.range.start.line, f.range.end.line)}
        unused = [
            code
            for code in comment.codes
            if _judged(code, applicable, active) and not any(found.startswith(code) for found in on_line)
        ]
        if unused:
            names = ", ".join(f"`{c}`" for c in unused)
            yield ctx.finding(
                _comment_range(comment),
                f"unused suppression: no {names} finding on this line",
                fix=_rewrite(ctx, comment, [c for c in comment.codes if c not in unused], "Remove the unused suppression"),
            )


def _names_a_rule(code: str, known: tuple[str, ...]) -> bool:
    return bool(CODE_SHAPE.match(code)) and any(k.startswith(code) for k in known)


def _judged(code: str, applicable: list[str], active: frozenset[str]) -> bool:
    """Whether every rule the code covers ran here (else its finding may just not be looked for)."""
    covered = [c for c in applicable if c.startswith(code)]
    return bool(covered) and all(c in active for c in covered)


def _comment_range(comment: Suppression) -> Range:
    return Range(Position(comment.line, comment.start), Position(comment.line, comment.end))


def _rewrite(ctx: RuleContext, comment: Suppression, keep: list[str], title: str) -> Fix:
    """Keep ``keep`` of the comment's codes; with none left, delete the comment (and its
    line when the comment was all it held)."""
    line_text = ctx.doc.lines.line_text(comment.line)
    replacement = comment.rewritten(keep)
    if replacement:
        edit = Edit(_comment_range(comment), replacement)
    elif not line_text[: comment.start].strip() and not line_text[comment.end :].strip():
        if comment.line + 1 < ctx.doc.lines.line_count:
            edit = Edit(Range(Position(comment.line, 0), Position(comment.line + 1, 0)), "")
        else:
            edit = Edit(Range(Position(comment.line, 0), Position(comment.line, len(line_text))), "")
    elif line_text[comment.end :].strip():  # another comment follows: keep it in place
        after = len(line_text) - len(line_text[comment.end :].lstrip())
        edit = Edit(Range(Position(comment.line, comment.start), Position(comment.line, after)), "")
    else:
        code_end = len(line_text[: comment.start].rstrip())
        edit = Edit(Range(Position(comment.line, code_end), Position(comment.line, len(line_text))), "")
    return Fix(title, (edit,), Applicability.SAFE)
