"""Secrets in configuration files: TOML, YAML (docker-compose), JSON, INI/CFG, .env files
and Dockerfiles, read as text line by line.

A line yields ``key <sep> value`` pairs (``key = "v"``, ``key: v``, ``"key": "v"``,
``KEY=v``, ``ENV KEY v``); known formats, URL passwords and private key headers are found
anywhere on a line, comments included (a commented-out key is still a leaked key), while
name-based matches skip comment lines (they are mostly documentation). Every regex is linear,
so long lines cost time proportional to their length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import deadline
from ..source import SourceDoc
from .catalog import Catalog
from .classify import Verdict, anonymous, classify, private_key_verdict
from .values import has_key_material, private_key_header

#: ``key <sep> value``; the key must start at a boundary so each position is tried once.
_PAIR = re.compile(
    r"""(?<![\w.\-$])(?P<key>[A-Za-z_][\w.\-]{0,99})["']?[ \t]{0,20}(?:=|:(?!//))[ \t]{0,20}"""
    r"""(?:"(?P<dq>(?:[^"\\\n]|\\.){0,1024})"|'(?P<sq>[^'\n]{0,1024})'|(?P<bare>[^\s,;#"'{}\[\]]{1,1024}))"""
)
_DOCKER_ENV = re.compile(r"^\s{0,20}(?:ENV|ARG)\s{1,20}(?P<key>[A-Za-z_][A-Za-z0-9_]{0,99})\s{1,20}(?P<bare>\S{1,1024})\s{0,20}$", re.IGNORECASE)
_COMMENT = {"toml": ("#",), "yaml": ("#",), "ini": ("#", ";"), "env": ("#",), "dockerfile": ("#",), "json": ("//",)}
#: PEM keys in config files span lines; this many lines after the header are checked.
_PEM_LINES = 40


@dataclass(frozen=True)
class Hit:
    line: int
    start: int
    end: int
    name: str | None
    verdict: Verdict


def scan(doc: SourceDoc, catalog: Catalog) -> Iterator[Hit]:
    """Every secret in a configuration document, at most one per value span."""
    comments = _COMMENT.get(doc.kind, ("#",))
    for line_no in range(doc.lines.line_count):
        if not line_no & 255:
            deadline.check()
        line = doc.lines.line_text(line_no)
        if len(line) < 6:
            continue
        comment = line.lstrip().startswith(comments)
        taken: list[tuple[int, int]] = []
        for hit in _line_hits(doc, line_no, line, catalog, comment):
            if not any(hit.start < end and start < hit.end for start, end in taken):
                taken.append((hit.start, hit.end))
                yield hit


def _line_hits(doc: SourceDoc, line_no: int, line: str, catalog: Catalog, comment: bool) -> Iterator[Hit]:
    header = private_key_header(line)
    if header is not None:
        block = "\n".join(doc.lines.line_text(n) for n in range(line_no, min(line_no + _PEM_LINES, doc.lines.line_count)))
        if has_key_material(block[header.end() :]):
            yield Hit(line_no, header.start(), header.end(), None, private_key_verdict(header.start(), header.end()))
    if not comment:
        for key, start, value in _pairs(line, doc.kind):
            verdict = classify(value, key, catalog)
            if verdict is not None:
                yield Hit(line_no, start + verdict.start, start + verdict.end, key, verdict)
    # Anonymous matches anywhere on the line (values of unnamed keys, comments, lists).
    for verdict in anonymous(line, catalog):
        yield Hit(line_no, verdict.start, verdict.end, None, verdict)


def _pairs(line: str, kind: str) -> Iterator[tuple[str, int, str]]:
    """(key, start column of the value, value) for each pair on the line."""
    if kind == "dockerfile":
        match = _DOCKER_ENV.match(line)
        if match and "=" not in match.group("key"):
            yield match.group("key"), match.start("bare"), match.group("bare")
            return
    for match in _PAIR.finditer(line):
        group = "dq" if match.group("dq") is not None else "sq" if match.group("sq") is not None else "bare"
        yield match.group("key"), match.start(group), match.group(group)
