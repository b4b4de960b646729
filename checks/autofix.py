"""Apply many fixes to one text: the engine behind ``--fix`` and the editor's fix-all.

Fixes are applied in rounds, as ruff does: each round takes the non-overlapping fixes of
a fresh analysis, applies them, and re-analyses, until nothing more is fixable or a round
changes nothing. Only fixes whose result parses (checked by the engine) are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .engine import analyze
from .fixes import FixConflict, apply_edits, edits_for, parses_as_well
from .model import Applicability, FileEdit, Finding
from .project import ProjectIndex
from .source import SourceDoc

MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    text: str
    applied: int = 0
    file_edits: list[FileEdit] = field(default_factory=list)
    #: The applied fixes' notes, each once (e.g. where a moved secret went).
    notes: list[str] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)


def fixable(finding: Finding, include_unsafe: bool) -> bool:
    return finding.fix is not None and (include_unsafe or finding.fix.applicability is Applicability.SAFE)


def fix_document(
    doc: SourceDoc,
    config: Config,
    project: ProjectIndex | None = None,
    include_unsafe: bool = False,
    relative_path: str | None = None,
) -> FixOutcome:
    """Apply every applicable fix to ``doc``'s text; report what remains."""
    outcome = FixOutcome(doc.text)
    current = doc
    for _ in range(MAX_ROUNDS):
        findings = analyze(current, config, project, relative_path).findings
        outcome.remaining = findings
        chosen = []
        taken: dict[tuple, str] = {}
        for finding in findings:
            if not fixable(finding, include_unsafe):
                continue
            edits = edits_for(current, finding.fix)  # type: ignore[arg-type]
            # An edit another chosen fix makes too (the same import, the same added
            # ``load_dotenv()``) is shared, not a conflict: both want that text there.
            own = [e for e in edits if taken.get((e.range.start, e.range.end)) != e.text]
            spans = [(e.range.start, e.range.end) for e in own]
            if any(_overlaps(span, other) for span in spans for other in taken):
                continue
            taken.update((span, e.text) for span, e in zip(spans, own))
            chosen.append((finding, own))
        if not chosen:
            break
        all_edits = [e for _, edits in chosen for e in edits]
        try:
            new_text = apply_edits(current.text, current, all_edits)
        except FixConflict:
            break
        if new_text == current.text or not parses_as_well(current, new_text):
            break
        outcome.applied += len(chosen)
        for finding, _ in chosen:
            outcome.file_edits.extend(finding.fix.file_edits)  # type: ignore[union-attr]
            if finding.fix.note and finding.fix.note not in outcome.notes:  # type: ignore[union-attr]
                outcome.notes.append(finding.fix.note)  # type: ignore[union-attr]
        outcome.text = new_text
        current = SourceDoc(new_text, doc.path, doc.kind, doc.module_name)
    return outcome


def _overlaps(a: tuple, b: tuple) -> bool:
    # Two insertions at one point conflict too (e.g. two fixes adding the same import):
    # the second waits for the next round, where the import already exists.
    return a[0] < b[1] and b[0] < a[1] or a == b

