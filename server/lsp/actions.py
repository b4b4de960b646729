"""Code actions from cached analysis: quick fixes, suppress-on-this-line and fix-all.

Nothing here analyses the document again: quick fixes and suppressions come from the
findings of the version the editor shows (VS Code asks on every cursor move). Only fix-all,
which needs fresh rounds of analysis, is computed lazily in ``codeAction/resolve``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from codeward.checks.fixes import edits_for
from codeward.checks.model import Applicability, Edit, Finding, Range

from . import secret_edits
from .analysis import DocResult
from .diagnostics import SOURCE
from .positions import ClientPositions

FIX_ALL_KIND = "source.fixAll.codeward"
SHOW_DOCUMENTATION = "codeward.showRuleDocumentation"
QUICKFIX = types.CodeActionKind.QuickFix.value
_SUPPRESSION = re.compile(r"#\s*codeward:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
SUPPRESSIBLE_KINDS = frozenset({"python"})


@dataclass(frozen=True)
class EditSupport:
    """What the client accepts in a WorkspaceEdit."""

    document_changes: bool
    resource_operations: frozenset[str]

    @classmethod
    def of(cls, caps: types.ClientCapabilities) -> "EditSupport":
        ws = caps.workspace.workspace_edit if caps.workspace and caps.workspace.workspace_edit else None
        ops = frozenset(str(getattr(op, "value", op)) for op in (ws.resource_operations or ())) if ws else frozenset()
        # Resource operations only exist inside documentChanges, so a client that lists
        # them accepts documentChanges (Neovim does not set the flag but handles both).
        return cls(bool(ws and ws.document_changes) or bool(ops), ops)

    @property
    def creates_files(self) -> bool:
        """A WorkspaceEdit may create a file (``CreateFile`` in ``documentChanges``)."""
        return self.document_changes and "create" in self.resource_operations


def wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def overlaps(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def text_edits(positions: ClientPositions, edits: list[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=positions.range_to_client(e.range), new_text=e.text) for e in edits]


def workspace_edit(
    result: DocResult,
    edits: list[types.TextEdit],
    support: EditSupport,
    other_files: list[types.TextDocumentEdit | types.CreateFile] | None = None,
) -> types.WorkspaceEdit:
    if support.document_changes:
        doc_edit = types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=result.uri, version=result.version),
            edits=list(edits),
        )
        return types.WorkspaceEdit(document_changes=secret_edits.in_undo_order(doc_edit, other_files or []))
    return types.WorkspaceEdit(changes={result.uri: list(edits)})


def quick_fix(
    result: DocResult, finding: Finding, diagnostic: types.Diagnostic, support: EditSupport,
    root: Path | None, open_text: dict[str, str], lazy: bool = False,
) -> types.CodeAction | None:
    """The finding's fix as a code action. A fix that also edits other files (moving a secret
    to ``.env``) is resolved ``lazy``ily when the client can ask (``codeAction/resolve``): its
    WorkspaceEdit carries the value, which only the action the user picks should carry."""
    fix = finding.fix
    if fix is None:
        return None
    title = f"{SOURCE} ({finding.code}): {fix.title}"
    if fix.applicability is Applicability.UNSAFE:
        title += " (unsafe)"
    preferred = fix.applicability is Applicability.SAFE
    if fix.file_edits and root is not None:
        if lazy and support.creates_files:  # else the edit holds no value: nothing to defer
            data = {"uri": result.uri, "version": result.version, "secretFix": result.findings.index(finding)}
            return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                    is_preferred=preferred, data=data)
        return secret_fix(result, finding, diagnostic, title, support, Path(root), open_text)
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=preferred,
        edit=workspace_edit(result, text_edits(result.positions, edits_for(result.doc, fix)), support),
    )


def secret_fix(
    result: DocResult, finding: Finding, diagnostic: types.Diagnostic | None, title: str,
    support: EditSupport, root: Path, open_text: dict[str, str], fresh: bool = False,
) -> types.CodeAction | None:
    """The action moving a secret: the code change plus ``.gitignore``/``.env`` in one
    WorkspaceEdit when the client creates files, else a command that writes them (see
    :mod:`.secret_edits`); None when the destination is refused."""
    fix = finding.fix
    assert fix is not None
    plan = secret_edits.secret_changes(fix.file_edits, fix.note, root, support.creates_files, open_text, result.snapshot.codec, fresh)
    if plan.refused is not None:
        return None
    edits = text_edits(result.positions, edits_for(result.doc, fix))
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic] if diagnostic is not None else None,
        is_preferred=fix.applicability is Applicability.SAFE,
        edit=workspace_edit(result, edits, support, plan.changes),
        command=plan.command,
    )


def secret_fix_target(result: DocResult, data: object) -> Finding | None:
    """The finding a lazily resolved secret action stands for, if its version is still shown."""
    if not isinstance(data, dict) or not isinstance(data.get("secretFix"), int):
        return None
    index = data["secretFix"]
    if data.get("version") != result.version or not 0 <= index < len(result.findings):
        return None
    return result.findings[index]


def suppress(result: DocResult, finding: Finding, diagnostic: types.Diagnostic, support: EditSupport) -> types.CodeAction | None:
    """``# codeward: ignore[CODE]`` on the finding's first (or last) line, merged if present."""
    if result.snapshot.kind not in SUPPRESSIBLE_KINDS:
        return None
    lines = result.lines
    for number in dict.fromkeys((finding.range.start.line, finding.range.end.line)):
        if number in result.lines_ending_in_strings:
            continue
        text = lines.line_text(number)
        match = _SUPPRESSION.search(text)
        if match:
            codes = [c.strip().upper() for c in match.group("codes").split(",") if c.strip()]
            if finding.code in codes:
                return None
            start, end = match.span("codes")
            edit = Edit(Range.of(number, start, number, end), ", ".join([*codes, finding.code]))
        else:
            content = text.rstrip()
            edit = Edit(Range.of(number, len(content), number, len(text)), f"  # codeward: ignore[{finding.code}]")
        return types.CodeAction(
            title=f"{SOURCE} ({finding.code}): Suppress on this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=workspace_edit(result, text_edits(result.positions, [edit]), support),
        )
    return None


