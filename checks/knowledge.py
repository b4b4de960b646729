"""Framework knowledge as data: TOML files under ``checks/data/``, validated on load.

Each file holds sections (arrays of tables). A rule family declares the sections it reads,
with their fields, via :func:`declare_section`; loading rejects unknown sections, missing or
mistyped fields and unknown keys with an error naming the file, section, row and key. Rows
remember where they came from so a test can prove every row is exercised by a fixture
(:func:`record_hits`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class KnowledgeError(ValueError):
    """A data file is malformed; the message names the file, section, row and key."""


@dataclass(frozen=True)
class SectionSpec:
    required: dict[str, type | tuple[type, ...]]
    optional: dict[str, type | tuple[type, ...]]
    doc: str


class Row(dict):  # type: ignore[type-arg]
    """One data row; a dict that knows its origin for coverage and error messages."""

    origin: tuple[str, str, int]

    def __hash__(self) -> int:  # rows are identified by origin, not content
        return hash(self.origin)

    def __eq__(self, other: object) -> bool:
        return self is other

    def hit(self) -> None:
        """Note that a rule used this row (only recorded while a test asks for it)."""
        if _HITS is not None:
            _HITS.add(self.origin)


_SECTIONS: dict[str, SectionSpec] = {}
_HITS: set[tuple[str, str, int]] | None = None


def declare_section(name: str, doc: str, required: dict, optional: dict | None = None) -> None:
    """Declare a data section and its fields; called by the module that reads it."""
    _SECTIONS[name] = SectionSpec(required, optional or {}, doc)


def record_hits() -> set[tuple[str, str, int]]:
    """Start recording which rows rules use; returns the live set."""
    global _HITS
    _HITS = set()
    return _HITS


class Knowledge:
    """All loaded rows, by section."""

    def __init__(self, sections: dict[str, list[Row]]) -> None:
        self.sections = sections

    def rows(self, section: str) -> list[Row]:
        return self.sections.get(section, [])

    def all_rows(self) -> Iterator[Row]:
        for rows in self.sections.values():
            yield from rows


def parse_document(name: str, text: str) -> dict[str, list[Row]]:
    """Validate one TOML document against the declared sections."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{name}: invalid TOML: {exc}") from exc
    sections: dict[str, list[Row]] = {}
    for section, rows in data.items():
        spec = _SECTIONS.get(section)
        if spec is None:
            known = ", ".join(sorted(_SECTIONS))
            raise KnowledgeError(f"{name}: unknown section [[{section}]] (known: {known})")
        if not isinstance(rows, list):
            raise KnowledgeError(f"{name}: [[{section}]] must be an array of tables")
        for index, raw in enumerate(rows):
            where = f"{name}: [[{section}]] row {index + 1}"
            if not isinstance(raw, dict):
                raise KnowledgeError(f"{where}: must be a table")
            for key, kind in spec.required.items():
                if key not in raw:
                    raise KnowledgeError(f"{where}: missing key '{key}'")
            for key, value in raw.items():
                kind = spec.required.get(key) or spec.optional.get(key)
                if kind is None:
                    raise KnowledgeError(f"{where}: unknown key '{key}'")
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise KnowledgeError(f"{where}: key '{key}' has the wrong type ({type(value).__name__})")
            row = Row(raw)
            row.origin = (name, section, index)
            sections.setdefault(section, []).append(row)
    return sections


@lru_cache(maxsize=1)
def load() -> Knowledge:
    """Load and validate every bundled data file (rule modules must be imported first)."""
    from . import rules  # noqa: F401  (declares the sections)

    merged: dict[str, list[Row]] = {}
    data_dir = resources.files("codeward.checks.data")
    for entry in sorted(data_dir.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            for section, rows in parse_document(entry.name, entry.read_text("utf-8")).items():
                merged.setdefault(section, []).extend(rows)
    return Knowledge(merged)


declare_section(
    "types",
    "What a call or attribute evaluates to, so chains resolve (sqlite3.connect() → sqlite3.Connection).",
    required={"path": str, "type": str},
)


def return_types() -> dict[str, Row]:
    """``[[types]]`` rows keyed by path, for the name resolver."""
    return _return_types(load())


@lru_cache(maxsize=1)
def _return_types(knowledge: Knowledge) -> dict[str, Row]:
    return {row["path"]: row for row in knowledge.rows("types")}
