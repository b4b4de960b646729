"""The secrets data rows, declared, validated and compiled once per loaded knowledge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..knowledge import Knowledge, Row, declare_section

declare_section(
    "secret_formats",
    "Known credential formats (provider keys, tokens, JWTs).",
    required={"label": str, "regex": str, "env": str},
    optional={"keyword": str, "prefix": str, "name": str},
)
declare_section(
    "secret_names",
    "Regexes on normalised names (api_key) that say a value is a credential of `kind`; with "
    "`random`, only values that look generated count.",
    required={"regex": str, "kind": str},
    optional={"random": bool},
)
declare_section(
    "secret_name_exclusions",
    "Regexes on normalised names that mention a secret word but hold something else.",
    required={"regex": str},
)
declare_section(
    "secret_placeholders",
    "Regexes (case-insensitive) for placeholder and dummy values that are never flagged.",
    required={"regex": str},
)
declare_section(
    "secret_arguments",
    "Call arguments that are credentials: positional `index`, `keyword`, tuple `element`.",
    required={"call": str, "kind": str},
    optional={"index": int, "keyword": str, "element": int},
)
declare_section(
    "secret_env_readers",
    "How a project reads its environment; the fix follows the convention in use.",
    required={"call": str, "template": str},
    optional={"import": str, "instance": bool, "loads_dotenv": bool, "loader": str},
)
declare_section(
    "secret_env_loaders",
    "Calls that load `.env` into the environment; a read after one needs no other loader.",
    required={"call": str},
)
declare_section(
    "secret_weak_names",
    "Full-match regexes on normalised names whose guessable literal is a finding (CW205-CW207): "
    "`kind` for the message, `confidence`; `compared`: only when the file compares the name.",
    required={"regex": str, "kind": str, "confidence": str},
    optional={"compared": bool},
)
declare_section(
    "secret_connect_calls",
    "Connect and login calls whose `keyword` (or positional `index`) argument is a password or a URL with one.",
    required={"call": str, "env": str},
    optional={"keyword": str, "index": int},
)


@dataclass(frozen=True)
class Format:
    row: Row
    label: str
    regex: re.Pattern[str]
    env: str
    keyword: str
    prefix: str
    name: re.Pattern[str] | None


@dataclass(frozen=True)
class Catalog:
    formats: tuple[Format, ...]
    names: tuple[tuple[Row, re.Pattern[str]], ...]
    exclusions: tuple[tuple[Row, re.Pattern[str]], ...]
    placeholders: tuple[tuple[Row, re.Pattern[str]], ...]
    arguments: tuple[Row, ...]
    env_readers: tuple[Row, ...]
    env_loaders: tuple[Row, ...]
    weak_names: tuple[tuple[Row, re.Pattern[str]], ...]
    connect_calls: tuple[Row, ...]


def _compile(row: Row, key: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(row[key], flags)
    except re.error as exc:  # a data error: name the row, never a scanned value
        raise ValueError(f"{row.origin[0]}: [[{row.origin[1]}]] row {row.origin[2] + 1}: bad regex in '{key}': {exc}") from None


@lru_cache(maxsize=4)
def catalog(knowledge: Knowledge) -> Catalog:
    """Compiled rows of ``knowledge`` (cached: knowledge is loaded once per process)."""
    formats = tuple(
        Format(
            row=row,
            label=row["label"],
            regex=_compile(row, "regex"),
            env=row["env"],
            keyword=row.get("keyword", ""),
            prefix=row.get("prefix", ""),
            name=_compile(row, "name") if "name" in row else None,
        )
        for row in knowledge.rows("secret_formats")
    )
    return Catalog(
        formats=formats,
        names=tuple((row, _compile(row, "regex")) for row in knowledge.rows("secret_names")),
        exclusions=tuple((row, _compile(row, "regex")) for row in knowledge.rows("secret_name_exclusions")),
        placeholders=tuple((row, _compile(row, "regex", re.IGNORECASE)) for row in knowledge.rows("secret_placeholders")),
        arguments=tuple(knowledge.rows("secret_arguments")),
        env_readers=tuple(knowledge.rows("secret_env_readers")),
        env_loaders=tuple(knowledge.rows("secret_env_loaders")),
        weak_names=tuple((row, _compile(row, "regex")) for row in knowledge.rows("secret_weak_names")),
        connect_calls=tuple(knowledge.rows("secret_connect_calls")),
    )