def fix_all_placeholder(result: DocResult, kind: str = FIX_ALL_KIND) -> types.CodeAction:
    """Fix-all, resolved lazily (see the server's ``codeAction/resolve``): as the source
    action editors run on save, and as a quick fix so that it is in the Ctrl+. menu."""
    return types.CodeAction(
        title=f"{SOURCE}: Fix all safe findings",
        kind=kind,
        data={"uri": result.uri, "version": result.version, "fixAll": True},
    )


def is_fix_all(action: types.CodeAction) -> bool:
    return isinstance(action.data, dict) and bool(action.data.get("fixAll"))


def show_documentation(code: str, href: str) -> types.CodeAction:
    """Open the rule's section of the documentation (as ESLint offers it, last in the menu)."""
    return types.CodeAction(
        title=f"{SOURCE} ({code}): Show rule documentation",
        kind=types.CodeActionKind.QuickFix,
        command=types.Command(title="Show rule documentation", command=SHOW_DOCUMENTATION, arguments=[href]),
    )


def minimal_edit(positions: ClientPositions, old: str, new: str) -> types.TextEdit:
    """One edit covering only the changed middle of the text (keeps cursors and folds)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    start = positions.offset_to_client(prefix)
    end = positions.offset_to_client(len(old) - suffix)
    return types.TextEdit(range=types.Range(start=start, end=end), new_text=new[prefix : len(new) - suffix])


def actions_for(
    result: DocResult,
    rng: Range,
    only: list[str] | None,
    support: EditSupport,
    root: Path | None,
    open_text: dict[str, str],
    lazy: bool = False,
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    in_range = [(f, d) for f, d in zip(result.findings, result.diagnostics) if overlaps(reach(result, f), rng)]
    safe = any(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in result.findings)
    if wanted(QUICKFIX, only):
        fixes = [quick_fix(result, f, d, support, root, open_text, lazy) for f, d in in_range]
        actions += [a for a in fixes if a is not None]
        if safe and any(f.fix is not None for f, _ in in_range):
            actions.append(fix_all_placeholder(result, QUICKFIX))
        seen: set[tuple[str, int]] = set()
        for f, d in in_range:
            if (f.code, f.range.start.line) in seen:
                continue
            seen.add((f.code, f.range.start.line))
            action = suppress(result, f, d, support)
            if action is not None:
                actions.append(action)
        for code, href in dict.fromkeys((d.code, d.code_description.href) for _, d in in_range if d.code_description):
            actions.append(show_documentation(str(code), href))
    if wanted(FIX_ALL_KIND, only) and safe:
        actions.append(fix_all_placeholder(result))
    return actions


def reach(result: DocResult, finding: Finding) -> Range:
    """Where the cursor finds a finding's actions: its range, and for access control (a
    verdict on a whole route) also the route's decorators above it."""
    if not finding.code.startswith("CW3"):
        return finding.range
    first = result.decorator_starts.get(finding.range.start.line)
    return finding.range if first is None else Range.of(first, 0, finding.range.end.line, finding.range.end.column)
