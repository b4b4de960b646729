"""Turn marker-annotated corpus sources into clean corpus files plus label rows.

Authoring aid for ``benchmarks/corpus``. A corpus app is written with trailing
marker comments, for example::

    cur.execute(f"SELECT * FROM notes WHERE title LIKE '%{q}%'")  #@ sqli vuln: f-string into execute
    @app.route("/admin/purge")  #@ missing-auth vuln +1: admin purge has no guard
    def purge():

``#@ CATEGORY VERDICT [+N]: NOTE`` labels this line (and ``N`` more lines) with
``VERDICT`` in ``vuln``/``safe``. Several markers may share a line. Fake secrets
are written as ``{{secret:KIND:N}}`` and replaced with a deterministic fake from
:mod:`benchmarks.tools.fake_secrets` (fixed seed), so no key is typed by hand.

The markers are stripped from the output, so the corpus a scanner reads carries
no hint of its labels. Usage::

    python benchmarks/tools/label_markers.py SRC_DIR OUT_DIR LABELS_CSV
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fake_secrets import fake_secret  # type: ignore[import-not-found,no-redef]
else:
    from .fake_secrets import fake_secret

MARKER = re.compile(r"\s*#@\s*([a-z-]+)\s+(vuln|safe)\s*(?:\+(\d+))?\s*:\s*(.*?)\s*(?=(?:#@)|$)")
SECRET = re.compile(r"\{\{secret:([a-z_]+):(\d+)\}\}")
LABEL_COLUMNS = ["path", "start_line", "end_line", "category", "verdict", "anchor", "note"]


@dataclass(frozen=True)
class Label:
    """One labelled line range of the corpus."""

    path: str
    start_line: int
    end_line: int
    category: str
    verdict: str
    anchor: str
    note: str


def anchor_for(line: str) -> str:
    """Return a short, secret-free snippet of ``line`` that identifies it.

    The snippet stops before the first string quote so that literals (and the
    fake secrets among them) never end up in the labels file twice.
    """
    text = line.strip()
    cut = min((i for i in (text.find('"'), text.find("'")) if i >= 0), default=len(text))
    snippet = text[:cut].rstrip(" (=:,")
    if len(snippet) < 3:
        snippet = text[: min(len(text), 12)]
    return snippet[:60]


def convert_text(rel_path: str, text: str) -> tuple[str, list[Label]]:
    """Strip markers from ``text``; return the clean text and its labels."""
    text = SECRET.sub(lambda m: fake_secret(m.group(1), int(m.group(2))), text)
    out_lines: list[str] = []
    labels: list[Label] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        idx = line.find("#@")
        if idx < 0:
            out_lines.append(line)
            continue
        code, markers = line[:idx].rstrip(), line[idx:]
        out_lines.append(code)
        found = list(MARKER.finditer(markers))
        if not found:
            raise ValueError(f"{rel_path}:{number}: unparsable marker {markers!r}")
        for match in found:
            category, verdict, extra, note = match.groups()
            labels.append(
                Label(
                    path=rel_path,
                    start_line=number,
                    end_line=number + int(extra or 0),
                    category=category,
                    verdict="vulnerable" if verdict == "vuln" else "safe",
                    anchor=anchor_for(code),
                    note=note,
                )
            )
    return "\n".join(out_lines), labels


def convert_tree(src: Path, out: Path) -> list[Label]:
    """Convert every file under ``src`` into ``out``; return all labels."""
    labels: list[Label] = []
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src).as_posix()
        clean, found = convert_text(rel, path.read_text(encoding="utf-8"))
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(clean, encoding="utf-8")
        labels.extend(found)
    return labels


def write_labels(labels: list[Label], dest: Path) -> None:
    """Write ``labels`` as the corpus CSV file."""
    with dest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for label in labels:
            writer.writerow(
                [label.path, label.start_line, label.end_line, label.category,
                 label.verdict, label.anchor, label.note]
            )


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out, dest = (Path(a) for a in argv)
    labels = convert_tree(src, out)
    write_labels(labels, dest)
    print(f"{len(labels)} labels from {src} -> {out}, {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
